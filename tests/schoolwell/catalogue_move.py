"""The need categories and the school service catalogue moved into the core
(schoolwell.0012_catalogue_into_core, with concerns.0006, self_report.0004, support_team.0008,
community_links.0004 and trends.0002): a category on a concern and on a case, its history, and
a service on a student's request, written before the move, are read after it with the same
keys, and their content types say `schoolwell`."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from concerns.models import Concern
from schoolwell.models import Category, Discipline, Role, Service
from self_report.models import SelfReport, SelfReportRequest
from support_team.models import Case
from tests.factories import SchoolFactory, enrolled_student, member

BEFORE = ("schoolwell", "0011_trends_to_own_app")


def rows_that_stay() -> tuple:
    """A concern, a case and a check-in, written at the latest state: their tables stay where
    they are."""
    # The default locale comes from a migration; a transactional test before may have
    # emptied the tables.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    school = SchoolFactory()
    student = enrolled_student(school)
    worker = member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR)
    concern = Concern.objects.create(
        school=school,
        student=student,
        severity="moderate",
        narrative="Before the move",
        observed_on=datetime.date(2026, 1, 5),
        created_at=timezone.now(),
        idempotency_key=uuid.uuid4(),
    )
    case = Case.objects.create(
        school=school, student=student, lead=worker, tier=1, opened_at=timezone.now()
    )
    report = SelfReport.objects.create(
        student=student, school=school, language="en", wellbeing=2, submitted_at=timezone.now()
    )
    return concern, case, report


def write_before_the_move(old, concern, case, report) -> dict:
    """The catalogue as the apps wrote it before the move, through that time's models."""
    need = old.get_model("concerns", "Category").objects.create(
        slug="moved-need", name="Moved need", name_es="Necesidad movida", order=7
    )
    old.get_model("concerns", "HistoricalCategory").objects.create(
        id=need.pk,
        slug=need.slug,
        name=need.name,
        history_date=timezone.now(),
        history_type="+",
    )
    service = old.get_model("self_report", "Service").objects.create(
        name="Moved service",
        description="Kept through the move",
        discipline="counselor",
        locale_id=Locale.get_default().pk,
    )
    old.get_model("concerns", "Concern").objects.get(pk=concern.pk).categories.add(need)
    old.get_model("support_team", "Case").objects.get(pk=case.pk).needs.add(need)
    request = old.get_model("self_report", "SelfReportRequest").objects.create(
        report_id=report.pk, kind="service", service=service
    )
    kinds = old.get_model("contenttypes", "ContentType").objects
    return {
        "need": need.pk,
        "service": service.pk,
        "translation_key": service.translation_key,
        "request": request.pk,
        "need_type": kinds.get(app_label="concerns", model="category").pk,
        "service_type": kinds.get(app_label="self_report", model="service").pk,
    }


def read_after_the_move(before: dict, concern, case, report) -> None:
    need = Category.objects.get(pk=before["need"])
    assert (need.slug, need.name_es, need.order) == ("moved-need", "Necesidad movida", 7)
    assert list(need.history.values_list("slug", flat=True)) == ["moved-need"]
    assert list(Concern.objects.get(pk=concern.pk).categories.all()) == [need]
    assert list(Case.objects.get(pk=case.pk).needs.all()) == [need]
    service = SelfReportRequest.objects.get(pk=before["request"]).service
    assert service == Service.objects.get(pk=before["service"])
    assert service.translation_key == before["translation_key"]
    assert service.locale == Locale.get_default()
    ContentType.objects.clear_cache()
    need_type = ContentType.objects.get_for_model(Category)
    service_type = ContentType.objects.get_for_model(Service)
    assert (need_type.pk, need_type.app_label) == (before["need_type"], "schoolwell")
    assert (service_type.pk, service_type.app_label) == (before["service_type"], "schoolwell")

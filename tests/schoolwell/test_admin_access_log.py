"""Reads of student records in the Django admin write access-log rows like every other staff
read (QUALITY.md 13): the change page, the list (one row per record shown), the history and
a historical version, the delete confirmation. The admin's autocomplete cannot be used to list
students unlogged. Every admin of a model holding or pointing to a student's record is
covered, and no Wagtail admin view shows one."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from schoolwell.admin_access import AccessLoggedAdmin
from schoolwell.models import AccessLog, Disclosure, Guardian, LegalHold, School, Student
from tests.factories import GuardianFactory, UserFactory, enrolled_student

# Not logged, and why: the access log is the record of reads itself (reading it would log a
# row per row read) and holds no content.
EXEMPT = {AccessLog}


def is_student_record(model) -> bool:
    if model is Student:
        return True
    return any(
        f.related_model is Student
        for f in model._meta.get_fields()
        if f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)
    )


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())  # the admin asks every staff user for MFA
    return user


@pytest.fixture
def records(school_a, superuser):
    first, second = enrolled_student(school_a), enrolled_student(school_a)
    guardian = GuardianFactory()
    guardian.students.add(first, second)
    return {
        Student: (first, [first.pk]),
        Guardian: (guardian, [first.pk, second.pk]),
        LegalHold: (
            LegalHold.objects.create(student=first, reason="Court order", placed_by=superuser),
            [first.pk],
        ),
        Disclosure: (
            Disclosure.objects.create(
                student=first, made_by=superuser, recipient="Clinic", contents="x", basis="y"
            ),
            [first.pk],
        ),
    }


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def logged(user, obj, action: str) -> list[int | None]:
    rows = AccessLog.objects.filter(
        user=user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=action,
        reason="admin",
    )
    return sorted(rows.values_list("student_id", flat=True))


def test_every_admin_of_a_student_record_writes_the_access_log():
    missing = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if is_student_record(model)
        and model not in EXEMPT
        and not isinstance(model_admin, AccessLoggedAdmin)
    ]
    assert missing == []
    covered = {m for m, a in admin.site._registry.items() if isinstance(a, AccessLoggedAdmin)}
    assert {Student, Guardian, LegalHold, Disclosure} <= covered


def test_no_wagtail_admin_view_shows_a_student_record(client):
    """Wagtail's admin has no access logging of ours: it must show no student record (the
    registry fills when the admin's URLs load)."""
    from wagtail.admin.viewsets import viewsets
    from wagtail.snippets.models import get_snippet_models

    client.get("/cms/")
    shown = set(get_snippet_models())
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if model is not None:  # some name theirs as "app_label.Model"
            shown.add(apps.get_model(model) if isinstance(model, str) else model)
    assert [m.__name__ for m in shown if is_student_record(m)] == []


MODELS = [Student, Guardian, LegalHold, Disclosure]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_opening_a_record_in_the_admin_logs_the_read(model, client, superuser, records):
    obj, student_ids = records[model]
    client.force_login(superuser)
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    assert logged(superuser, obj, "view") == student_ids


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_admin_list_logs_one_row_per_record_shown(model, client, superuser, records):
    obj, student_ids = records[model]
    client.force_login(superuser)
    assert client.get(url(model, "changelist")).status_code == 200
    assert logged(superuser, obj, "list") == student_ids


def test_records_the_list_does_not_show_are_not_logged(client, superuser, records):
    shown, _ = records[Student]
    client.force_login(superuser)
    response = client.get(url(Student, "changelist"), {"q": shown.legal_last_name})
    assert response.status_code == 200
    rows = AccessLog.objects.filter(user=superuser, action="list")
    assert list(rows.values_list("object_id", flat=True)) == [str(shown.pk)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_records_history_in_the_admin_logs_the_read(model, client, superuser, records):
    obj, student_ids = records[model]
    client.force_login(superuser)
    assert client.get(url(model, "history", obj.pk)).status_code == 200
    assert logged(superuser, obj, "history") == student_ids


@pytest.mark.parametrize("model", [Student, Guardian, LegalHold], ids=lambda m: m.__name__)
def test_a_historical_version_in_the_admin_logs_the_read(model, client, superuser, records):
    obj, student_ids = records[model]
    version = obj.history.latest("history_date")
    client.force_login(superuser)
    response = client.get(url(model, "simple_history", obj.pk, version.history_id))
    assert response.status_code == 200
    assert logged(superuser, obj, "history") == student_ids


def test_the_delete_confirmation_logs_the_read(client, superuser, records):
    obj, student_ids = records[Guardian]
    client.force_login(superuser)
    assert client.get(url(Guardian, "delete", obj.pk)).status_code == 200
    assert logged(superuser, obj, "view") == student_ids


def test_the_admin_autocomplete_does_not_list_students(client, superuser, records):
    student, _ = records[Student]
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "schoolwell", "model_name": "legalhold", "field_name": "student"},
    )
    assert response.status_code == 404
    assert student.legal_last_name not in response.content.decode()


def test_an_admin_page_that_shows_no_student_logs_nothing(client, superuser, records):
    client.force_login(superuser)
    before = AccessLog.objects.count()
    assert client.get(url(Student, "add")).status_code == 200
    assert client.get(reverse("admin:schoolwell_school_changelist")).status_code == 200
    assert AccessLog.objects.count() == before


def test_is_student_record_knows_the_models_that_point_to_a_student():
    assert is_student_record(Guardian) and is_student_record(Disclosure)
    assert not is_student_record(School)

"""Reads for the student's own pages: only their own reports, in plain words."""

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from schoolwell.models import Student
from self_report.models import SelfReport, SelfReportPage, Service
from support_team.models import Intake


def live_page() -> SelfReportPage | None:
    """The self-report page in the student's language (the default locale's if untranslated)."""
    page = SelfReportPage.objects.live().filter(locale__language_code="en").first()
    page = page or SelfReportPage.objects.live().first()
    return page.localized.specific if page else None


def services_for(*, student: Student, page: SelfReportPage) -> QuerySet[Service]:
    services = Service.objects.filter(locale_id=page.locale_id, active=True)
    ids = [s.pk for s in services if s.is_for_grade(student.grade)]
    return services.filter(pk__in=ids)


def reports_for(*, student: Student) -> QuerySet[SelfReport]:
    return SelfReport.objects.filter(student=student).prefetch_related("requests__service")


def request_statuses(*, student: Student, limit: int = 20) -> list[dict]:
    """Each of the student's recent requests with where it is, in words a student uses."""
    reports = list(reports_for(student=student)[:limit])
    requests = [r for report in reports for r in report.requests.all()]
    intakes = {
        i.source_id: i
        for i in Intake.objects.filter(
            source=Intake.Source.SELF_REPORT, source_id__in=[str(r.pk) for r in requests]
        )
    }
    rows = []
    for request in requests:
        intake = intakes.get(str(request.pk))
        rows.append(
            {"request": request, "report": request.report, "status": _status(request, intake)}
        )
    return rows


def _status(request, intake: Intake | None) -> str:
    if intake is None or intake.status == Intake.Status.NEW:
        today = request.report.talk_when == SelfReport.TalkWhen.TODAY
        if request.kind in ("talk", "safety") and (today or request.kind == "safety"):
            return _("We got it. Someone will find you today.")
        if intake is not None:
            day = formats.date_format(intake.target_at, "l")
            return _("We got it. Someone will see you by %(day)s.") % {"day": day}
        return _("We got it.")
    if intake.status == Intake.Status.CLOSED:
        return _("Done.")
    return _("Someone is working on it.")

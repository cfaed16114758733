"""Reads of check-ins: the student's own pages (only their own reports, in plain words) and
the team's check-in page."""

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from schoolwell.models import Student
from self_report.models import SelfReport, SelfReportPage, SelfReportRequest, Service
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
    return SelfReport.objects.filter(student=student).prefetch_related(
        "requests__service", "requests__intake"
    )


def request_statuses(*, student: Student, limit: int = 20) -> list[dict]:
    """Each of the student's recent requests with where it is, in words a student uses: the
    state of the queue item that carries it (one per check-in)."""
    reports = list(reports_for(student=student)[:limit])
    return [
        {"request": request, "report": report, "status": _status(request, request.intake)}
        for report in reports
        for request in report.requests.all()
    ]


def checkin_requests(*, report: SelfReport) -> list[SelfReportRequest]:
    """What the check-in asked for, each with the queue item that carries it (the team's
    check-in page; the report itself was fetched through permissions.get_checkin_or_404)."""
    return list(report.requests.select_related("service", "consent_rule", "intake"))


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

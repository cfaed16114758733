"""Reads of check-ins: the student's own pages (only their own reports, in plain words) and
the team's check-in page."""

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant

from schoolwell.models import Service, Student
from self_report.models import SelfReport, SelfReportPage, SelfReportRequest
from support_team import selectors as hub_selectors
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
        "requests__service", "requests__intake__routed_service"
    )


def request_statuses(*, student: Student, limit: int = 20) -> list[dict]:
    """Each of the student's recent requests with where it is, in words a student uses: the
    state of the queue item that carries it (one per check-in), and once the team has
    decided, what became of it (a routed check-in names the service). Service names are in
    the student's language, looked up together, so the page costs the same for any number
    of requests."""
    reports = list(reports_for(student=student)[:limit])
    rows = [(request, report) for report in reports for request in report.requests.all()]
    names = _names_in_language(
        [request.service for request, _report in rows]
        + [request.intake.routed_service for request, _report in rows if request.intake]
    )
    return [
        {
            "request": request,
            "report": report,
            "name": names[request.service_id]
            if request.service_id in names
            else request.get_kind_display(),
            "status": _status(request, request.intake, names),
        }
        for request, report in rows
    ]


def _names_in_language(services: list[Service | None]) -> dict[int, str]:
    """Each service's name in the active language (its own where untranslated), in one
    query: requests and routing point at the default language's copy."""
    by_pk = {service.pk: service for service in services if service is not None}
    if not by_pk:
        return {}
    translated = dict(
        Service.objects.filter(
            translation_key__in={service.translation_key for service in by_pk.values()},
            locale__language_code=get_supported_content_language_variant(get_language()),
        ).values_list("translation_key", "name")
    )
    return {pk: translated.get(s.translation_key, s.name) for pk, s in by_pk.items()}


def checkin_requests(*, report: SelfReport) -> list[SelfReportRequest]:
    """What the check-in asked for, each with the queue item that carries it (the team's
    check-in page; the report itself was fetched through permissions.get_checkin_or_404)."""
    return list(report.requests.select_related("service", "consent_rule", "intake"))


def _status(request, intake: Intake | None, names: dict[int, str]) -> str:
    """Where the request is; `names` holds each service's name in the student's language."""
    if intake is None or intake.status == Intake.Status.NEW:
        today = request.report.talk_when == SelfReport.TalkWhen.TODAY
        if request.kind in ("talk", "safety") and (today or request.kind == "safety"):
            return _("We got it. Someone will find you today.")
        if intake is not None:
            day = formats.date_format(intake.target_at, "l")
            return _("We got it. Someone will see you by %(day)s.") % {"day": day}
        return _("We got it.")
    if intake.status == Intake.Status.CLOSED:
        return _outcome(intake, names)
    return _("Someone is working on it.")


def _outcome(intake: Intake, names: dict[int, str]) -> str:
    """What became of a closed check-in: triage closes it whatever it decided, so "Done"
    would tell a student whose request was passed to a service that nothing more will
    happen. Their own request, so the service is named; never the team's notes."""
    outcome = hub_selectors.reporter_outcome(intake.closed_reason)
    if outcome == hub_selectors.PASSED_ON and intake.routed_service_id in names:
        return _("Passed to %(service)s.") % {"service": names[intake.routed_service_id]}
    if outcome == hub_selectors.PASSED_ON:  # the service was deleted since
        return _("Passed to a school service.")
    if outcome == hub_selectors.PASSED_OUTSIDE:
        return _("Passed to a service outside the school.")
    if outcome == hub_selectors.FOLLOWED_UP:
        return _("The support team is following this up.")
    return _("Reviewed by the support team.")

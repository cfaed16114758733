"""The team's side of a check-in: every answer and the student's own words, for the support
team of the school it was sent to. The intake page and the student's chronology reach it by
URL (support_team never imports this app): the page, and the panel the intake page loads."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from schoolwell import permissions
from schoolwell.access import reach
from self_report import selectors
from self_report.models import SelfReport


def _checkin(request: HttpRequest, pk: int) -> dict:
    """The check-in for this user (404 outside their school's team), its read logged."""
    report: SelfReport = reach(
        SelfReport.objects.visible_to(request.actor).select_related("student", "school"),
        pk,
        actor=request.actor,
        read="check-in",
    )
    requests = selectors.checkin_requests(report=report)
    intakes = list({r.intake_id: r.intake for r in requests if r.intake_id}.values())
    return {"report": report, "requests": requests, "intakes": intakes}


@require_GET
@permissions.require(permissions.can_use_queue)
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole check-in on a page of its own (the chronology links here)."""
    return render(request, "self_report/checkin.html", _checkin(request, pk))


@require_GET
@permissions.require(permissions.can_use_queue)
def checkin_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The same, as a fragment the intake page loads (hx-get)."""
    return render(request, "self_report/checkin.html#checkin", _checkin(request, pk))

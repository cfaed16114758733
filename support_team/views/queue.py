from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import audit, permissions
from support_team import selectors, services
from support_team.models import Intake, TimelineEntry


@permissions.require(permissions.can_use_queue)
def queue(request: HttpRequest) -> HttpResponse:
    """The live queue. The page and its live updates render the same row partial; with
    ?partial=rows only the table body is sent (what the page re-fetches after a gap)."""
    intakes = list(selectors.queue_for(user=request.user)[: selectors.QUEUE_PAGE_SIZE])
    template = "support_team/queue.html"
    if request.GET.get("partial") == "rows":
        template += "#rows"
    return render(request, template, {"intakes": intakes, "now": timezone.now()})


@permissions.require(permissions.can_use_queue)
def queue_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row, for a socket event. A closed intake answers 204: the page drops its row."""
    intake = permissions.get_intake_or_404(request.user, pk)
    if intake.status == Intake.Status.CLOSED:
        return HttpResponse(status=204)
    return render(request, "support_team/queue.html#row", {"intake": intake, "now": timezone.now()})


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_claim(request: HttpRequest, pk: int) -> HttpResponse:
    intake = permissions.get_intake_or_404(request.user, pk)
    try:
        services.intake_claim(intake=intake, by=request.user)
    except services.AlreadyClaimed as taken:
        holder = taken.intake.claimed_by
        messages.warning(
            request,
            _("%(name)s already has this one.") % {"name": holder}
            if holder
            else _("This one has already been dealt with."),
        )
    else:
        messages.success(request, _("It is yours. The rest of the team can see you have it."))
    return redirect(f"{reverse('support_team:queue')}#intake-{intake.pk}")


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_release(request: HttpRequest, pk: int) -> HttpResponse:
    intake = permissions.get_intake_or_404(request.user, pk)
    try:
        services.intake_release(intake=intake, by=request.user)
    except services.AlreadyClaimed:
        messages.warning(request, _("Only the person who has it can give it back."))
    else:
        messages.success(request, _("Back in the queue."))
    return redirect(f"{reverse('support_team:queue')}#intake-{intake.pk}")


@permissions.require(permissions.can_use_queue)
def student_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one student at the user's schools, newest first. The read is logged."""
    student = permissions.get_student_or_404(request.user, pk)
    audit.access_log(user=request.user, obj=student, reason="chronology")
    source = request.GET.get("source", "")
    category = request.GET.get("category", "")
    entries = list(
        selectors.timeline_for(
            user=request.user, student=student, source=source, category=category
        )[:500]
    )
    return render(
        request,
        "support_team/student.html",
        {
            "student": student,
            "entries": entries,
            "enrollments": student.enrollments.select_related("school"),
            "guardians": student.guardians.all(),
            "sources": TimelineEntry.Source.choices,
            "categories": selectors.timeline_categories(),
            "source": source,
            "category": category,
        },
    )

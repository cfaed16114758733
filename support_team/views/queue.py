import datetime
import json
import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell import permissions
from support_team import heartbeat, live_rows, selectors, services
from support_team.forms.triage import QueueFilterForm
from support_team.models import Intake, TimelineEntry
from support_team.selectors.access import intake_for

URGENT_HEADER = "X-Urgent-Unclaimed"
# The same count per school, as of when it was read: {"at": seconds, "schools": {id: n}}.
URGENT_SCHOOLS_HEADER = "X-Urgent-By-School"
# The server's time (seconds) of a read of the queue, whole or of its changes: what the page
# asks for changes since when it comes back (queue_changes).
READ_AT_HEADER = "X-Queue-Read-At"


def _filter_form(request: HttpRequest) -> QueueFilterForm:
    schools = list(permissions.schools_for(request.user, permissions.TEAM_ROLES).order_by("name"))
    return QueueFilterForm.from_query(request.GET, schools=schools)


@permissions.require(permissions.can_use_queue)
def queue(request: HttpRequest) -> HttpResponse:
    """The live queue, narrowed by URL parameters (invalid ones are dropped). The page and its
    live updates (support_team/live_rows.py) render the same row partial; with ?partial=rows
    only the table body is sent (what the page re-fetches after a gap, with the same
    parameters)."""
    read_at = time.time()  # before the reads: a screen asks for changes since then
    form = _filter_form(request)
    intakes = selectors.queue_rows(user=request.user, filters=form.filters)
    template = "support_team/queue.html"
    if request.GET.get("partial") == "rows":
        template += "#rows"
    at = time.time()
    urgent = selectors.unclaimed_urgent_by_school(user=request.user)
    context = {
        "intakes": intakes,
        "now": timezone.now(),
        "filter_form": form,
        "filtered": form.filters != selectors.QueueFilters(),
        "urgent_unclaimed": sum(urgent.values()),
        # Per school, as of `at`: a row pushed later brings its school's count (queue.js).
        "urgent_json": _urgent_json(urgent, at),
        "page_size": selectors.QUEUE_PAGE_SIZE,
        "tick": selectors.next_tick(intakes),
        "read_at": f"{read_at:.3f}",
        "heartbeat_ms": round(heartbeat.interval() * 1000),
    }
    response = render(request, template, context)
    response[READ_AT_HEADER] = context["read_at"]
    return _with_count(response, urgent, at)


def _urgent_json(urgent: dict[int, int], at: float) -> str:
    return json.dumps({"at": at, "schools": urgent})


def _with_count(response: HttpResponse, urgent: dict[int, int], at: float) -> HttpResponse:
    """The live page keeps its tab title's count from these headers on every re-read, the
    answers with no body (204) included: the total, and the counts per school that pushed
    rows update (queue.js)."""
    response[URGENT_HEADER] = str(sum(urgent.values()))
    response[URGENT_SCHOOLS_HEADER] = _urgent_json(urgent, at)
    return response


@permissions.require(permissions.can_use_queue)
def queue_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row under the page's filters, for a screen whose filters (or whose other schools)
    give the row other figures than the one pushed to every screen (queue.js). 204 when the
    intake is closed or the filters leave it out: the page drops its row."""
    intake = intake_for(request.actor, pk)
    row = selectors.queue_row(
        user=request.user, intake=intake, filters=_filter_form(request).filters
    )
    at = time.time()
    urgent = selectors.unclaimed_urgent_by_school(user=request.user)
    if row is None:
        return _with_count(HttpResponse(status=204), urgent, at)
    context = {"intake": row, "now": timezone.now()}
    return _with_count(render(request, "support_team/queue.html#row", context), urgent, at)


@permissions.require(permissions.can_use_queue)
def queue_changes(request: HttpRequest) -> HttpResponse:
    """What changed on the page's queue (under its filters) since `since`, the server time its
    screen last read it (seconds): the page asks after a reconnect or a skipped version,
    instead of re-reading the whole table. The answer has the pushed rows' shape ({"rows":
    [{"id", "version", "html"}], "gone"}) and the time of this read (READ_AT_HEADER), or is
    {"full": true} when a whole re-read is the better answer (queue.js then makes one)."""
    read_at = time.time()
    since = _moment(request.GET.get("since", ""))
    changes = since and selectors.queue_changes(
        user=request.user,
        filters=_filter_form(request).filters,
        since=since,
        now=datetime.datetime.fromtimestamp(read_at, tz=datetime.UTC),
    )
    if not changes:
        response = JsonResponse({"full": True})
    else:
        rows = [
            {"id": row.pk, "version": row.version, "html": live_rows.render_row(row)}
            for row in changes.rows
        ]
        response = JsonResponse({"rows": rows, "gone": changes.gone})
        response[READ_AT_HEADER] = f"{read_at:.3f}"
    urgent = selectors.unclaimed_urgent_by_school(user=request.user)
    return _with_count(response, urgent, read_at)


def _moment(text: str) -> datetime.datetime | None:
    """Seconds since the epoch, as the page sends them back; None for anything else."""
    try:
        seconds = float(text)
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _back(request: HttpRequest, intake: Intake) -> HttpResponse:
    """Back to the intake page when the button was on it, else to the row on the queue."""
    if request.POST.get("next") == "intake":
        return redirect("support_team:intake", pk=intake.pk)
    return redirect(f"{reverse('support_team:queue')}#intake-{intake.pk}")


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_claim(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for(request.actor, pk)
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
    return _back(request, intake)


@require_POST
@permissions.require(permissions.can_use_queue)
def intake_release(request: HttpRequest, pk: int) -> HttpResponse:
    intake = intake_for(request.actor, pk)
    try:
        services.intake_release(intake=intake, by=request.user)
    except services.AlreadyClaimed:
        messages.warning(request, _("Only the person who has it can give it back."))
    else:
        messages.success(request, _("Back in the queue."))
    return _back(request, intake)


@permissions.require(permissions.can_use_queue)
def student_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one student at the user's schools, newest first. The read is logged."""
    student = permissions.get_student_or_404(request.actor, pk, read="chronology")
    # Filters name one of the listed choices or nothing: anything else (a NUL byte, which
    # PostgreSQL refuses in a LIKE pattern, or a made-up slug) shows the whole chronology.
    categories = selectors.timeline_categories()
    source = request.GET.get("source", "")
    source = source if source in TimelineEntry.Source.values else ""
    category = request.GET.get("category", "")
    category = category if category in {slug for slug, _name in categories} else ""
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
            "categories": categories,
            "source": source,
            "category": category,
        },
    )

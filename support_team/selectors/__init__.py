"""Reads of the hub, always for an acting user and always from a scoped queryset."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from schoolwell import permissions
from schoolwell.models import Category, User
from support_team.models import CloseReason, Intake, StatusSeen, TimelineEntry
from support_team.selectors.presence import (  # noqa: F401  (re-exported)
    PRESENCE_TTL,
    named,
    presence_entries,
    presence_for,
    presence_key,
    viewers_of,
)
from support_team.selectors.queue import (  # noqa: F401  (the queue's reads, re-exported)
    QUEUE_PAGE_SIZE,
    QueueChanges,
    QueueFilters,
    category_names,
    next_tick,
    open_case_for,
    other_open_intakes,
    queue_changes,
    queue_row,
    queue_rows,
    routable_services,
    school_student_rows,
    source_category_slugs,
    unclaimed_urgent_at,
    unclaimed_urgent_by_school,
)


def reporter_status_trails(
    *, source: str, source_ids: list[str]
) -> dict[str, list[tuple[str, object]]]:
    """What the person who raised each item may see of it: "received", "being looked at",
    then what became of it (see reporter_label), with the date each began. Read from the
    intakes' history in one query; who looked at it and what they wrote stay with the team."""
    rows = (
        Intake.history.filter(source=source, source_id__in=source_ids)
        .order_by("id", "history_date")
        .values_list("source_id", "status", "closed_reason", "history_date")
    )
    trails: dict[str, list[tuple[str, object]]] = {}
    for source_id, status, reason, when in rows:
        label = reporter_label(status, reason)
        trail = trails.setdefault(source_id, [])
        if not trail or trail[-1][0] != label:
            trail.append((label, when))
    return trails


# Triage ends an intake by closing it, whatever it decided (see services.triage), so the
# status alone would say "Closed" to a teacher whose concern the team took into a case. The
# reason the intake was closed says what became of it; the person who raised it reads one of
# these broad outcomes, never the case, the service, the notes or who decided.
FOLLOWED_UP = "followed_up"  # the work goes on in a case (a new one or one already open)
PASSED_ON = "passed_on"  # routed to a school service
PASSED_OUTSIDE = "passed_outside"  # referred to a service outside the school
REVIEWED = "reviewed"  # looked at and closed with a reason: no further work by the team

_OUTCOMES: dict[str, str] = {
    CloseReason.CASE: FOLLOWED_UP,
    # "Already known: part of existing work": it is followed up, in the work already going on.
    # Said as for a case, so the words never tell a teacher the student was already known.
    CloseReason.ALREADY_KNOWN: FOLLOWED_UP,
    CloseReason.ROUTED: PASSED_ON,
    CloseReason.REFERRED_OUT: PASSED_OUTSIDE,
}


def reporter_outcome(closed_reason: str) -> str:
    """What became of a closed intake, as its reporter may know it (one of the constants
    above); any other reason, or none (older records), is REVIEWED."""
    return _OUTCOMES.get(closed_reason, REVIEWED)


REPORTER_LABELS = {
    Intake.Status.NEW: _("Received"),
    Intake.Status.CLAIMED: _("Being looked at"),
    Intake.Status.TRIAGED: _("Being looked at"),
}

# The teacher's words for each outcome. Routing and referring out read the same: which
# service a student was passed to is theirs and the team's, not the teacher's.
TEACHER_OUTCOME_LABELS = {
    FOLLOWED_UP: _("The support team is following this up"),
    PASSED_ON: _("Passed on to a service by the support team"),
    PASSED_OUTSIDE: _("Passed on to a service by the support team"),
    REVIEWED: _("Reviewed and closed by the support team"),
}


def reporter_label(status: str, closed_reason: str = "") -> str:
    """The status a teacher sees for a concern they raised (their page and their e-mail)."""
    if status == Intake.Status.CLOSED:
        return str(TEACHER_OUTCOME_LABELS[reporter_outcome(closed_reason)])
    return str(REPORTER_LABELS[Intake.Status(status)])


def timeline_for(*, user: User, student, source: str = "", category: str = "") -> QuerySet:
    """The student's chronology at the user's schools, newest first, optionally filtered."""
    entries = TimelineEntry.objects.filter(
        student=student, school_id__in=permissions.school_ids(user, permissions.TEAM_ROLES)
    ).select_related("actor")
    if source:
        entries = entries.filter(source=source)
    if category:
        entries = entries.filter(categories__contains=f",{category},")
    return entries


def timeline_categories() -> list[tuple[str, str]]:
    """(slug, name) of every category a chronology can be filtered by."""
    return list(Category.objects.values_list("slug", "name"))


def status_updates_for(*, user: User, source: str) -> int:
    """How many of the items this person raised have moved on (been picked up or closed)
    since they last looked. Only a change of status counts: assigning, a new urgency or an
    escalation also write history, but the person's status page shows nothing new, so a
    badge for them would not tell the truth. One query."""
    seen = StatusSeen.objects.filter(user=user).values("seen_at")[:1]
    previous = (
        Intake.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date")
        .values("status")[:1]
    )
    return (
        Intake.history.filter(
            opened_by=user,
            source=source,
            status__in=[Intake.Status.CLAIMED, Intake.Status.TRIAGED, Intake.Status.CLOSED],
            history_type="~",
        )
        .filter(Q(history_date__gt=Subquery(seen)) | ~Exists(StatusSeen.objects.filter(user=user)))
        .annotate(previous_status=Subquery(previous))
        .filter(Q(previous_status__isnull=True) | ~Q(previous_status=F("status")))
        .values("id")
        .distinct()
        .count()
    )


def safeguarding_leads(*, school_id: int) -> list[User]:
    """The school's safeguarding leads who can act now (active membership, active account):
    whom an urgent alert goes to, and whom a teacher is told to find."""
    from schoolwell.models import Membership, Role

    memberships = Membership.objects.filter(
        school_id=school_id, role=Role.SAFEGUARDING_LEAD, active=True, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships]


def team_members(*, school_id: int) -> list[User]:
    """Active members of the school's support team (support staff and safeguarding leads):
    whom an intake can be assigned to and who can join a case."""
    from schoolwell.models import Membership

    users = User.objects.filter(
        Exists(
            Membership.objects.filter(
                user=OuterRef("pk"),
                school_id=school_id,
                role__in=permissions.TEAM_ROLES,
                active=True,
            )
        ),
        is_active=True,
    ).order_by("first_name", "last_name", "email")
    return list(users)

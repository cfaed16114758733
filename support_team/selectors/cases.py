"""Reads of cases: everything the case page shows, in a fixed number of queries whatever
the size of the case, and the list of cases at the user's schools."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from schoolwell import permissions
from schoolwell.models import Membership, User
from support_team.models import Case, CaseMember, FollowUp, Goal, Intervention, Note
from support_team.models.cases import withheld_label
from support_team.selectors import team_members


@dataclass(frozen=True)
class NoteShown:
    """A case note as one reader sees it. Above their level (and not theirs) it keeps its
    level, author and time, and `body` is empty: `withheld` says what it is instead, so a
    template has no body to show by mistake."""

    pk: int
    level: str
    author: User
    written_at: object
    goal: Goal | None
    body: str
    withheld: str


def note_shown(note: Note, *, levels: set[str], user: User) -> NoteShown:
    if permissions.may_read_note(levels, note.level, own=note.author_id == user.pk):
        return NoteShown(
            note.pk, note.level, note.author, note.written_at, note.goal, note.body, ""
        )
    return NoteShown(
        note.pk, note.level, note.author, note.written_at, None, "", withheld_label(note.level)
    )


@dataclass
class CasePage:
    """What one reader sees of one case. Every note is listed; only those at the reader's
    levels (and their own) with their text. Who may do what is asked of permissions once,
    here."""

    case: Case
    members: list[CaseMember]
    needs: list
    goals: list
    notes: list[NoteShown]
    meetings: list
    follow_ups: list[FollowUp]
    intakes: list
    team: list[User]
    note_levels: list[str]
    today: date
    can_change_lead: bool
    can_manage_team: bool
    can_close: bool
    is_member: bool


def case_page(*, user: User, case: Case) -> CasePage:
    """The case page for this reader. Queries: members (+ their roles at the school), needs,
    goals, interventions, notes, meetings, attendees, actions, follow-ups, intakes, the
    school's team: the same count for a case with one of each or a hundred."""
    here = Membership.objects.filter(school_id=case.school_id, active=True)
    members = list(
        case.memberships.select_related("user")
        .prefetch_related(Prefetch("user__memberships", queryset=here, to_attr="here"))
        .order_by("added_at", "pk")
    )
    goals = list(
        case.goals.prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.select_related("owner"))
        )
    )
    meetings = list(
        case.meetings.select_related("recorded_by").prefetch_related(
            "attendees",
            Prefetch("actions", queryset=FollowUp.objects.select_related("assignee")),
        )
    )
    follow_ups = list(
        case.follow_ups.select_related("assignee", "meeting").order_by(
            F("done_at").desc(nulls_first=True), "due_on", "pk"
        )
    )
    levels = permissions.note_levels(user, case)
    # What this reader may do with each row, so the template never rebuilds a rule.
    for m in members:
        m.can_remove = case.is_open and permissions.can_remove_from_case(user, case, m.user_id)
    for fu in follow_ups:
        fu.can_cancel = permissions.can_cancel_follow_up(user, fu, case)
    return CasePage(
        case=case,
        members=members,
        needs=list(case.needs.all()),
        goals=goals,
        notes=[
            note_shown(note, levels=levels, user=user)
            for note in case.notes.select_related("author", "goal")
        ],
        meetings=meetings,
        follow_ups=follow_ups,
        intakes=list(case.intakes.order_by("-opened_at")),
        team=team_members(school_id=case.school_id),
        # Most open first, so the note form's default is the widest audience.
        note_levels=[value for value in Note.Level.values if value in levels],
        today=timezone.localdate(),
        can_change_lead=permissions.can_change_case_lead(user, case),
        can_manage_team=permissions.can_manage_case_team(user, case),
        can_close=permissions.can_close_case(user, case),
        is_member=any(m.user_id == user.pk for m in members),
    )


def case_list(
    *, user: User, mine: bool = False, tier: int | None = None, status: str = Case.Status.OPEN
) -> QuerySet[Case]:
    """Cases at the user's schools, highest tier first, then the soonest follow-up. `mine`:
    cases the user leads or works on. Each row carries its next open follow-up date and how
    many open follow-ups are overdue (subqueries, so the list is one query)."""
    cases = Case.objects.visible_to(user).select_related("student", "school", "lead")
    if mine:
        cases = cases.filter(
            Q(lead=user) | Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user))
        )
    if tier:
        cases = cases.filter(tier=tier)
    if status:
        cases = cases.filter(status=status)
    open_follow_ups = FollowUp.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    overdue = (
        open_follow_ups.filter(due_on__lt=timezone.localdate())
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(
        next_due=Subquery(open_follow_ups.order_by("due_on").values("due_on")[:1]),
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    ).order_by("-tier", F("next_due").asc(nulls_last=True), "-opened_at", "pk")

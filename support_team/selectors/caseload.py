"""Reads of caseloads: what one team member holds and what is due, the whole team's balance
for a safeguarding lead, and the counts the daily digest sends. Every count is grouped in SQL;
Python only merges the small grouped results by person."""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from schoolwell import permissions
from schoolwell.models import Membership, School, User
from support_team.models import Case, CaseMember, FollowUp, Intake, Intervention
from support_team.selectors import team_members

TIERS = (Case.Tier.UNIVERSAL, Case.Tier.TARGETED, Case.Tier.INTENSIVE)
# Someone is marked as carrying more than their share when they hold at least half as many
# open cases again as the team's median AND at least two more (so a team where everyone has
# one or two cases does not light up over a single case).
HEAVY_RATIO = 1.5
HEAVY_MARGIN = 2
OPEN_INTERVENTION = (Intervention.Status.PLANNED, Intervention.Status.ACTIVE)


def week_end(today: date) -> date:
    """The Sunday that ends today's week: "due this week" runs from today to then."""
    return today + timedelta(days=6 - today.weekday())


# --- one person's caseload ------------------------------------------------------------------


@dataclass
class Caseload:
    today: date
    week_end: date
    cases: list[Case]
    tiers: dict[int, int]
    follow_ups_overdue: list[FollowUp]
    follow_ups_this_week: list[FollowUp]
    reviews_due: list[Intervention]
    claimed: list[Intake]

    @property
    def open_cases(self) -> int:
        return sum(self.tiers.values())


def _open_cases_for(user: User) -> QuerySet[Case]:
    return Case.objects.visible_to(user).filter(status=Case.Status.OPEN)


def _tier_counts(tier_field: str = "tier") -> dict[str, Count]:
    return {f"tier{t}": Count("pk", filter=Q(**{tier_field: t})) for t in TIERS}


def caseload_for(*, user: User, today: date) -> Caseload:
    """The user's open cases (as lead or member) at the schools where they are on the team,
    the follow-ups assigned to them that are overdue or due by Sunday, the interventions they
    own that are due for review by Sunday, and the intakes they claimed but have not triaged.
    Six queries whatever the size of the caseload."""
    end = week_end(today)
    mine = _open_cases_for(user).filter(
        Exists(CaseMember.objects.filter(case=OuterRef("pk"), user=user))
    )
    tiers = mine.aggregate(**_tier_counts())
    open_cases = _open_cases_for(user)
    follow_ups = FollowUp.objects.filter(
        assignee=user, done_at__isnull=True, case__in=open_cases
    ).select_related("case__student")
    return Caseload(
        today=today,
        week_end=end,
        cases=list(mine.select_related("student", "school", "lead").order_by("-tier", "pk")),
        tiers={t: tiers[f"tier{t}"] for t in TIERS},
        follow_ups_overdue=list(follow_ups.filter(due_on__lt=today)),
        follow_ups_this_week=list(follow_ups.filter(due_on__gte=today, due_on__lte=end)),
        reviews_due=list(
            Intervention.objects.filter(
                owner=user,
                status__in=OPEN_INTERVENTION,
                review_date__lte=end,
                goal__case__in=open_cases,
            )
            .select_related("goal__case__student")
            .order_by("review_date", "pk")
        ),
        claimed=list(
            Intake.objects.visible_to(user)
            .filter(claimed_by=user, status=Intake.Status.CLAIMED)
            .select_related("student", "school")
            .order_by("urgency", "target_at", "pk")
        ),
    )


# --- the team's balance (safeguarding lead) -------------------------------------------------


@dataclass
class MemberLoad:
    user: User
    tiers: dict[int, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    follow_ups_due: int = 0
    follow_ups_overdue: int = 0
    claimed: int = 0
    heavy: bool = False

    @property
    def open_cases(self) -> int:
        return sum(self.tiers.values())


@dataclass
class TeamBalance:
    school: School
    rows: list[MemberLoad]
    median_open_cases: float


def team_balance_for(*, user: User, today: date) -> list[TeamBalance]:
    """For each school where the user is the safeguarding lead, one row per active team
    member: open cases by tier, follow-ups due this week and overdue, intakes claimed but not
    triaged, and whether they hold well above the team's median of open cases. Four queries
    plus one per school led, whatever the number of members and cases."""
    school_ids = permissions.team_balance_school_ids(user)
    if not school_ids:
        return []
    end = week_end(today)
    loads: dict[tuple[int, int], MemberLoad] = {}
    schools = list(School.objects.filter(pk__in=school_ids).order_by("name"))
    for school in schools:
        for person in team_members(school_id=school.pk):
            loads[(school.pk, person.pk)] = MemberLoad(user=person)

    case_rows = (
        CaseMember.objects.filter(case__school_id__in=school_ids, case__status=Case.Status.OPEN)
        .order_by()
        .values("case__school_id", "user_id")
        .annotate(**_tier_counts("case__tier"))
    )
    for row in case_rows:
        load = loads.get((row["case__school_id"], row["user_id"]))
        if load is not None:
            load.tiers = {t: row[f"tier{t}"] for t in TIERS}

    follow_up_rows = (
        FollowUp.objects.filter(
            case__school_id__in=school_ids,
            case__status=Case.Status.OPEN,
            done_at__isnull=True,
            due_on__lte=end,
        )
        .order_by()
        .values("case__school_id", "assignee_id")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due=Count("pk", filter=Q(due_on__gte=today)),
        )
    )
    for row in follow_up_rows:
        load = loads.get((row["case__school_id"], row["assignee_id"]))
        if load is not None:
            load.follow_ups_overdue, load.follow_ups_due = row["overdue"], row["due"]

    claimed_rows = (
        Intake.objects.filter(school_id__in=school_ids, status=Intake.Status.CLAIMED)
        .order_by()
        .values("school_id", "claimed_by_id")
        .annotate(n=Count("pk"))
    )
    for row in claimed_rows:
        load = loads.get((row["school_id"], row["claimed_by_id"]))
        if load is not None:
            load.claimed = row["n"]

    balances = []
    for school in schools:
        rows = [load for (sid, _uid), load in loads.items() if sid == school.pk]
        median = statistics.median([r.open_cases for r in rows]) if rows else 0
        for r in rows:
            r.heavy = r.open_cases >= median * HEAVY_RATIO and r.open_cases >= median + HEAVY_MARGIN
        balances.append(TeamBalance(school=school, rows=rows, median_open_cases=median))
    return balances


# --- the daily digest -----------------------------------------------------------------------


@dataclass
class DigestCounts:
    """What one person has due, in numbers only: the digest e-mail leaves the server, so it
    never carries a name or a word of narrative."""

    follow_ups_overdue: int = 0
    follow_ups_today: int = 0
    follow_ups_later_this_week: int = 0
    reviews_due: int = 0
    claimed_untriaged: int = 0
    urgent_unclaimed: int = 0

    def __bool__(self) -> bool:
        return any(vars(self).values())


def _on_team(user_ref: str, school_ref: str) -> Exists:
    """The person is on the support team of the school now (an active membership)."""
    return Exists(
        Membership.objects.filter(
            user=OuterRef(user_ref),
            school=OuterRef(school_ref),
            role__in=permissions.TEAM_ROLES,
            active=True,
        )
    )


def digest_recipients() -> dict[int, set[int]]:
    """Active team members with an e-mail address: user id -> the schools they are on the
    team of."""
    rows = Membership.objects.filter(
        role__in=permissions.TEAM_ROLES,
        active=True,
        school__isnull=False,
        user__is_active=True,
    ).exclude(user__email="")
    recipients: dict[int, set[int]] = {}
    for user_id, school_id in rows.values_list("user_id", "school_id"):
        recipients.setdefault(user_id, set()).add(school_id)
    return recipients


def digest_counts(*, recipients: dict[int, set[int]], today: date) -> dict[int, DigestCounts]:
    """Counts for every recipient at once, in four grouped queries: follow-ups assigned to
    them (overdue, today, later this week) and intervention reviews due by Sunday, on open
    cases at schools where they are on the team; intakes they claimed and have not triaged;
    urgent intakes nobody has claimed at their schools."""
    end = week_end(today)
    counts = {user_id: DigestCounts() for user_id in recipients}

    follow_ups = (
        FollowUp.objects.filter(
            _on_team("assignee_id", "case__school_id"),
            assignee_id__in=recipients,
            case__status=Case.Status.OPEN,
            done_at__isnull=True,
            due_on__lte=end,
        )
        .order_by()
        .values("assignee_id")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            today=Count("pk", filter=Q(due_on=today)),
            later=Count("pk", filter=Q(due_on__gt=today)),
        )
    )
    for row in follow_ups:
        c = counts[row["assignee_id"]]
        c.follow_ups_overdue, c.follow_ups_today = row["overdue"], row["today"]
        c.follow_ups_later_this_week = row["later"]

    reviews = (
        Intervention.objects.filter(
            _on_team("owner_id", "goal__case__school_id"),
            owner_id__in=recipients,
            goal__case__status=Case.Status.OPEN,
            status__in=OPEN_INTERVENTION,
            review_date__lte=end,
        )
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk"))
    )
    for row in reviews:
        counts[row["owner_id"]].reviews_due = row["n"]

    claimed = (
        Intake.objects.filter(
            _on_team("claimed_by_id", "school_id"),
            claimed_by_id__in=recipients,
            status=Intake.Status.CLAIMED,
        )
        .order_by()
        .values("claimed_by_id")
        .annotate(n=Count("pk"))
    )
    for row in claimed:
        counts[row["claimed_by_id"]].claimed_untriaged = row["n"]

    all_schools = set().union(*recipients.values()) if recipients else set()
    urgent = dict(
        Intake.objects.filter(
            school_id__in=all_schools, status=Intake.Status.NEW, urgency=Intake.Urgency.URGENT
        )
        .order_by()
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    for user_id, schools in recipients.items():
        counts[user_id].urgent_unclaimed = sum(urgent.get(s, 0) for s in schools)
    return counts

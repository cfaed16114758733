"""A year and a half of cases at every demo school, so the trends charts of support delivered,
tiers and caseloads have shape when someone first opens them: each school's own team (its
social worker, counselor, psychologist, nurse, administrator and safeguarding lead, not the
demo accounts, whose cases stay the few demo.py makes) leads and works on cases in roughly
the 80/15/5 tier shape, with goals and interventions started through the year; older cases
closed with their goals judged, recent ones still open.

Made in bulk with their history rows, written as intake_to_case(), case_member_add(),
goal_add(), intervention_add() and case_close() would have written them (schoolwell.demo
explains why in bulk). Deterministic from the seed and run once."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from schoolwell import calendar
from schoolwell.demo import add_m2m_with_history, demo_schools, enrolments, history_window, pick
from schoolwell.models import Category, Membership, Role, Student
from support_team.models import Case, CaseMember, CloseReason, Goal, Intake, Intervention

MARK = "Demo history"
OPEN_SHARE = 0.16  # of a school's students with a case open now
CLOSED_SHARE = 0.2  # of its students with a case opened and closed in the period
RECENT_DAYS = 150  # the open cases were opened in these last days
# Cases opened per school day, relative, by month of the year (none in the summer).
SEASON = {1: 8, 2: 10, 3: 11, 4: 10, 5: 8, 6: 3, 7: 0, 8: 4, 9: 9, 10: 12, 11: 12, 12: 7}
TIERS = [(1, 74), (2, 18), (3, 8)]
# need: (weight, who leads it, goal, intervention kinds)
NEEDS = {
    "attendance": (16, "social_worker", "Attends at least 90% of school days",
                   ["attendance", "check_in"]),
    "academic": (15, "administrator", "Catches up in the subjects behind",
                 ["tutoring", "mentoring"]),
    "behaviour": (10, "psychologist", "Settles back into class after breaks",
                  ["behaviour", "check_in"]),
    "emotional-wellbeing": (18, "counselor", "Feels calmer and knows who to talk to",
                            ["counseling", "group"]),
    "family-home": (8, "social_worker", "Family connected to the help it asked for",
                    ["family", "basic_needs"]),
    "food-insecurity": (7, "social_worker", "Has enough to eat on school days and weekends",
                        ["basic_needs", "community"]),
    "housing": (3, "social_worker", "Family has stable housing", ["community", "family"]),
    "health": (8, "nurse", "Health needs looked after at school", ["health", "community"]),
    "bullying": (7, "counselor", "Feels safe at lunch and break", ["group", "counseling"]),
    "substance-use": (2, "psychologist", "Knows where to get help and uses it",
                      ["counseling", "community"]),
    "self-harm": (2, "safeguarding_lead", "Stays safe, with a safety plan everyone knows",
                  ["counseling", "health"]),
    "other": (4, "counselor", "Back on track in class", ["mentoring", "other"]),
}  # fmt: skip
FREQUENCY = [("weekly", 50), ("daily", 10), ("fortnightly", 20), ("monthly", 10)]
FREQUENCY += [("as_needed", 7), ("once", 3)]
GOAL_ENDS = [("met", 55), ("partly_met", 25), ("not_met", 10), ("dropped", 10)]
CLOSING = "Goals reviewed with the student and family; no further action from the team."
BATCH = 500


def seed(*, seed: int = 2026) -> int:
    schools = demo_schools()
    if not schools or Case.history.filter(history_change_reason=MARK).exists():
        return 0
    rng = random.Random(seed + 2)
    today, first, closed = history_window(schools)
    enrolled = enrolments(schools)
    with_account = set(Student.objects.filter(user__isnull=False).values_list("pk", flat=True))
    categories = {c.slug: c for c in Category.objects.filter(slug__in=NEEDS)}
    weights = {slug: spec[0] for slug, spec in NEEDS.items() if slug in categories}
    specs = []  # (case, its needs)
    for school in schools:
        team = _team(school)
        if not team:
            continue
        days = [
            d
            for d in (first + timedelta(n) for n in range((today - first).days))
            if calendar.is_school_day(d, closed[school.pk])
        ]
        # How likely each school day is to be the day a case opens.
        busy = {d: SEASON[d.month] for d in days if SEASON[d.month]}
        current = [s for s, _g, start, end in enrolled[school.pk] if start <= today <= end]
        taken = set(
            Case.objects.filter(school=school, status=Case.Status.OPEN).values_list(
                "student_id", flat=True
            )
        )
        pool = [s for s in current if s not in with_account]
        free = [s for s in pool if s not in taken]
        recent = {d: w for d, w in busy.items() if (today - d).days <= RECENT_DAYS}
        older = {d: w for d, w in busy.items() if (today - d).days > 30}
        for student in rng.sample(free, int(len(current) * OPEN_SHARE)):
            specs.append(_case(rng, school, student, pick(rng, recent), team, weights, None))
        for student in rng.sample(pool, int(len(current) * CLOSED_SHARE)):
            opened = pick(rng, older)
            ends = (today - opened).days - 1
            shut = opened + timedelta(days=rng.randrange(min(20, ends), min(150, ends) + 1))
            specs.append(_case(rng, school, student, opened, team, weights, shut))
    cases = bulk_create_with_history(
        [case for case, _needs in specs], Case, batch_size=BATCH, default_change_reason=MARK
    )
    add_m2m_with_history(
        Case, "needs", cases, [[categories[s] for s in needs] for _c, needs in specs]
    )
    _intakes(rng, cases, specs, closed)
    _members(rng, cases, specs)
    _plans(rng, cases, specs, today)
    return len(cases)


def _team(school) -> dict[str, list[int]]:
    """discipline (or "safeguarding_lead") -> the school's own team members' user ids."""
    key = school.sourced_id.removeprefix("demo-")
    found: dict[str, list[int]] = {}
    rows = Membership.objects.filter(
        school=school,
        role__in=[Role.SUPPORT, Role.SAFEGUARDING_LEAD],
        active=True,
        user__email__startswith=f"{key}.",
    ).order_by("pk")
    for role, discipline, user in rows.values_list("role", "discipline", "user_id"):
        found.setdefault(discipline or role, []).append(user)
    return found


def _at(rng, day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8 + rng.randrange(8), rng.randrange(60))))


def _case(rng, school, student, opened, team, weights, shut) -> tuple[Case, list[str]]:
    tier = pick(rng, TIERS)
    needs = sorted({pick(rng, weights) for _n in range(1 + (tier > 1) + (rng.random() < 0.3))})
    role = "safeguarding_lead" if tier == 3 and rng.random() < 0.5 else NEEDS[needs[0]][1]
    lead = rng.choice(team.get(role) or [u for users in team.values() for u in users])
    case = Case(
        school=school,
        student_id=student,
        lead_id=lead,
        tier=tier,
        opened_at=_at(rng, opened),
        opened_by_id=lead,
    )
    if shut is not None:
        case.status = Case.Status.CLOSED
        case.closed_at, case.closed_by_id = _at(rng, shut), lead
        case.closing_summary = CLOSING
    case.team = team  # not saved: who else may join it (_members)
    return case, needs


def _intakes(rng, cases, specs, closed) -> None:
    """The queue item each case was taken from: a team member's note, triaged within hours
    or a day or two and taken into the case (intake_to_case closes it as CASE, linked; the
    case opens at that moment)."""
    names = dict(Category.objects.values_list("slug", "name"))
    intakes = []
    for case, (_c, needs) in zip(cases, specs, strict=True):
        opened = case.opened_at - timedelta(hours=rng.choice([1, 2, 4, 6, 20, 24, 30, 50]))
        intakes.append(
            Intake(
                school_id=case.school_id,
                student_id=case.student_id,
                source=Intake.Source.STAFF_NOTE,
                summary=", ".join(names[s] for s in needs)[:200],
                opened_by_id=case.lead_id,
                opened_at=opened,
                target_at=calendar.add_school_days(
                    school=case.school, start=opened, days=2, closed=closed[case.school_id]
                ),
                status=Intake.Status.CLOSED,
                triaged_at=case.opened_at,
                closed_at=case.opened_at,
                closed_reason=CloseReason.CASE,
                case=case,
            )
        )
    bulk_create_with_history(intakes, Intake, batch_size=BATCH, default_change_reason=MARK)


def _members(rng, cases, specs) -> None:
    """The lead, and for tiers 2 and 3 one or two colleagues of other disciplines."""
    members = []
    for case in cases:
        people = {case.lead_id}
        others = [u for users in case.team.values() for u in users if u != case.lead_id]
        extra = {1: int(rng.random() < 0.5), 2: 1, 3: 2}[case.tier]
        people |= set(rng.sample(others, min(extra, len(others))))
        case.memberships_made = [
            CaseMember(case=case, user_id=u, added_by_id=case.lead_id) for u in sorted(people)
        ]
        members += case.memberships_made
    members = bulk_create_with_history(
        members, CaseMember, batch_size=BATCH, default_change_reason=MARK
    )
    for member in members:  # added_at is stamped "now" on create
        member.added_at = member.case.opened_at
    CaseMember.objects.bulk_update(members, ["added_at"], batch_size=BATCH)


def _plans(rng, cases, specs, today) -> None:
    """A goal per need (two at most) and an intervention or two for each, started in the
    days after the case opened; a closed case's goals judged and interventions ended."""
    goals, plans = [], []  # plans: (goal, its case, the need)
    for case, (_c, needs) in zip(cases, specs, strict=True):
        for need in needs[:2]:
            status = pick(rng, GOAL_ENDS) if case.closed_at else Goal.Status.ACTIVE
            goal = Goal(case=case, description=NEEDS[need][2], status=status,
                        created_by_id=case.lead_id)  # fmt: skip
            goals.append(goal)
            plans.append((goal, case, need))
    bulk_create_with_history(goals, Goal, batch_size=BATCH, default_change_reason=MARK)
    for goal, case, _need in plans:  # created_at is stamped "now" on create
        goal.created_at = case.opened_at
    Goal.objects.bulk_update(goals, ["created_at"], batch_size=BATCH)
    interventions = []
    for goal, case, need in plans:
        kinds = NEEDS[need][3][: 1 + (case.tier == 3)]
        owners = sorted({m.user_id for m in case.memberships_made})
        for kind in kinds:
            start = case.opened_at.date() + timedelta(days=rng.randrange(0, 10))
            start = min(start, today)
            if case.closed_at:
                ended = rng.random() < 0.8
                status = "completed" if ended else "stopped"
            else:
                status = pick(rng, [("active", 80), ("planned", 8), ("completed", 12)])
            interventions.append(
                Intervention(
                    goal=goal,
                    kind=kind,
                    owner_id=rng.choice(owners),
                    start_date=start,
                    frequency=pick(rng, FREQUENCY),
                    review_date=start + timedelta(days=rng.randrange(14, 60)),
                    status=status,
                )
            )
    bulk_create_with_history(
        interventions, Intervention, batch_size=BATCH, default_change_reason=MARK
    )

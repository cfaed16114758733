"""Demo cases at the demo middle school, made through the same services the team uses (so
each has its history, chronology lines and linked queue item): tiers in roughly the 80/15/5
shape schools see, plans with goals and interventions, notes at all three confidentiality
levels, a meeting with actions, follow-ups (some overdue) and one closed case.

Deterministic from the seed and idempotent: a student who already has a case at the school
is skipped, so running it again adds nothing."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from schoolwell.models import Category, School, Student, User
from support_team import demo_history as history
from support_team.models import Case, Intake, Note
from support_team.services import intake_open
from support_team.services.cases import (
    MeetingAction,
    case_close,
    case_member_add,
    follow_up_add,
    follow_up_complete,
    goal_add,
    goal_update,
    intervention_add,
    meeting_record,
    note_add,
)
from support_team.services.triage import intake_to_case

DEMO_SCHOOL = "demo-ms"
DOMAIN = "riverbend.example"


@dataclass
class Plan:
    """One goal and its interventions: (kind, owner key, frequency, days from start to review)."""

    goal: str
    interventions: list[tuple[str, str, str, int]]
    status: str = "active"


@dataclass
class CaseSpec:
    summary: str  # the one line the queue item had
    tier: int
    lead: str
    needs: list[str]
    members: list[str] = field(default_factory=list)
    opened_days_ago: int = 30
    plans: list[Plan] = field(default_factory=list)
    # (level, author key, body, index of the goal it is progress on or None)
    notes: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    meeting: bool = False
    # (title, assignee key, due in days from today: negative is overdue, done?)
    follow_ups: list[tuple[str, str, int, bool]] = field(default_factory=list)
    closing: str = ""


INTENSIVE = [
    CaseSpec(
        summary="Self-harm disclosure to a teacher; safety plan needed",
        tier=3,
        lead="lead",
        needs=["self-harm", "emotional-wellbeing", "family-home"],
        members=["counselor", "psychologist", "nurse", "socialworker"],
        opened_days_ago=24,
        plans=[
            Plan(
                "Stays safe at school and at home, with a safety plan everyone knows",
                [
                    ("counseling", "counselor", "weekly", 28),
                    ("health", "nurse", "weekly", 14),
                ],
            ),
            Plan(
                "Family connected to community mental health services",
                [
                    ("family", "socialworker", "as_needed", 21),
                    ("community", "socialworker", "once", 10),
                ],
            ),
        ],
        notes=[
            (
                "team",
                "lead",
                "Safety plan agreed with the student and shared with the team. "
                "Check in at the start and end of each day.",
                0,
            ),
            (
                "health",
                "psychologist",
                "Screening completed; moderate risk. Referred to the "
                "community clinic for assessment; consent from mother on file.",
                None,
            ),
            (
                "health",
                "nurse",
                "Wound care given twice this month; no new injuries seen this week.",
                0,
            ),
            (
                "lead",
                "lead",
                "Child protection referral made after the disclosure about the "
                "stepfather; reference number in the locked file. Do not contact the stepfather.",
                None,
            ),
        ],
        meeting=True,
        follow_ups=[
            ("Confirm the clinic appointment date with mother", "socialworker", -2, False),
            ("Review the safety plan with the student", "counselor", 3, False),
            ("Share the safety plan with the new homeroom teacher", "lead", -6, True),
        ],
    ),
]
TARGETED = [
    CaseSpec(
        summary="Frequent absences and falling grades since October",
        tier=2,
        lead="counselor",
        needs=["attendance", "academic"],
        members=["teamadmin"],
        opened_days_ago=40,
        plans=[
            Plan(
                "Attends at least 90% of school days",
                [("check_in", "counselor", "daily", 30), ("attendance", "teamadmin", "weekly", 20)],
            ),
            Plan("Catches up in maths and science", [("tutoring", "teamadmin", "weekly", 45)]),
        ],
        notes=[
            ("team", "counselor", "Attendance up from 74% to 86% over three weeks.", 0),
            ("team", "teamadmin", "Tutoring twice a week after school; two missed sessions.", 1),
        ],
        follow_ups=[
            ("Call home about Monday absences", "counselor", -4, False),
            ("Check the science grade with the teacher", "teamadmin", 5, False),
        ],
    ),
    CaseSpec(
        summary="Family living in a motel; food insecurity",
        tier=2,
        lead="socialworker",
        needs=["housing", "food-insecurity"],
        members=["nurse"],
        opened_days_ago=18,
        plans=[
            Plan(
                "Family has stable housing and enough food",
                [
                    ("basic_needs", "socialworker", "weekly", 14),
                    ("community", "socialworker", "once", 7),
                ],
            )
        ],
        notes=[
            (
                "team",
                "socialworker",
                "McKinney-Vento eligibility confirmed; bus route arranged from the motel.",
                None,
            ),
            ("health", "nurse", "Dental pain reported; clinic visit booked.", None),
        ],
        follow_ups=[("Weekend food bag every Friday", "socialworker", 2, False)],
    ),
    CaseSpec(
        summary="Repeated conflicts at lunch; possible bullying",
        tier=2,
        lead="psychologist",
        needs=["bullying", "behaviour"],
        members=["counselor"],
        opened_days_ago=55,
        plans=[
            Plan(
                "Feels safe at lunch and break",
                [("group", "counselor", "weekly", 30), ("behaviour", "psychologist", "weekly", 30)],
            )
        ],
        notes=[("team", "psychologist", "Two weeks without an incident report.", 0)],
        follow_ups=[("Ask the lunch supervisor how this week went", "psychologist", -1, False)],
    ),
]
UNIVERSAL = [
    ("Seems tired and hungry in the mornings", ["food-insecurity"], "socialworker", "basic_needs"),
    ("Struggling with reading homework", ["academic"], "teamadmin", "tutoring"),
    ("Worried about exams, asked to talk", ["emotional-wellbeing"], "counselor", "counseling"),
    ("Late most mornings", ["attendance"], "socialworker", "check_in"),
    ("New to the school, few friends yet", ["emotional-wellbeing"], "counselor", "mentoring"),
    ("Coat and shoes too small", ["family-home"], "socialworker", "basic_needs"),
    ("Headaches in class", ["health"], "nurse", "health"),
    ("Arguments with friends online", ["bullying"], "counselor", "group"),
    ("Missing assignments in three subjects", ["academic"], "teamadmin", "tutoring"),
    ("Asked for help with stress", ["emotional-wellbeing"], "psychologist", "counseling"),
    ("Absent on Fridays", ["attendance"], "socialworker", "attendance"),
    ("Parent asked for help finding a food bank", ["food-insecurity"], "socialworker", "community"),
    ("Quiet and withdrawn since the holidays", ["emotional-wellbeing"], "counselor", "check_in"),
    ("Disrupting class after lunch", ["behaviour"], "psychologist", "behaviour"),
    ("Glasses broken for a month", ["health"], "nurse", "health"),
    ("Wants a mentor", ["other"], "counselor", "mentoring"),
]


def _people() -> dict[str, User]:
    keys = ("socialworker", "counselor", "psychologist", "nurse", "teamadmin", "lead")
    users = {
        u.email.split("@")[0]: u
        for u in User.objects.filter(email__in=[f"{key}@{DOMAIN}" for key in keys])
    }
    return users if len(users) == len(keys) else {}


def _students(school: School, rng: random.Random, count: int) -> list[Student]:
    enrolled = list(
        Student.objects.filter(
            enrollments__school=school, enrollments__end_date__isnull=True, user__isnull=True
        ).order_by("pk")[:400]
    )
    return rng.sample(enrolled, min(count, len(enrolled)))


def _universal_spec(n: int, row: tuple) -> CaseSpec:
    summary, needs, lead, kind = row
    closing = ""
    if n == 0:
        closing = "Breakfast club every day and weekend food bags; the family is now "
        closing += "registered with the food bank. Goal met; no further action from the team."
    return CaseSpec(
        summary=summary,
        tier=1,
        lead=lead,
        needs=needs,
        opened_days_ago=10 + 4 * n,
        plans=[
            Plan(
                "Back on track in class",
                [(kind, lead, "weekly", 21 - n)],
                status="met" if closing else "active",
            )
        ],
        notes=[("team", lead, "First meeting with the student went well.", 0)],
        follow_ups=[("Check in with the student", lead, 10 - n, closing != "")],
        closing=closing,
    )


def _build(spec: CaseSpec, school: School, student: Student, people: dict, today: date) -> Case:
    lead = people[spec.lead]
    intake = intake_open(
        school=school,
        student=student,
        source=Intake.Source.STAFF_NOTE,
        summary=spec.summary,
        opened_by=lead,
    )
    needs = list(Category.objects.filter(slug__in=spec.needs))
    case = intake_to_case(intake=intake, by=lead, tier=spec.tier, needs=needs).case
    for key in spec.members:
        case_member_add(case=case, user=people[key], by=lead)
    start = today - timedelta(days=spec.opened_days_ago)
    goals = []
    for plan in spec.plans:
        goal = goal_add(case=case, by=lead, description=plan.goal)
        for kind, owner, frequency, review_in in plan.interventions:
            intervention_add(
                goal=goal,
                by=lead,
                kind=kind,
                owner=people[owner],
                start_date=start,
                frequency=frequency,
                review_date=start + timedelta(days=review_in),
                status="active",
            )
        goals.append(goal)
    for n, (level, author, body, goal_index) in enumerate(spec.notes):
        note = note_add(
            case=case,
            by=people[author],
            level=level,
            body=body,
            goal=goals[goal_index] if goal_index is not None else None,
        )
        # Services stamp "now"; the demo spreads the notes over the life of the case.
        Note.objects.filter(pk=note.pk).update(
            written_at=timezone.now() - timedelta(days=spec.opened_days_ago - 2 - 3 * n)
        )
    if spec.meeting:
        meeting_record(
            case=case,
            by=lead,
            held_on=today - timedelta(days=9),
            attendees=[lead] + [people[k] for k in spec.members],
            other_attendees="Mother; the student for the last ten minutes",
            summary="Reviewed the safety plan and the clinic referral. The student says "
            "mornings are hardest.",
            decisions="Daily check-in with the counselor stays; clinic referral goes ahead.",
            actions=[
                MeetingAction(
                    "Send the family the clinic's address and hours",
                    people["socialworker"],
                    today - timedelta(days=3),
                ),
                MeetingAction("Plan the review meeting", lead, today + timedelta(days=12)),
            ],
        )
    for title, assignee, due_in, done in spec.follow_ups:
        follow_up = follow_up_add(
            case=case,
            by=lead,
            title=title,
            assignee=people[assignee],
            due_on=today + timedelta(days=due_in),
        )
        if done:
            follow_up_complete(follow_up=follow_up, by=people[assignee])
    if spec.closing:
        for goal, plan in zip(goals, spec.plans, strict=True):
            if plan.status != "active":
                goal_update(goal=goal, by=lead, status=plan.status)
        case_close(case=case, by=lead, summary=spec.closing)
    Case.objects.filter(pk=case.pk).update(
        opened_at=timezone.now() - timedelta(days=spec.opened_days_ago)
    )
    return case


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    school = School.objects.filter(sourced_id=DEMO_SCHOOL).first()
    people = _people()
    if school is None or not people:
        return {"cases": 0}
    if Case.objects.filter(school=school).exists():
        # Seeded already: the student pool changes between runs (the transfer demo, which
        # seed_demo runs after this one, moves a student), so picking again would make new
        # cases for other students.
        return {"cases": 0, "past cases": history.seed(seed=seed)}
    rng = random.Random(seed)
    specs = INTENSIVE + TARGETED + [_universal_spec(n, row) for n, row in enumerate(UNIVERSAL)]
    today = timezone.localdate()
    made = 0
    for spec, student in zip(specs, _students(school, rng, len(specs)), strict=False):
        if Case.objects.filter(school=school, student=student).exists():
            continue
        _build(spec, school, student, people, today)
        made += 1
    # After the cases above: a student of theirs gets no second open case.
    past = history.seed(seed=seed)
    return {"cases": made, "past cases": past}

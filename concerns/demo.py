"""A year and a half of past concerns across the demo district, so the district trends have
shape when someone first opens them: a rhythm through the school year (quiet in the summer,
busier in late autumn and spring), every category, every school and grade, each concern with
the queue item the team triaged and closed.

Made in bulk, with their history rows (the way the legacy import writes concerns): a few
hundred concerns through concern_create() one by one would slow `make demo` by seconds, and
these are past events, so there is no queue to notify. Deterministic from the seed and run
once: a district that has these concerns already gets nothing more."""

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from concerns.models import Concern
from schoolwell import calendar
from schoolwell.demo import add_m2m_with_history, demo_schools, enrolments, history_window, pick
from schoolwell.models import Category, Membership, Role, School
from support_team.models import CloseReason, Intake

MARK = "Demo history"  # the change reason on these concerns' history rows
# Concerns per 100 enrolled students on a school day, by month of the year: more in the
# weeks before winter and spring breaks, fewer as the year settles and at its very end.
RATE = {1: 0.10, 2: 0.12, 3: 0.14, 4: 0.12, 5: 0.11, 6: 0.06, 7: 0.0, 8: 0.07, 9: 0.10}
RATE |= {10: 0.13, 11: 0.15, 12: 0.09}
CATEGORY_WEIGHTS = {
    "attendance": 18,
    "academic": 16,
    "behaviour": 14,
    "emotional-wellbeing": 16,
    "family-home": 8,
    "food-insecurity": 5,
    "housing": 3,
    "health": 6,
    "bullying": 7,
    "substance-use": 2,
    "self-harm": 2,
    "abuse-neglect": 1,
    "other": 2,
}
CLOSED = [
    (CloseReason.HANDLED, 40),
    (CloseReason.NO_FURTHER_ACTION, 20),
    (CloseReason.REFERRED_OUT, 25),
    (CloseReason.ALREADY_KNOWN, 15),
]
BATCH = 500


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    schools = demo_schools()
    if not schools or Concern.history.filter(history_change_reason=MARK).exists():
        return {"past concerns": 0}
    rng = random.Random(seed)
    today, first, closed = history_window(schools)
    reporters = _reporters(schools)
    categories = {c.slug: c for c in Category.objects.filter(slug__in=CATEGORY_WEIGHTS)}
    weights = {slug: w for slug, w in CATEGORY_WEIGHTS.items() if slug in categories}
    enrolled = enrolments(schools)
    rows = []  # (concern, its categories, the day's closed set)
    day = first
    while day < today:  # today's concerns are the live demo's, not history
        if calendar.is_school_day(day, set()):
            for school in schools:
                if day in closed[school.pk] or not reporters.get(school.pk):
                    continue
                pool = [s for s, g, start, end in enrolled[school.pk] if start <= day <= end]
                expected = len(pool) * RATE[day.month] / 100
                count = int(expected) + (rng.random() < expected % 1)
                for student in rng.sample(pool, min(count, len(pool))):
                    rows.append(_concern(rng, school, student, day, reporters, weights))
        day += timedelta(days=1)
    concerns = bulk_create_with_history(
        [concern for concern, _ in rows],
        Concern,
        batch_size=BATCH,
        default_change_reason=MARK,
    )
    chosen = [[categories[s] for s in slugs] for _, slugs in rows]
    add_m2m_with_history(Concern, "categories", concerns, chosen)
    _intakes(rng, concerns, [slugs for _, slugs in rows], categories, closed)
    return {"past concerns": len(concerns)}


def _reporters(schools: list[School]) -> dict[int, list[int]]:
    """The schools' own teachers, not the demo teacher account (whose list of concerns stays
    the few the live demo makes)."""
    found: dict[int, list[int]] = {}
    teachers = Membership.objects.filter(
        school__in=schools, role=Role.TEACHER, user__email__contains=".teacher"
    ).order_by("pk")
    for school_id, user_id in teachers.values_list("school_id", "user_id"):
        found.setdefault(school_id, []).append(user_id)
    return found


def _concern(rng, school, student, day, reporters, weights) -> tuple[Concern, list[str]]:
    slugs = {pick(rng, weights)}
    if rng.random() < 0.25:
        slugs.add(pick(rng, weights))
    moment = datetime.combine(day, time(8 + rng.randrange(8), rng.randrange(60)))
    concern = Concern(
        school=school,
        student_id=student,
        reporter_id=rng.choice(reporters[school.pk]),
        severity=pick(rng, [("low", 35), ("moderate", 50), ("high", 15)]),
        narrative="Noticed in class; talked with the student afterwards.",
        observed_on=day,
        created_at=timezone.make_aware(moment),
        idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
    )
    return concern, sorted(slugs)


def _intakes(rng, concerns, slugs, categories, closed) -> None:
    """Each concern's queue item, triaged and closed: most within the two school days, some
    later, a few still waiting from the last days."""
    now = timezone.now()
    intakes = []
    for concern, chosen in zip(concerns, slugs, strict=True):
        opened = concern.created_at
        urgent = concern.severity == "high" and "self-harm" in chosen
        urgency = Intake.Urgency.URGENT if urgent else Intake.Urgency.NORMAL
        if urgent:
            target = opened + timedelta(hours=1)
            wait = timedelta(minutes=rng.randrange(10, 80))
        else:
            target = calendar.add_school_days(
                school=concern.school, start=opened, days=2, closed=closed[concern.school_id]
            )
            wait = timedelta(hours=rng.choice([2, 4, 6, 20, 26, 30, 44, 70, 96]))
        triaged = opened + wait
        intake = Intake(
            school_id=concern.school_id,
            student_id=concern.student_id,
            source=Intake.Source.CONCERN,
            source_id=str(concern.pk),
            urgency=urgency,
            summary=", ".join(categories[s].name for s in chosen)[:200],
            opened_by_id=concern.reporter_id,
            opened_at=opened,
            target_at=target,
        )
        if triaged < now - timedelta(days=2):
            intake.status = Intake.Status.CLOSED
            intake.triaged_at = intake.closed_at = triaged
            intake.closed_reason = pick(rng, CLOSED)
        intakes.append(intake)
    bulk_create_with_history(intakes, Intake, batch_size=BATCH, default_change_reason=MARK)

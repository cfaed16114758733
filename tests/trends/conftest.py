"""A small district with known counts: School A busy enough to publish, School B small
enough that most of its cells must be suppressed. Every student has a distinctive name and
ids, so a test can scan every trends response for them."""

import datetime
import uuid

import pytest
from django.utils import timezone

from concerns.models import Concern
from schoolwell.models import Category, Discipline, Role
from self_report.models import SelfReport, SelfReportRequest
from support_team.models import Case, CaseMember, Goal, Intake, Intervention
from tests.factories import DistrictFactory, SchoolFactory, enrolled_student, member

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)
RANGE = {"start": START.isoformat(), "end": END.isoformat()}


def at(day: int, hour: int = 9) -> datetime.datetime:
    """A moment `day` days into the range (local time)."""
    moment = datetime.datetime.combine(START + datetime.timedelta(days=day), datetime.time(hour))
    return timezone.make_aware(moment)


def students(school, n: int, grades: list[str], tag: str) -> list:
    return [
        enrolled_student(
            school,
            legal_first_name=f"Quillon{tag}{i}",
            legal_last_name=f"Marshwood{tag}{i}",
            preferred_name=f"Pip{tag}{i}",
            sis_id=f"SIS-ZX-{tag}-{i:04d}",
            sourced_id=f"src-zq-{tag}-{i:04d}",
            grade=grades[i % len(grades)],
        )
        for i in range(n)
    ]


def concern(school, student, day: int, slugs: list[str]) -> Concern:
    item = Concern.objects.create(
        school=school,
        student=student,
        severity="moderate",
        narrative="Sentinel narrative ZZ-NARRATIVE-7 must never reach the trends.",
        observed_on=START,
        created_at=at(day),
        idempotency_key=uuid.uuid4(),
    )
    item.categories.set(Category.objects.filter(slug__in=slugs))
    return item


def intake(school, student, day: int, wait_hours: float | None, **extra) -> Intake:
    opened = at(day)
    return Intake.objects.create(
        school=school,
        student=student,
        source=extra.pop("source", "concern"),
        summary="Item",
        opened_at=opened,
        target_at=opened + datetime.timedelta(hours=48),
        triaged_at=None if wait_hours is None else opened + datetime.timedelta(hours=wait_hours),
        status="triaged" if wait_hours is not None else "new",
        **extra,
    )


@pytest.fixture
def world(db):
    return build_world()


def build_world(tag: str = "", district=None) -> dict:
    district = district or DistrictFactory(name="Test District")
    a = SchoolFactory(district=district, name="Alder School")
    b = SchoolFactory(district=district, name="Birch School")
    pupils_a = students(a, 60, ["06", "07", "08"], f"A{tag}")
    pupils_b = students(b, 12, ["09"], f"B{tag}")
    # Concerns: School A 30 attendance in January, 12 bullying in February, 3 self-harm in
    # March; School B 4 attendance in January.
    for i in range(30):
        concern(a, pupils_a[i], 5 + i % 20, ["attendance"])
    for i in range(12):
        concern(a, pupils_a[i], 35 + i, ["bullying"])
    for i in range(3):
        concern(a, pupils_a[40 + i], 65, ["self-harm"])
    for i in range(4):
        concern(b, pupils_b[i], 10, ["attendance"])
    # Student requests: 20 at A in January, 3 at B.
    for school, pupils, n in ((a, pupils_a, 20), (b, pupils_b, 3)):
        for i in range(n):
            report = SelfReport.objects.create(
                student=pupils[i], school=school, language="en", wellbeing=2, submitted_at=at(3 + i)
            )
            SelfReportRequest.objects.create(report=report, kind="talk")
    # Triage: 24 intakes at A in January waiting 1..24 hours (median 12.5, p90 21.7), 2 at B.
    waits = list(range(1, 25))
    for i, wait in enumerate(waits):
        intake(a, pupils_a[i], 2 + i % 20, wait, source_id=f"a{tag}{i}")
    for i in range(2):
        intake(b, pupils_b[i], 2, 5, source_id=f"b{tag}{i}")
    # Cases open now at A: 11 tier 1, 2 tier 2, 1 tier 3; one team member on all of them.
    worker = member(Role.SUPPORT, school=a, discipline=Discipline.SOCIAL_WORKER)
    lead = member(Role.SAFEGUARDING_LEAD, school=a)
    member(Role.SUPPORT, school=b, discipline=Discipline.COUNSELOR)
    for i, tier in enumerate([1] * 11 + [2] * 2 + [3]):
        case = Case.objects.create(
            school=a, student=pupils_a[i], lead=worker, tier=tier, opened_at=at(1)
        )
        CaseMember.objects.create(case=case, user=worker)
        goal = Goal.objects.create(case=case, description="Attend more")
        Intervention.objects.create(
            goal=goal,
            kind="counseling",
            owner=worker,
            start_date=START + datetime.timedelta(days=10),
            frequency="weekly",
            review_date=END,
            status="completed",
        )
    return {
        "district": district,
        "a": a,
        "b": b,
        "students": pupils_a + pupils_b,
        "staff": [worker, lead],
        "teacher": member(Role.TEACHER, school=a),
        "analyst": member(Role.DISTRICT_ANALYST, district=district),
        "lead": lead,
    }

"""Helpers shared by the triage tests: an intake raised by a teacher's concern, a school
service to route to, and the intake lines of a student's chronology."""

import datetime
import uuid

from concerns.services import concern_create
from schoolwell.models import Category, Service
from support_team.models import Intake, TimelineEntry

SENTINEL = "Qwzx-sentinel-narrative"


def concern_intake(teacher, school, student, *, narrative="Seemed withdrawn", **kwargs):
    concern, _created = concern_create(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="moderate",
        narrative=narrative,
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
        **kwargs,
    )
    return Intake.objects.get(source="concern", source_id=str(concern.pk)), concern


def school_service(**kwargs) -> Service:
    from wagtail.models import Locale

    defaults = {"name": "Counseling", "description": "Talk to someone", "discipline": "counselor"}
    return Service.objects.create(locale=Locale.get_default(), **(defaults | kwargs))


def intake_lines(intake) -> list[str]:
    return list(
        TimelineEntry.objects.filter(student=intake.student, source="intake")
        .order_by("pk")
        .values_list("title", flat=True)
    )

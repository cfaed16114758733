"""Writes of the hub. intake_open() is the one front door: nothing else creates an Intake."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from schoolwell import realtime
from schoolwell.models import School, Student, User
from support_team.models import Intake

URGENT_TARGET = timedelta(hours=1)
STANDARD_TARGET_SCHOOL_DAYS = 2


def add_school_days(start: datetime, days: int) -> datetime:
    """Weekends do not count. (School holidays join this with the calendar.)"""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def target_time(*, urgency: int, opened_at: datetime) -> datetime:
    if urgency == Intake.Urgency.URGENT:
        return opened_at + URGENT_TARGET
    return add_school_days(opened_at, STANDARD_TARGET_SCHOOL_DAYS)


@transaction.atomic
def intake_open(
    *,
    school: School,
    student: Student,
    source: str,
    summary: str,
    urgency: int = Intake.Urgency.NORMAL,
    source_id: str = "",
    opened_by: User | None = None,
) -> Intake:
    """Open an intake in the school's queue. The student must be enrolled at that school now;
    the queue hears of it only after the surrounding transaction commits."""
    from django.core.exceptions import ValidationError

    if not student.enrollments.filter(school=school, end_date__isnull=True).exists():
        raise ValidationError({"student": "This student is not enrolled at this school."})
    opened_at = timezone.now()
    intake = Intake(
        school=school,
        student=student,
        source=source,
        source_id=source_id,
        summary=summary[:200],
        urgency=urgency,
        opened_by=opened_by,
        opened_at=opened_at,
        target_at=target_time(urgency=urgency, opened_at=opened_at),
    )
    intake.full_clean()
    intake.save()
    realtime.broadcast_on_commit(
        realtime.queue_group(school.pk),
        {"type": "queue.changed", "intake": intake.pk, "version": intake.version},
    )
    return intake

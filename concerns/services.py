"""Writes of concerns. concern_create() is the only way a concern is made."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concerns.models import Concern, Observation
from schoolwell import permissions
from schoolwell.idempotency import create_once
from schoolwell.models import Category, School, Student, User
from support_team import services as hub
from support_team.models import Intake, TimelineEntry


def concern_urgency(*, categories: Iterable[Category], severity: str, immediate_risk: bool) -> int:
    """Immediate risk, or a category that is always urgent (self-harm, abuse), is urgent;
    "very worried" is high; everything else is normal."""
    if immediate_risk or any(c.always_urgent for c in categories):
        return Intake.Urgency.URGENT
    if severity == Concern.Severity.HIGH:
        return Intake.Urgency.HIGH
    return Intake.Urgency.NORMAL


def concern_title(concern: Concern, categories: Iterable[Category]) -> str:
    """The queue and chronology line: categories and how worried. Never the narrative."""
    names = ", ".join(c.name for c in categories)
    return f"{names} · {concern.get_severity_display()}"


def concern_create(
    *,
    reporter: User,
    school: School,
    student: Student,
    categories: list[Category],
    severity: str,
    narrative: str,
    observed_on: date,
    observed_place: str = "",
    immediate_risk: bool = False,
    idempotency_key: uuid.UUID,
) -> tuple[Concern, bool]:
    """Save the concern and hand it to the front door in one transaction. A second submit
    with the same key returns the first concern (created=False) and changes nothing."""
    return create_once(
        Concern,
        key=idempotency_key,
        owner_field="reporter",
        owner=reporter,
        create=lambda key: _create(
            reporter=reporter,
            school=school,
            student=student,
            categories=categories,
            severity=severity,
            narrative=narrative,
            observed_on=observed_on,
            observed_place=observed_place,
            immediate_risk=immediate_risk,
            idempotency_key=key,
        ),
    )


def _create(*, reporter, school, student, categories, idempotency_key, **fields) -> Concern:
    if not categories:
        raise ValidationError({"categories": _("Tick at least one category.")})
    concern = Concern(
        reporter=reporter,
        school=school,
        student=student,
        created_at=timezone.now(),
        idempotency_key=idempotency_key,
        **fields,
    )
    concern.full_clean(validate_unique=False)  # the unique key is the database's to enforce
    concern.save()
    concern.categories.set(categories)
    title = concern_title(concern, categories)
    hub.intake_open(
        school=school,
        student=student,
        source=Intake.Source.CONCERN,
        source_id=str(concern.pk),
        summary=title,
        urgency=concern_urgency(
            categories=categories, severity=concern.severity, immediate_risk=concern.immediate_risk
        ),
        opened_by=reporter,
    )
    hub.timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.CONCERN,
        title=_("Concern logged: %(title)s") % {"title": title},
        at=concern.created_at,
        categories=[c.slug for c in categories],
        actor=reporter,
        link=reverse("concerns:detail", args=[concern.pk]),
    )
    return concern


def concern_intake(concern: Concern) -> Intake | None:
    return Intake.objects.filter(source=Intake.Source.CONCERN, source_id=str(concern.pk)).first()


@transaction.atomic
def observation_add(*, concern: Concern, author: User, text: str) -> Observation:
    """A later observation by the concern's own reporter. It reaches the same intake (which
    comes back to the queue if it was closed) and the chronology."""
    if not permissions.can_add_observation(author, concern):
        raise ValidationError(_("Only the person who logged this concern can add to it."))
    observation = Observation(concern=concern, author=author, text=text)
    observation.full_clean()
    observation.save()
    intake = concern_intake(concern)
    if intake is not None:
        hub.intake_add_information(intake=intake)
    hub.timeline_add(
        student=concern.student,
        school=concern.school,
        source=TimelineEntry.Source.OBSERVATION,
        title=_("Later observation added to a concern"),
        actor=author,
        categories=concern.categories.values_list("slug", flat=True),
        link=reverse("concerns:detail", args=[concern.pk]),
    )
    return observation

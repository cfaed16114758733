"""Reads of the hub, always for an acting user and always from a scoped queryset."""

from django.db.models import QuerySet

from schoolwell import permissions
from schoolwell.models import User
from support_team.models import Intake

QUEUE_PAGE_SIZE = 100


def queue_for(*, user: User) -> QuerySet[Intake]:
    """Open intakes at the user's schools: urgent first, then the nearest target time."""
    return (
        permissions.intakes_for(user)
        .exclude(status=Intake.Status.CLOSED)
        .select_related("student", "school", "claimed_by")
        .order_by("urgency", "target_at", "pk")
    )

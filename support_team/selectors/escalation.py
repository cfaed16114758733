"""Reads for the safeguarding escalation: which urgent intakes have waited too long, and who
at the school is told."""

from datetime import datetime, timedelta

from django.db.models import QuerySet

from schoolwell.models import Membership, Role, User
from support_team.models import Intake

# Nobody on the team picked up an urgent item in this long: the school's administrators hear.
ESCALATE_AFTER = timedelta(minutes=15)


def escalation_due(*, now: datetime) -> QuerySet[Intake]:
    """Urgent intakes still waiting unclaimed ESCALATE_AFTER after they were opened, whose
    administrators have not been alerted yet."""
    return Intake.objects.filter(
        urgency=Intake.Urgency.URGENT,
        status=Intake.Status.NEW,
        admin_alerted_at__isnull=True,
        opened_at__lte=now - ESCALATE_AFTER,
    ).order_by("opened_at", "pk")


def school_admins(*, school_id: int) -> list[User]:
    """The school's administrators who can act now (active membership, active account, an
    e-mail address)."""
    memberships = (
        Membership.objects.filter(
            school_id=school_id, role=Role.SCHOOL_ADMIN, active=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    )
    return [m.user for m in memberships]

"""Safeguarding escalation: an urgent intake nobody on the team has claimed 15 minutes after it
was opened goes to the school's administrators, once. The periodic job in
support_team.tasks runs escalate_unclaimed_urgent() every minute; running it twice, or in two
processes at once, alerts once."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from support_team.models import Intake
from support_team.selectors.escalation import ESCALATE_AFTER, escalation_due, school_admins
from support_team.services import _change

logger = logging.getLogger(__name__)


@transaction.atomic
def intake_alert_admins(*, intake_id: int, now: datetime) -> Intake | None:
    """Alert the school's administrators about one urgent intake still unclaimed after
    ESCALATE_AFTER. The row is locked and re-checked, so an intake claimed in the meantime,
    or already escalated by another run, is left alone (returns None). The e-mail names the
    school only, never the student or what was written.

    The mail goes out while the row is locked and before commit: a failed send rolls the
    mark back and the next run (a minute later) tries again, so the alert is never lost; the
    price is that a claim at that very moment waits for the mail server."""
    intake = (
        Intake.objects.select_for_update(of=("self",))
        .select_related("school", "student")
        .get(pk=intake_id)
    )
    if (
        intake.urgency != Intake.Urgency.URGENT
        or intake.status != Intake.Status.NEW
        or intake.admin_alerted_at is not None
        or intake.opened_at > now - ESCALATE_AFTER
    ):
        return None
    recipients = [u.email for u in school_admins(school_id=intake.school_id)]
    if not recipients:
        # Not recorded as sent: the next run tries again, e.g. once an administrator exists.
        logger.warning(
            "urgent intake %s unclaimed but school %s has no administrator to alert",
            intake.pk,
            intake.school_id,
        )
        return None
    intake.admin_alerted_at = now
    minutes = int(ESCALATE_AFTER.total_seconds() // 60)
    _change(
        intake,
        _("Not picked up within %(minutes)d minutes: the school administrator was alerted")
        % {"minutes": minutes},
        None,
    )
    context = {
        "school": intake.school,
        "minutes": minutes,
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=render_to_string("support_team/email/admin_alert_subject.txt", context).strip(),
        message=render_to_string("support_team/email/admin_alert.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return intake


def escalate_unclaimed_urgent(*, now: datetime | None = None) -> int:
    """Escalate every urgent intake that has waited unclaimed too long. Each intake is its
    own transaction, so one failure does not hold back the others. Returns how many were
    escalated."""
    now = now or timezone.now()
    escalated = 0
    for intake_id in list(escalation_due(now=now).values_list("pk", flat=True)):
        try:
            if intake_alert_admins(intake_id=intake_id, now=now) is not None:
                escalated += 1
        except Exception:
            logger.exception("escalating urgent intake %s failed; the next run retries", intake_id)
    return escalated

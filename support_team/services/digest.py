"""The daily digest: one e-mail a day to each active team member who has something due.
E-mail leaves the server, so the digest carries counts and links only, never a student's
name or a word of narrative."""

import logging
from dataclasses import astuple
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolwell.models import User
from support_team.models import DigestSent
from support_team.selectors.caseload import DigestCounts, digest_counts, digest_recipients

logger = logging.getLogger(__name__)


@transaction.atomic
def digest_send(*, user: User, counts: DigestCounts, today: date) -> bool:
    """Send one person today's digest, at most once a day. The record is written first and
    the mail sent inside the same transaction: a second run (even a concurrent one) finds
    the record and sends nothing; a failed send rolls the record back so a later run may try
    again. Nothing due: nothing sent. Returns whether a mail went out."""
    if not counts:
        return False
    record = DigestSent(user=user, sent_on=today)
    try:
        record.full_clean()
        with transaction.atomic():
            record.save()
    except (ValidationError, IntegrityError):
        return False
    context = {
        "first_name": user.first_name,
        "counts": counts,
        "total": sum(astuple(counts)),
        "caseload_url": f"{settings.SITE_URL}{reverse('support_team:caseload')}",
        "queue_url": f"{settings.SITE_URL}{reverse('support_team:queue')}",
    }
    send_mail(
        subject=render_to_string("support_team/email/digest_subject.txt", context).strip(),
        message=render_to_string("support_team/email/digest.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def digest_send_all(*, today: date | None = None) -> int:
    """Today's digest for every active team member with something due. Counts come from a
    handful of grouped queries for everyone at once; each person's send is its own
    transaction, so one bad address does not stop the rest. Returns how many were sent."""
    today = today or timezone.localdate()
    recipients = digest_recipients()
    counts = digest_counts(recipients=recipients, today=today)
    due = [user_id for user_id, c in counts.items() if c]
    already = set(
        DigestSent.objects.filter(sent_on=today, user_id__in=due).values_list("user_id", flat=True)
    )
    users = User.objects.in_bulk([user_id for user_id in due if user_id not in already])
    sent = 0
    for user_id, user in sorted(users.items()):
        try:
            sent += digest_send(user=user, counts=counts[user_id], today=today)
        except Exception:
            logger.exception("daily digest for user %s failed; it is not recorded as sent", user_id)
    return sent

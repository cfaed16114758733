"""The no-response clocks: a referral with no partner answer after two school days is
flagged to its case lead, after five it is escalated (shown on the caseload page). The job
is idempotent: each referral is flagged and escalated at most once."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from community_links.models import Referral
from community_links.selectors.referrals import awaiting_response, with_school_days
from schoolwell.schedule import Periodic


def referral_clocks(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    candidates = list(
        awaiting_response(Referral.objects.all(), now=now)
        .filter(escalated_at__isnull=True)
        .select_related("school", "case__lead", "resource__organization")
    )
    done = {"flagged": 0, "escalated": 0}
    for waiting in with_school_days(candidates, now=now):
        referral = waiting.referral
        if waiting.escalated and referral.escalated_at is None:
            _mark(referral, "escalated_at", now)
            done["escalated"] += 1
        elif waiting.flagged and referral.flagged_at is None:
            _mark(referral, "flagged_at", now)
            done["flagged"] += 1
    return done


@transaction.atomic
def _mark(referral: Referral, field: str, now) -> None:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if getattr(locked, field) is not None or locked.responded_at is not None:
        return
    setattr(locked, field, now)
    locked.save(update_fields=[field])
    lead = referral.case.lead
    if lead.email:
        link = f"{settings.SITE_URL}{reverse('support_team:case', args=[referral.case_id])}"
        transaction.on_commit(
            lambda: send_mail(
                subject=_("A referral has had no answer"),
                message=_(
                    "A community partner has not answered a referral on one of your cases.\n\n"
                    "Open the case: %(link)s"
                )
                % {"link": link},
                from_email=None,
                recipient_list=[lead.email],
            )
        )


@task()
def referral_clocks_task() -> dict[str, int]:
    return referral_clocks()


PERIODIC = [Periodic(task=referral_clocks_task, every=timedelta(minutes=30))]

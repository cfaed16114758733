"""Background work of the hub, and the periodic jobs `manage.py run_schedule` enqueues
(schoolwell/schedule.py). Both jobs are idempotent: running one twice changes nothing."""

from datetime import time, timedelta

from django_tasks import task

from schoolwell.schedule import Periodic
from support_team.services.digest import digest_send_all
from support_team.services.escalation import escalate_unclaimed_urgent


@task()
def escalate_unclaimed_urgent_task() -> int:
    """Urgent intakes unclaimed for 15 minutes go to the school's administrators, once."""
    return escalate_unclaimed_urgent()


@task()
def send_daily_digests_task() -> int:
    """Each active team member's digest of what is due, once a day."""
    return digest_send_all()


PERIODIC = [
    # Every minute, so an urgent item is escalated at most a minute after its 15 minutes.
    Periodic(task=escalate_unclaimed_urgent_task, every=timedelta(minutes=1)),
    # Before the school day starts (local time, settings.TIME_ZONE).
    Periodic(task=send_daily_digests_task, daily_at=time(7, 0)),
]

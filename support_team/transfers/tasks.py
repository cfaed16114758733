"""The periodic jobs of transfers, found by `manage.py run_schedule` (schoolwell/schedule.py)
like every app's. Both are idempotent: running one twice changes nothing."""

from datetime import time, timedelta

from django_tasks import task

from schoolwell.schedule import Periodic
from support_team.transfers.clock import overdue_packets_alert
from support_team.transfers.services import deliver_waiting_packets


@task()
def transfer_overdue_task() -> int:
    """Packets past their five school days unacknowledged alert both safeguarding leads, once."""
    return overdue_packets_alert()


@task()
def transfer_deliver_task() -> int:
    """Sent packets whose student the roster has since enrolled at another school arrive."""
    return deliver_waiting_packets()


PERIODIC = [
    # Shortly after the roster's nightly import, and again through the day.
    Periodic(task=transfer_deliver_task, every=timedelta(minutes=15)),
    # Before the school day, so the alert is read in the morning.
    Periodic(task=transfer_overdue_task, daily_at=time(7, 15)),
]

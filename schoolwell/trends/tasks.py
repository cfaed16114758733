"""Background work of district trends (schoolwell/schedule.py reads PERIODIC from here)."""

from datetime import time

from schoolwell.schedule import Periodic
from schoolwell.trends.rollup import trends_rollup_task

# After the core's nightly purge (02:30), so purged records leave the summary the same night.
PERIODIC = [Periodic(task=trends_rollup_task, daily_at=time(3, 30))]

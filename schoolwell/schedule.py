"""Periodic jobs. Each app's `tasks` module may declare

    PERIODIC = [
        Periodic(task=some_task, every=timedelta(minutes=1)),
        Periodic(task=other_task, daily_at=time(7, 0)),
    ]

and `manage.py run_schedule` (one process, or `--once` from cron) enqueues each job through
django-tasks when it falls due: with TASK_BACKEND=database the `db_worker`s run it, with the
immediate backend it runs inline.

Time is cut into slots: for `every`, fixed steps counted from the Unix epoch (so every
minute starts on the minute); for `daily_at`, that local time (settings.TIME_ZONE) each day.
A job is enqueued once per slot: the scheduler claims the slot with an atomic `cache.add`,
so with the shared cache (Redis, as in production) neither a restart, a cron `--once` nor a
second scheduler started by mistake enqueues a slot twice. In the embedded default the cache
lives in the process, so run the loop there. A daily job whose time passed while the
scheduler was down runs when it comes back the same day. Jobs must still be idempotent:
a slot whose enqueue fails is released and tried again on the next tick.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from importlib import import_module

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_tasks import TaskResultStatus
from django_tasks.base import Task

logger = logging.getLogger(__name__)

CACHE_PREFIX = "schedule"


@dataclass(frozen=True)
class Periodic:
    """A task to enqueue, with no arguments, every `every` or once a day at `daily_at`."""

    task: Task
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ImproperlyConfigured(f"{self.name}: give exactly one of every or daily_at")
        if self.every is not None and self.every < timedelta(minutes=1):
            # The scheduler looks every 30-60 seconds; a shorter period would silently stretch.
            raise ImproperlyConfigured(f"{self.name}: every must be at least one minute")

    @property
    def name(self) -> str:
        return self.task.module_path

    def slot(self, now: datetime) -> datetime | None:
        """The start of the slot `now` falls in, or None before today's daily time."""
        if self.every is not None:
            step = self.every.total_seconds()
            return datetime.fromtimestamp(now.timestamp() // step * step, tz=UTC)
        local = timezone.localtime(now)
        start = local.replace(
            hour=self.daily_at.hour,
            minute=self.daily_at.minute,
            second=self.daily_at.second,
            microsecond=0,
        )
        return start if local >= start else None

    def slot_key(self, slot: datetime) -> str:
        return f"{CACHE_PREFIX}:{self.name}:{slot.astimezone(UTC).isoformat()}"

    @property
    def claim_seconds(self) -> int:
        """How long a claimed slot is remembered: long enough to outlive the slot."""
        period = self.every if self.every is not None else timedelta(days=1)
        return int(period.total_seconds() * 2) + 60


def discover() -> list[Periodic]:
    """Every PERIODIC declared in an installed app's `tasks` module, in app order."""
    jobs: list[Periodic] = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "tasks"):
            continue
        module = import_module(f"{config.name}.tasks")
        jobs.extend(getattr(module, "PERIODIC", ()))
    names = [job.name for job in jobs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"periodic jobs declared twice: {sorted(duplicates)}")
    return jobs


def run_due(*, now: datetime | None = None, jobs: list[Periodic] | None = None) -> list[str]:
    """Enqueue every job whose current slot nobody has claimed yet. Returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in discover() if jobs is None else jobs:
        slot = job.slot(now)
        if slot is None:
            continue
        key = job.slot_key(slot)
        if not cache.add(key, now.isoformat(), job.claim_seconds):
            continue
        try:
            result = job.task.enqueue()
        except Exception:
            # Not enqueued (the database is down, say): free the slot for the next tick.
            cache.delete(key)
            logger.exception("could not enqueue periodic job %s", job.name)
            continue
        if result.status == TaskResultStatus.FAILED:
            # The immediate backend ran it inline and it raised; a worker logs its own.
            logger.error(
                "periodic job %s failed:\n%s",
                job.name,
                "\n".join(e.traceback for e in result.errors),
            )
        enqueued.append(job.name)
    return enqueued

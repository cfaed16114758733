"""Enqueue the project's periodic jobs when they fall due (schoolwell/schedule.py). Run one
of these next to the `db_worker`s; `--once` looks once and exits (for cron and tests)."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from schoolwell import schedule


class Command(BaseCommand):
    help = "Enqueue periodic jobs (django-tasks) when they are due; --once for cron."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="look once, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="seconds between looks (default 30; at most 60, so minute jobs keep time)",
        )

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        if not 0 < interval <= 60:
            raise CommandError("--interval must be more than 0 and at most 60 seconds")
        jobs = schedule.discover()
        for job in jobs:
            when = f"every {job.every}" if job.every else f"daily at {job.daily_at:%H:%M}"
            self.stdout.write(f"{job.name}: {when}")
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            close_old_connections()
            for name in schedule.run_due(jobs=jobs):
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, deadline - time.monotonic()))
            if self.stopping:
                self.stdout.write("stopped")
                return

    def _stop(self, signum, frame) -> None:
        self.stopping = True

"""manage.py import_oneroster PATH: import a OneRoster 1.1/1.2 CSV bundle (folder or .zip).

All or nothing: a refused bundle prints each problem as `users.csv line 7: ...` and exits
non-zero with nothing written.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from schoolwell import roster

BAR_WIDTH = 30


class ProgressDisplay:
    """A bar per stage that redraws in place on a terminal; elsewhere (logs, CI, cron) one
    line per stage when it is done, so that the output stays readable as a file."""

    def __init__(self, out: TextIO, tty: bool) -> None:
        self.out = out
        self.tty = tty
        self.stage: str | None = None
        self.finished: str | None = None
        self.since = time.monotonic()  # when the previous stage finished
        self.drawn = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        complete = done >= total
        if stage == self.finished:
            return  # a stage may report its end twice
        if stage != self.stage:
            self._end_line()
            self.stage = stage
        if self.tty:
            # Redrawing is cheap, but a terminal fed thousands of lines a second lags behind.
            now = time.monotonic()
            if complete or now - self.drawn > 0.1:
                self.drawn = now
                self.out.write("\r" + self._bar(stage, done, total))
                self.out.flush()
        elif complete:
            self.out.write(f"{stage}: {done} in {time.monotonic() - self.since:.1f} s\n")
        if complete:
            self._end_line()
            self.stage, self.finished, self.since = None, stage, time.monotonic()

    def _bar(self, stage: str, done: int, total: int) -> str:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        return f"{stage:<24} [{bar}] {done}/{total}"

    def _end_line(self) -> None:
        if self.tty and self.stage is not None:
            self.out.write("\n")

    def close(self) -> None:
        self._end_line()
        self.stage = None


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.1 or 1.2 CSV bundle (a folder or a .zip). Nothing is written "
        "unless the whole bundle is valid."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="folder holding manifest.csv, or a .zip of one")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        display = ProgressDisplay(self.stdout, tty=self.stdout.isatty())
        try:
            # Whoever runs manage.py holds the server: the whole site is theirs to import.
            record = roster.import_path(path, scope=roster.Scope.command_line(), progress=display)
        except roster.RosterError as exc:
            display.close()
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported from {path}: {len(exc.problems)} problem(s) listed above."
            ) from None
        display.close()
        self._report(record.summary, record.pk)

    def _report(self, summary: dict, pk: int) -> None:
        files = ", ".join(f"{name} ({mode})" for name, mode in summary["files"].items())
        self.stdout.write(f"OneRoster {summary['version']}: {files}")
        for kind, counts in summary.items():
            if isinstance(counts, dict) and "created" in counts:
                line = ", ".join(f"{count} {what}" for what, count in counts.items())
                self.stdout.write(f"  {kind}: {line}")
        self.stdout.write(self.style.SUCCESS(f"Imported (roster import #{pk})."))

"""What one trends view covers: the schools the viewer may see, narrowed by the filters in the
URL, and the district's suppression threshold."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Scope:
    school_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date  # inclusive
    grades: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    threshold: int = 10
    # Whole months [first, until) read from the nightly summary (rollup.py), and when it was
    # built; every other day of the range is counted live.
    rolled: tuple[datetime.date, datetime.date] | None = None
    rolled_at: datetime.datetime | None = None

    @property
    def since(self) -> datetime.datetime:
        return midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the range (exclusive upper bound)."""
        return midnight(self.end + datetime.timedelta(days=1))

    @property
    def rolled_last_day(self) -> datetime.date | None:
        return self.rolled[1] - datetime.timedelta(days=1) if self.rolled else None

    def live_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The moments the summarised months start and end."""
        return midnight(self.rolled[0]), midnight(self.rolled[1])

    def months(self) -> list[datetime.date]:
        """First day of every month the range touches, in order."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + datetime.timedelta(days=32)).replace(day=1)
        return months


def midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

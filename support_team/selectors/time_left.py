"""How long each queue row has left against its target (urgent: one hour; others: two school
days), as the words a person reads: "43 min left", "1 school day left", "overdue by 2 h".
Worked out on the server in the reader's language; the page re-reads its rows when the
soonest of these texts would change, so nothing here is ever built in the browser."""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import ngettext

from schoolwell import calendar

MINUTE, HOUR, DAY = 60, 3600, 86400
# A page with nothing counting minutes still re-reads itself this often: an hour count or a
# school-day count changes at most once an hour, and the page's own resync runs meanwhile.
IDLE_TICK = HOUR


def clock() -> datetime:
    """Now, for the queue's countdown (one name, so a test can set the time it reads)."""
    return timezone.now()


@dataclass(frozen=True)
class TimeLeft:
    text: str
    overdue: bool
    # Seconds until the text would read differently (the page re-reads its rows then).
    changes_in: int


def _measure(*, now: datetime, target: datetime, closed: set[date]) -> TimeLeft:
    """Minutes within the hour, hours within the day (or the last 24 hours), and beyond that
    school days by the calendar: due on Friday, read on Wednesday, is "2 school days left"
    at any time of day, as a person counts them (a new normal item reads "2 school days
    left", not the "1" that whole 24-hour school days would give a second after it opens)."""
    seconds = (target - now).total_seconds()
    today, due_day = timezone.localtime(now).date(), timezone.localtime(target).date()
    if seconds > 0:
        # A new urgent item reads "60 min left", and counts down by the minute from there.
        if seconds <= HOUR:
            # Rounded up: "1 min left" until the moment it is due, never "0 min left".
            minutes = math.ceil(seconds / MINUTE)
            text = ngettext("%(n)d min left", "%(n)d min left", minutes) % {"n": minutes}
            return TimeLeft(text, False, math.ceil(seconds - (minutes - 1) * MINUTE) or 1)
        days = calendar.school_days_after(today, due_day, closed) if seconds >= DAY else 0
        if days:
            text = ngettext("%(n)d school day left", "%(n)d school days left", days)
            return TimeLeft(text % {"n": days}, False, HOUR)
        hours = math.floor(seconds / HOUR)
        text = ngettext("%(n)d h left", "%(n)d h left", hours) % {"n": hours}
        return TimeLeft(text, False, math.ceil(seconds - hours * HOUR) or 1)
    late = -seconds
    if late < HOUR:
        # Rounded down, but never "by 0 min": it is overdue from its first second.
        minutes = max(1, math.floor(late / MINUTE))
        text = ngettext("overdue by %(n)d min", "overdue by %(n)d min", minutes) % {"n": minutes}
        return TimeLeft(text, True, math.ceil((minutes + 1) * MINUTE - late) or 1)
    days = calendar.school_days_after(due_day, today, closed) if late >= DAY else 0
    if days:
        text = ngettext("overdue by %(n)d school day", "overdue by %(n)d school days", days)
        return TimeLeft(text % {"n": days}, True, HOUR)
    hours = math.floor(late / HOUR)
    text = ngettext("overdue by %(n)d h", "overdue by %(n)d h", hours) % {"n": hours}
    return TimeLeft(text, True, math.ceil((hours + 1) * HOUR - late) or 1)


def time_left_to(*, now: datetime, target: datetime, closed: set[date]) -> TimeLeft:
    """The same words for any other deadline on the school-day clock (a transfer packet's
    acknowledgement), with the school's holidays from `now` to `target` given."""
    return _measure(now=now, target=target, closed=closed)


def annotate_time_left(intakes: list, *, now: datetime) -> int:
    """Set `time_left` on each intake (its school's holidays read in one query for all of
    them) and return the seconds until the first of those texts would change."""
    if not intakes:
        return IDLE_TICK
    moments = [now] + [i.target_at for i in intakes]
    first = timezone.localtime(min(moments)).date() - timedelta(days=1)
    last = timezone.localtime(max(moments)).date() + timedelta(days=1)
    schools = list({i.school_id: i.school for i in intakes}.values())
    closed = calendar.closed_days_by_school(schools=schools, start=first, end=last)
    soonest = IDLE_TICK
    for intake in intakes:
        intake.time_left = _measure(
            now=now, target=intake.target_at, closed=closed[intake.school_id]
        )
        soonest = min(soonest, intake.time_left.changes_in)
    return soonest

"""School days: the clock every deadline in SchoolWell runs on (intake targets, transfer
packet acknowledgements, partner responses). Weekends and the school's holidays do not
count; days are counted in the site's time zone, so "2 school days from Friday 4 pm" is
Tuesday 4 pm."""

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from schoolwell.models import Holiday, School

# How far ahead one query looks for holidays; a longer closure than this is read again.
_WINDOW_DAYS = 60


def closed_days(*, school: School, start: date, end: date) -> set[date]:
    """The school's holidays (its own and its district's) between two dates, inclusive."""
    return set(
        Holiday.objects.filter(district_id=school.district_id, date__range=(start, end))
        .filter(Q(school__isnull=True) | Q(school=school))
        .values_list("date", flat=True)
    )


def is_school_day(day: date, closed: set[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_school_days(
    *, school: School, start: datetime, days: int, closed: set[date] | None = None
) -> datetime:
    """The moment `days` school days after `start`, at the same local time of day.
    `closed`: the school's holidays over the whole span, already read (a list page that
    counts for each of its rows reads them once); without it they are read here."""
    local = timezone.localtime(start)
    current = local.date()
    remaining = days
    given = closed is not None
    closed = set(closed or ())
    window_end = current
    while remaining > 0:
        current += timedelta(days=1)
        if not given and current > window_end:
            window_end = current + timedelta(days=_WINDOW_DAYS)
            closed |= closed_days(school=school, start=current, end=window_end)
        if is_school_day(current, closed):
            remaining -= 1
    return timezone.make_aware(datetime.combine(current, local.time()), local.tzinfo)


def closed_days_by_school(*, schools: list[School], start: date, end: date) -> dict[int, set[date]]:
    """school id -> its holidays between two dates, inclusive, for several schools in one
    query (a list page that counts school days for each of its rows)."""
    closed: dict[int, set[date]] = {school.pk: set() for school in schools}
    if not schools:
        return closed
    districts: dict[int, list[int]] = {}
    for school in schools:
        districts.setdefault(school.district_id, []).append(school.pk)
    days = (
        Holiday.objects.filter(district_id__in=list(districts), date__range=(start, end))
        .filter(Q(school__isnull=True) | Q(school_id__in=list(closed)))
        .values_list("district_id", "school_id", "date")
    )
    for district_id, school_id, day in days:
        for pk in [school_id] if school_id else districts[district_id]:
            closed[pk].add(day)
    return closed


def school_days_after(first: date, last: date, closed: set[date]) -> int:
    """School days after `first`, up to and including `last` (dates, as a person counts)."""
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_school_day(day, closed)
    return count


def school_days_between(
    *, school: School, start: datetime, end: datetime, closed: set[date] | None = None
) -> int:
    """Whole school days that have passed from `start` to `end` (0 when end is earlier).
    `closed`: the school's holidays over the span, already read (as for add_school_days)."""
    if end <= start:
        return 0
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    if closed is None:
        closed = closed_days(school=school, start=first, end=last)
    count = school_days_after(first, last, closed)
    if count and timezone.localtime(end).time() < timezone.localtime(start).time():
        count -= 1
    return count

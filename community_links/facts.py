"""What a family asks about a resource, said in words: who it is for, when it is open (and
whether it is open now, on the district's clock), which languages are spoken and how fresh the
entry is. Pure functions over rows already read; the selectors read the rows."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Publishers write 99, 100 or 120 as the "maximum age" when they mean no upper limit.
NO_UPPER_AGE = 99
ADULT_AGE = 18
STALE_AFTER = datetime.timedelta(days=365)
# The languages the directory is searched by, named in the reader's language.
LANGUAGE_NAMES = {
    "en": gettext_lazy("English"),
    "es": gettext_lazy("Spanish"),
    "fr": gettext_lazy("French"),
    "vi": gettext_lazy("Vietnamese"),
    "zh": gettext_lazy("Chinese"),
    "ar": gettext_lazy("Arabic"),
    "so": gettext_lazy("Somali"),
    "tl": gettext_lazy("Tagalog"),
    "pt": gettext_lazy("Portuguese"),
    "ru": gettext_lazy("Russian"),
    "ur": gettext_lazy("Urdu"),
    "hmn": gettext_lazy("Hmong"),
}


def local_now(now: datetime.datetime | None = None) -> datetime.datetime:
    """The district's wall clock. Districts carry no zone of their own yet, so it is the
    site's TIME_ZONE, whatever zone the request was activated in."""
    return timezone.localtime(now or timezone.now(), timezone.get_default_timezone())


def _age(value: float) -> str:
    return f"{value:g}"


def eligibility_words(minimum_age: float | None, maximum_age: float | None) -> str:
    """ "All ages", "Ages 5 to 18", "Adults 18 and over": never "Ages 0 to 120"."""
    low = minimum_age if minimum_age and minimum_age > 0 else None
    high = maximum_age if maximum_age is not None and maximum_age < NO_UPPER_AGE else None
    if low is None and high is None:
        return _("All ages")
    if high is None:
        if low == ADULT_AGE:
            return _("Adults 18 and over")
        return _("Ages %(low)s and over") % {"low": _age(low)}
    if low is None:
        return _("Up to age %(high)s") % {"high": _age(high)}
    return _("Ages %(low)s to %(high)s") % {"low": _age(low), "high": _age(high)}


def grade_words(min_grade: str, max_grade: str) -> str:
    if not min_grade and not max_grade:
        return ""
    if min_grade and max_grade:
        if min_grade == max_grade:
            return _("Grade %(grade)s only") % {"grade": min_grade}
        return _("Grades %(low)s to %(high)s") % {"low": min_grade, "high": max_grade}
    if min_grade:
        return _("Grade %(grade)s and up") % {"grade": min_grade}
    return _("Up to grade %(grade)s") % {"grade": max_grade}


def language_name(code: str, known: dict[str, str] | None = None) -> str:
    """The language's name in the reader's language where Django knows it, else the name the
    publisher gave, else the code."""
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return (known or {}).get(code) or code


@dataclass(frozen=True)
class Verified:
    on: datetime.date | None
    stale: bool
    words: str


def verified_words(on: datetime.date | None, *, today: datetime.date | None = None) -> Verified:
    today = today or local_now().date()
    if on is None:
        return Verified(None, True, _("Never checked with the provider: confirm before you refer."))
    when = date_format(on, "j F Y")
    if today - on > STALE_AFTER:
        words = _("Last checked %(date)s, more than a year ago: confirm before you refer.")
        return Verified(on, True, words % {"date": when})
    return Verified(on, False, _("Last checked %(date)s") % {"date": when})


def clock(at: datetime.time) -> str:
    return at.strftime("%H:%M")


@dataclass(frozen=True)
class Span:
    """One weekly opening: on `day` (0 = Monday) from `opens` to `closes`; a span that
    closes at or before it opens runs past midnight into the next day."""

    day: int
    opens: datetime.time
    closes: datetime.time
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def words(self) -> str:
        return f"{clock(self.opens)}–{clock(self.closes)}"


@dataclass
class Hours:
    spans: list[Span]
    notes: list[str]  # schedules described only in words
    now: datetime.datetime  # the district's wall clock
    week: list[tuple[str, list[str], bool]] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """Some weekly opening applies now (a schedule that ran out in 2005 says nothing)."""
        today = self.now.date()
        yesterday = today - datetime.timedelta(days=1)
        return any(s.valid_on(today) or s.valid_on(yesterday) for s in self.spans)

    @property
    def open_until(self) -> datetime.time | None:
        """When the opening we are in now ends; None when closed (or hours unknown)."""
        day, at = self.now.weekday(), self.now.time()
        today, yesterday = self.now.date(), self.now.date() - datetime.timedelta(days=1)
        ends = []
        for s in self.spans:
            started_today = s.day == day and s.valid_on(today) and at >= s.opens
            if started_today and (s.overnight or at < s.closes):
                ends.append((s.overnight, s.closes))
            late_yesterday = s.day == (day - 1) % 7 and s.overnight and s.valid_on(yesterday)
            if late_yesterday and at < s.closes:
                ends.append((False, s.closes))
        # An opening that runs past midnight ends latest of all.
        return max(ends)[1] if ends else None

    @property
    def open_now(self) -> bool | None:
        if not self.known:
            return None
        return self.open_until is not None

    @property
    def today(self) -> list[str]:
        today = self.now.date()
        return [s.words() for s in self.spans if s.day == self.now.weekday() and s.valid_on(today)]

    @property
    def status_words(self) -> str:
        if self.open_now is None:
            return _("Hours not known")
        if self.open_now:
            return _("Open now, until %(time)s") % {"time": clock(self.open_until)}
        return _("Closed now")


def hours_for(schedules: Iterable, *, now: datetime.datetime | None = None) -> Hours:
    """Weekly rules with opening times drive "open now"; a schedule given only in words (or
    as another kind of rule) is passed on as a note."""
    spans, notes = [], []
    for schedule in schedules:
        days = [DAY_CODES.index(c) for c in schedule.byday.split(",") if c in DAY_CODES]
        weekly = schedule.freq in ("", "WEEKLY")
        if weekly and days and schedule.opens_at and schedule.closes_at:
            spans.extend(
                Span(
                    d, schedule.opens_at, schedule.closes_at, schedule.valid_from, schedule.valid_to
                )
                for d in days
            )
        if schedule.description and schedule.description not in notes:
            notes.append(schedule.description)
    spans.sort(key=lambda s: (s.day, s.opens))
    hours = Hours(spans=spans, notes=notes, now=local_now(now))
    today = hours.now.date()
    current = [s for s in spans if s.valid_on(today)]
    hours.week = [
        (str(WEEKDAYS[d]), [s.words() for s in current if s.day == d], d == hours.now.weekday())
        for d in range(7)
    ]
    return hours

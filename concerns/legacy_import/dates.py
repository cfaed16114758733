"""Dates as legacy spreadsheets write them: ISO, numeric (3/11/2025, 03-11-25), "5 March 2024",
"March 5, 2024", and Excel date cells (as the workbook reader gives them, or a day number).

A numeric date may be day first (Europe, most of the world) or month first (the US), and a
file keeps to one: so the order is decided once for the file, never guessed row by row.
DateOrders looks at every numeric date of the file's date columns first: when some can only
be read one way (25/11/2025) and none only the other way, that is the order, inferred; when
all of them read either way (03/11/2025), or the file holds both kinds, the user chooses.
Once an order is set, a date that is not valid in it is that row's problem."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MONTHS = (
    {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
    | {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
    | {"sept": 9}
)
TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){TIME}$")
NUMERIC = re.compile(rf"^(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){TIME}$")
DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})$")
MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
EXCEL_DAY_NUMBER = re.compile(r"^\d{5}(?:\.\d+)?$")
EXCEL_EPOCH = date(1899, 12, 30)

# The values of ConcernImport.DateOrder (the model owns them; this module imports no model).
DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"


class Undecided(ValueError):
    """A numeric date that reads both ways, while the file's order is not decided yet."""


def _readings(text: str) -> tuple[bool, bool] | None:
    """For a numeric date like 3/4/2024: (valid month first, valid day first); None for
    other forms."""
    found = NUMERIC.match(text)
    if not found:
        return None
    a, b = int(found[1]), int(found[3])
    if a == b:  # 4/4/2024 is the same date either way: it proves no order
        return None
    return (1 <= a <= 12 and 1 <= b <= 31, 1 <= b <= 12 and 1 <= a <= 31)


def _plain(text: str) -> str:
    return WEEKDAY.sub("", " ".join(text.split()).lower())


def _shown(text: str) -> str:
    return " ".join(text.split())[:40]


@dataclass
class DateOrders:
    """What the numeric dates of a file allow: the first of each kind, as (line, text)."""

    either: tuple[int, str] | None = None  # 03/11/2025: 3 November or March 11
    day_first: tuple[int, str] | None = None  # 25/11/2025: only 25 November
    month_first: tuple[int, str] | None = None  # 11/25/2025: only November 25

    def see(self, line: int, text: str) -> None:
        readings = _readings(_plain(text))
        if readings == (True, True) and self.either is None:
            self.either = (line, _shown(text))
        elif readings == (False, True) and self.day_first is None:
            self.day_first = (line, _shown(text))
        elif readings == (True, False) and self.month_first is None:
            self.month_first = (line, _shown(text))

    @property
    def inferred(self) -> str | None:
        """The order the file's own dates prove, if they prove one."""
        if self.day_first and not self.month_first:
            return DAY_FIRST
        if self.month_first and not self.day_first:
            return MONTH_FIRST
        return None

    @property
    def must_ask(self) -> bool:
        """Whether the user has to choose: some date reads either way, or the file mixes
        dates that are only valid day first with dates only valid month first."""
        return self.inferred is None and bool(self.either or self.day_first)

    def as_json(self) -> dict:
        return {
            "either": self.either,
            "day_first": self.day_first,
            "month_first": self.month_first,
            "inferred": self.inferred or "",
            "must_ask": self.must_ask,
        }


def parse_date(text: str, *, order: str | None = None, excel: bool = False) -> date:
    """The date written in a cell, a numeric one read in the file's order (DAY_FIRST or
    MONTH_FIRST). Raises Undecided for a numeric date that reads both ways when there is no
    order yet, ValueError with a message for the user when it is no date in that order."""
    plain = _plain(text)
    shown = _shown(text)
    readings = _readings(plain)
    if readings is not None:
        if order is None and all(readings):
            raise Undecided(shown)
        if order == DAY_FIRST and not readings[1]:
            raise ValueError(
                _(
                    "%(text)s is not a date when read day first (day/month/year), the order "
                    "chosen for this file"
                )
                % {"text": shown}
            )
        if order == MONTH_FIRST and not readings[0]:
            raise ValueError(
                _(
                    "%(text)s is not a date when read month first (month/day/year), the "
                    "order chosen for this file"
                )
                % {"text": shown}
            )
    try:
        # Undecided, a date valid only day first is read so; decided, the order rules.
        day_first = order == DAY_FIRST if order else readings == (False, True)
        value = _parse(plain, excel, day_first=day_first)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValueError(
            _("%(text)s is not a date this import understands; write it as YYYY-MM-DD")
            % {"text": shown}
        )
    return value


def _parse(text: str, excel: bool, *, day_first: bool) -> date | None:
    if found := ISO.match(text):
        return date(int(found[1]), int(found[2]), int(found[3]))
    if found := NUMERIC.match(text):
        a, b, year = int(found[1]), int(found[3]), _year(found[4])
        return date(year, b, a) if day_first else date(year, a, b)
    if (found := DAY_MONTH.match(text)) and found[2] in MONTHS:
        return date(_year(found[3]), MONTHS[found[2]], int(found[1]))
    if (found := MONTH_DAY.match(text)) and found[1] in MONTHS:
        return date(int(found[3]), MONTHS[found[1]], int(found[2]))
    if excel and EXCEL_DAY_NUMBER.match(text):
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    return None


def _year(text: str) -> int:
    """A two-digit year is the latest year ending so that is not in the future."""
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    return year if year <= timezone.localdate().year else year - 100


def both_readings(text: str) -> tuple[date | None, date | None]:
    """(month first, day first) readings of a numeric date, for showing the user what each
    order would make of a date of their file; None where that order gives no date."""
    plain = _plain(text)
    found = NUMERIC.match(plain)
    if not found:
        return None, None
    a, b, year = int(found[1]), int(found[3]), _year(found[4])
    readings = []
    for month, day in ((a, b), (b, a)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            readings.append(None)
    return readings[0], readings[1]

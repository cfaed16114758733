"""Dates as legacy spreadsheets write them: ISO, US m/d/Y, "5 March 2024", "March 5, 2024",
and Excel date cells (as pandas gives them, or as a day number).

3/4/2024 is read the US way (March 4) unless another date of the same column can only be
read day first (13/4/2024): then it could be either, and it is refused as ambiguous rather
than guessed."""

from __future__ import annotations

import calendar
import re
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


def _readings(text: str) -> tuple[bool, bool] | None:
    """For a numeric date like 3/4/2024: (can be month first, can be day first); None for
    other forms. 4/4/2024 reads the same both ways."""
    found = NUMERIC.match(text)
    if not found:
        return None
    a, b = int(found[1]), int(found[3])
    if a == b:
        return (True, False)
    return (1 <= a <= 12 and 1 <= b <= 31, 1 <= b <= 12 and 1 <= a <= 31)


def _plain(text: str) -> str:
    return WEEKDAY.sub("", " ".join(text.split()).lower())


def day_first(values: list[str]) -> bool:
    """Whether some date of this column can only be read day first."""
    return any(_readings(_plain(value)) == (False, True) for value in values)


def parse_date(text: str, *, day_first: bool = False, excel: bool = False) -> date:
    """The date written in a cell. Raises ValueError with a message for the user."""
    plain = _plain(text)
    shown = " ".join(text.split())[:40]
    if day_first and _readings(plain) == (True, True):
        raise ValueError(
            _(
                "%(text)s is ambiguous: other dates in this column put the day first, so it "
                "could be either; write it as YYYY-MM-DD"
            )
            % {"text": shown}
        )
    try:
        value = _parse(plain, excel)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValueError(
            _("%(text)s is not a date this import understands; write it as YYYY-MM-DD")
            % {"text": shown}
        )
    return value


def _parse(text: str, excel: bool) -> date | None:
    if found := ISO.match(text):
        return date(int(found[1]), int(found[2]), int(found[3]))
    if found := NUMERIC.match(text):
        a, b, year = int(found[1]), int(found[3]), _year(found[4])
        return date(year, a, b) if _readings(text)[0] else date(year, b, a)
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

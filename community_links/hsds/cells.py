"""CSV cells that a spreadsheet shows as text, and back.

An HSDS CSV is opened in spreadsheets as often as it is read by machines, so the export
writes every cell through schoolwell.exports.SafeWriter: a cell beginning with =, +, -, @, a
tab or a carriage return gets a leading quote (OWASP CSV injection). The import removes that
quote again, and only that one: `to_cell` also quotes a value that already begins with
quotes followed by such a character, so the mapping is one-to-one and a value exported and
imported comes back exactly (`from_cell(guarded(v)) == v` for every text v). Numbers are
written as numbers, never quoted. JSON is never quoted: it is not opened in a spreadsheet.
"""

import re
from typing import Any

from schoolwell.exports import FORMULA_STARTS, formula_safe

# One or more quotes, then a formula start: the first quote is always one we added.
_GUARDED = re.compile("'+[" + re.escape("".join(FORMULA_STARTS)) + "]")


def to_cell(value: Any) -> Any:
    """The value to hand to SafeWriter. A text that begins with quotes and then a formula
    start gets one more quote (SafeWriter leaves it alone as it begins with a quote): without
    it, importing "'=x" would give "=x"."""
    if isinstance(value, str) and _GUARDED.match(value):
        return "'" + value
    return value


def guarded(value: Any) -> Any:
    """What the exported cell holds (to_cell, then SafeWriter's formula_safe)."""
    return formula_safe(to_cell(value))


def from_cell(text: str) -> str:
    """A CSV cell as the value it stands for: the guard quote removed."""
    if _GUARDED.match(text):
        return text[1:]
    return text

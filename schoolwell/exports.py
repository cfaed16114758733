"""Cells that leave the server in a CSV or spreadsheet someone will open.

A spreadsheet program reads a cell that begins with `=`, `+`, `-` or `@` (and, in some, a tab
or carriage return) as a formula: a resource name or a student's words in an export could run
`=HYPERLINK(...)` or worse on the reader's machine (OWASP "CSV injection"). Every export
writes its cells through `formula_safe`, which prefixes such a cell with a single quote so it
is shown as the text it is.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """The value as a spreadsheet will show it, never run it. Numbers pass unchanged (a
    negative number is a number, not a formula); text that begins like a formula gets a
    leading quote."""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every cell goes through formula_safe."""

    def __init__(self, handle, **kwargs) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([formula_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

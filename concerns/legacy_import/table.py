"""Reading the spreadsheet: an .xlsx (first sheet) or a CSV, told apart by content, every
cell as a string, within the caps of limits.py. Anything that is not a readable table, or is
past a cap, is an ImportFileError whose message says, in words for the user, what to do."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from concerns.legacy_import import limits, workbook
from concerns.legacy_import.limits import MAX_FILE_BYTES, MAX_ROWS, ImportFileError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "ImportFileError", "Table", "read_table"]

# C0 and C1 control characters other than tab and line ends: never in a real CSV.
FIRST_RECORD_CHARS = 1024 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    columns: list[str]
    rows: list[list[str]]  # each as wide as columns
    first_line: int  # the spreadsheet line of rows[0]: the header's line + 1

    def lines(self):
        return enumerate(self.rows, start=self.first_line)

    @property
    def row_count(self) -> int:
        """Rows that are not blank: the concerns the file holds."""
        return sum(1 for row in self.rows if any(row))

    def as_json(self) -> dict:
        """What ConcernImport.table keeps, so that the file is read once."""
        return {
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "first_line": self.first_line,
        }

    @classmethod
    def from_json(cls, stored: dict) -> Table:
        return cls(stored["kind"], stored["columns"], stored["rows"], stored["first_line"])


def read_table(data: bytes) -> Table:
    """The table in the file: its first non-empty row is the header."""
    if len(data) > MAX_FILE_BYTES:
        raise limits.too_large()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("This file is empty."))
    if data.startswith(b"PK\x03\x04"):
        kind, raw = "xlsx", workbook.read_first_sheet(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel .xls files cannot be read: save it as .xlsx or CSV."))
    else:
        kind, raw = "csv", _read_csv(data)
    while raw and not any(raw[-1]):
        raw.pop()
    start = next((i for i, row in enumerate(raw) if any(row)), None)
    if start is None:
        raise ImportFileError(_("This file is empty."))
    rows = raw[start + 1 :]
    if len(rows) > MAX_ROWS:
        raise limits.too_many_rows()
    width = max(len(row) for row in raw[start:])
    if width > limits.MAX_COLUMNS:
        raise limits.too_many_columns(column_letter(width - 1))
    if width * (len(rows) + 1) > limits.MAX_CELLS:
        raise limits.too_many_cells()
    _check_text(rows, start + 2)
    header = raw[start] + [""] * (width - len(raw[start]))
    rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    return Table(kind, _column_names(header), rows, start + 2)


def _check_text(rows: list[list[str]], first_line: int) -> None:
    """No cell past what a spreadsheet cell holds, no more text than a 20 MB CSV holds (a
    workbook's shared string may be used by any number of cells)."""
    total = 0
    for line, row in enumerate(rows, start=first_line):
        for cell in row:
            if len(cell) > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(line)
            total += len(cell)
    if total > limits.MAX_TEXT_CHARS:
        raise limits.too_much_text()


def _decode(data: bytes) -> tuple[str, str]:
    """(encoding, text): UTF-8 (with or without a BOM), else Windows-1252 or Latin-1; text
    that decodes but holds control characters is UTF-16 or binary, and is refused."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not CONTROL.search(text):
            return encoding, text
    raise ImportFileError(
        _(
            "This file is neither a CSV in UTF-8 or Windows-1252 text nor an .xlsx workbook "
            "(it may be UTF-16 text, or another kind of file). In Excel, choose Save As and "
            "then CSV UTF-8 or Excel Workbook (.xlsx)."
        )
    )


def _read_csv(data: bytes) -> list[list[str]]:
    data = data.rstrip(b"\x1a")  # an old DOS end-of-file mark
    encoding, text = _decode(data)
    delimiter = _delimiter(text)
    # pandas makes every row as wide as the file's first record: bound the read by it.
    width = max(1, _first_record_width(text, delimiter))
    del text
    if width > limits.MAX_COLUMNS:
        raise limits.too_many_columns(column_letter(width - 1))
    nrows = min(limits.MAX_LINES, limits.MAX_CELLS // width)
    try:
        frame = pd.read_csv(
            io.BytesIO(data), encoding=encoding, sep=delimiter, header=None, dtype=str,
            keep_default_na=False, skip_blank_lines=False, index_col=False, nrows=nrows,
            engine="c",
        )  # fmt: skip
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found is None:
            raise ImportFileError(
                _("This CSV cannot be read: a quotation mark is probably not closed.")
            ) from None
        expected, line, saw = found.groups()
        raise ImportFileError(
            _(
                "Line %(line)s has %(saw)s cells but the header has %(expected)s. A cell "
                "holding a %(delimiter)s needs quotation marks around it."
            )
            % {"line": line, "saw": saw, "expected": expected, "delimiter": repr(delimiter)}
        ) from None
    except (pd.errors.EmptyDataError, ValueError, csv.Error, OverflowError):
        raise ImportFileError(_("This file cannot be read as a CSV.")) from None
    raw = _cells(frame)
    del frame
    while raw and not any(raw[-1]):
        raw.pop()
    if len(raw) >= nrows:  # the read stopped at its bound: there is more
        raise limits.too_many_rows() if nrows == limits.MAX_LINES else limits.too_many_cells()
    return raw


def _delimiter(text: str) -> str:
    """The one of , ; tab the first line with something in it holds most of."""
    filled = re.search(r"\S", text)
    at = filled.start() if filled else 0
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    ends = [end for end in (text.find("\n", at), text.find("\r", at)) if end >= 0]
    header = text[start : min(ends, default=len(text))]
    return max(",;\t", key=lambda d: (header.count(d), d == ","))


def _first_record_width(text: str, delimiter: str) -> int:
    """How many cells the first record has (a quoted cell may span lines). A first record
    longer than FIRST_RECORD_CHARS is no header: refused as a cell too long."""
    head = text[:FIRST_RECORD_CHARS]
    lines = io.StringIO(head)
    try:
        record = next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error as error:
        if "field larger" in str(error):
            raise limits.cell_too_long(1) from None
        raise ImportFileError(
            _("This CSV cannot be read: a quotation mark is probably not closed.")
        ) from None
    if lines.tell() >= len(head) < len(text):
        raise limits.cell_too_long(1)
    return len(record)


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [[str(cell).strip() for cell in row] for row in frame.fillna("").to_numpy().tolist()]


def _column_names(header: list[str]) -> list[str]:
    """Header cells as column names: an empty one is "Column C", a repeated one gets its
    letter, so that each column has one name the mapping can point at."""
    names: list[str] = []
    for index, cell in enumerate(header):
        letter = column_letter(index)
        name = " ".join(cell.split())[:80] or _("Column %(letter)s") % {"letter": letter}
        if name in names:
            name = f"{name} ({letter})"
        names.append(name)
    return names


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

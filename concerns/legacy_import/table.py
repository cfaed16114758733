"""Reading the spreadsheet: an .xlsx (first sheet) or a CSV, told apart by content, every
cell as a string. Anything that is not a readable table is an ImportFileError whose message
says, in words for the user, what to do."""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # an .xlsx is a zip: refuse a zip bomb before parsing
# C0 and C1 control characters other than tab and line ends: never in a real CSV.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


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


def read_table(data: bytes, *, limit: int | None = None) -> Table:
    """The table in the file: its first non-empty row is the header. With a limit, only that
    many rows are read (the preview)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("This file is larger than 20 MB. Split it into smaller files."))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(_("This file is empty."))
    # Leading blank rows and the header come on top of the rows themselves.
    nrows = (MAX_ROWS if limit is None else limit) + 100
    if data.startswith(b"PK\x03\x04"):
        kind, raw = "xlsx", _read_xlsx(data, nrows)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel .xls files cannot be read: save it as .xlsx or CSV."))
    else:
        kind, raw = "csv", _read_csv(_decode(data), nrows)
    while raw and not any(raw[-1]):
        raw.pop()
    start = next((i for i, row in enumerate(raw) if any(row)), None)
    if start is None:
        raise ImportFileError(_("This file is empty."))
    rows = raw[start + 1 :]
    if limit is None and (len(rows) > MAX_ROWS or len(raw) >= nrows):
        raise ImportFileError(
            _("This file has more than %(max)s rows. Split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}"}
        )
    return Table(kind, _column_names(raw[start]), rows[:limit], start + 2)


def _read_xlsx(data: bytes, nrows: int) -> list[list[str]]:
    unreadable = _(
        "This file looks like an Excel workbook but cannot be read. Open it in Excel, save it "
        "again as .xlsx (or as CSV UTF-8) and upload that."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            raise ImportFileError(unreadable)
        frame = pd.read_excel(
            io.BytesIO(data), sheet_name=0, header=None, dtype=str, keep_default_na=False,
            nrows=nrows, engine="openpyxl",
            # A formula cell as its formula, so that it is refused as one, not as its value.
            engine_kwargs={"data_only": False},
        )  # fmt: skip
    except ImportFileError:
        raise
    except Exception as error:  # a broken workbook can fail in zipfile, XML or openpyxl
        logger.info("Unreadable workbook: %s", type(error).__name__)
        raise ImportFileError(unreadable) from None
    return _cells(frame)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252 or Latin-1; text that decodes but
    holds control characters is UTF-16 or binary, and is refused."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding).rstrip("\x1a")  # an old DOS end-of-file mark
        except UnicodeDecodeError:
            continue
        if not CONTROL.search(text):
            return text
    raise ImportFileError(
        _(
            "This file is neither a CSV in UTF-8 or Windows-1252 text nor an .xlsx workbook "
            "(it may be UTF-16 text, or another kind of file). In Excel, choose Save As and "
            "then CSV UTF-8 or Excel Workbook (.xlsx)."
        )
    )


def _read_csv(text: str, nrows: int) -> list[list[str]]:
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=lambda d: (header.count(d), d == ","))
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, index_col=False, nrows=nrows, engine="c",
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
    return _cells(frame)


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

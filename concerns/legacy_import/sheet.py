"""The expat handlers for a workbook's shared strings and its sheet (workbook.py feeds them),
holding no more than the caps of limits.py allow: text is gathered only where a value is,
and counted as it arrives; a cell past the column cap, a row past the line cap, a cell or
the whole past their characters refuse the file at once. A formatted empty cell costs its
tag and nothing more.

Values are read as pandas gave them before: numbers as 12 or 3.5, date-formatted numbers
as "2024-03-04 00:00:00", booleans as True/False, errors as empty, a formula as "=..." (so
that the row checks refuse it as a formula), every value stripped.
"""

from __future__ import annotations

import math

from openpyxl.utils.datetime import from_excel

from concerns.legacy_import import limits

_LOCAL: dict[str, str] = {}


class Broken(Exception):
    """The workbook breaks the format; workbook.read_first_sheet says so to the user."""


def local(name: str) -> str:
    """ "urn:main}c" -> "c" (expat gives names with their namespace; OOXML has two, the
    transitional and the strict one, and some writers use prefixes)."""
    found = _LOCAL.get(name)
    if found is None:
        found = name.rpartition("}")[2]
        if len(_LOCAL) < 500:  # a crafted file may invent any number of names
            _LOCAL[name] = found
    return found


class SharedStrings:
    """<sst><si><t>text</t></si><si><r><t>rich</t></r><rPh>..</rPh></si>..."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.total = 0
        self.parts: list[str] | None = None  # inside an <si>
        self.size = 0
        self.phonetic = 0  # inside <rPh>: the reading guide, not the text
        self.capture = False

    def start(self, name: str, attrs: dict) -> None:
        tag = local(name)
        if tag == "si":
            self.parts, self.size = [], 0
        elif tag == "t":
            self.capture = self.parts is not None and not self.phonetic
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        tag = local(name)
        if tag == "t":
            self.capture = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si" and self.parts is not None:
            self.strings.append("".join(self.parts))
            self.parts = None
            if len(self.strings) > limits.MAX_CELLS:
                raise limits.too_many_cells()

    def text(self, data: str) -> None:
        if self.capture:
            self.size += len(data)
            self.total += len(data)
            if self.size > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(None)
            if self.total > limits.MAX_TEXT_CHARS:
                raise limits.too_much_text()
            self.parts.append(data)


class Sheet:
    """<sheetData><row r="2"><c r="A2" t="s" s="3"><v>7</v></c>..</row>..</sheetData>"""

    def __init__(self, strings: list[str], dates: dict[int, bool], epoch) -> None:
        self.strings, self.dates, self.epoch = strings, dates, epoch
        self.rows: list[list[str]] = []
        self.cells = 0
        self.total = 0
        self.in_data = False
        self.line = 0
        self.row: dict[int, str] = {}
        self.column = 0
        self.kind, self.style = "n", None
        self.parts: dict[str, list[str]] = {}
        self.target: list[str] | None = None  # where text goes: inside <v>, <f> or <is><t>
        self.size = 0
        self.inline = False
        self.phonetic = 0

    # start and end run for every element of the sheet: the common tags come first, and
    # nothing is parsed that a formatted empty cell does not need.
    def start(self, name: str, attrs: dict) -> None:
        tag = _LOCAL.get(name) or local(name)
        if tag == "c" and self.in_data:
            reference = attrs.get("r")
            previous = self.column
            self.column = previous + 1 if reference is None else _column(reference)
            if self.column <= previous:
                raise Broken  # cells come in order, once each
            self.kind, self.style = attrs.get("t", "n"), attrs.get("s")
            self.parts, self.size = {}, 0
        elif tag == "v" or tag == "f":
            self.target = self.parts.setdefault(tag, [])
        elif tag == "row" and self.in_data:
            self.line = _number(attrs.get("r"), self.line + 1)
            if self.line <= len(self.rows):
                raise Broken  # rows come in order, once each
            if self.line > limits.MAX_LINES:
                raise limits.sheet_too_long()
            self.row, self.column = {}, 0
        elif tag == "t" and self.inline and not self.phonetic:
            self.target = self.parts.setdefault("t", [])
        elif tag == "is":
            self.inline = True
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "sheetData":
            self.in_data = True

    def end(self, name: str) -> None:
        tag = _LOCAL.get(name) or local(name)
        if tag == "c":
            if self.parts and self.in_data:
                self.cell()
        elif tag == "v" or tag == "f" or tag == "t":
            self.target = None
        elif tag == "row" and self.in_data:
            self.rows.extend([] for _ in range(self.line - 1 - len(self.rows)))
            values = [""] * max(self.row, default=0)
            for index, value in self.row.items():
                values[index - 1] = value
            self.rows.append(values)
        elif tag == "is":
            self.inline = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "sheetData":
            self.in_data = False

    def text(self, data: str) -> None:
        if self.target is not None:
            self.size += len(data)
            if self.size > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(self.line)
            self.target.append(data)

    def cell(self) -> None:
        value = self.value().strip()
        if not value:
            return  # formatted but empty
        if self.column > limits.MAX_COLUMNS:
            raise limits.too_many_columns(_letters(self.column))
        if len(value) > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(self.line)  # a shared string, not checked until used
        self.cells += 1
        self.total += len(value)
        if self.cells > limits.MAX_CELLS:
            raise limits.too_many_cells()
        if self.total > limits.MAX_TEXT_CHARS:
            raise limits.too_much_text()  # a shared string may be used by any number of cells
        self.row[self.column] = value

    def value(self) -> str:
        parts = self.parts
        if "f" in parts:
            return "=" + "".join(parts["f"])
        if self.kind == "inlineStr":
            return "".join(parts.get("t", ()))
        raw = "".join(parts.get("v", ())).strip()
        if raw == "" or self.kind == "e":
            return ""
        if self.kind == "s":
            return self.strings[int(raw)]
        if self.kind == "b":
            return str(raw not in ("0", "false"))
        if self.kind in ("str", "d"):
            return raw
        number = float(raw)
        if not math.isfinite(number):
            return raw
        style = _number(self.style, 0)
        if style in self.dates:
            try:
                return str(from_excel(number, self.epoch, timedelta=self.dates[style]))
            except (OverflowError, ValueError):
                return raw  # no date: the row check says so
        return str(int(number)) if number.is_integer() else str(number)


def _number(text: str | None, default: int) -> int:
    if text is None:
        return default
    if not text.isdigit() or len(text) > 7:
        raise Broken
    return int(text)


_COLUMNS: dict[str, int] = {}


def _column(reference: str) -> int:
    """The column number of a reference like "AB12" (28)."""
    letters = reference.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        if not letters or len(letters) > 3 or not letters.isascii() or not letters.isalpha():
            raise Broken
        number = 0
        for letter in letters.upper():
            number = number * 26 + ord(letter) - 64
        _COLUMNS[letters] = number  # at most 3 letters, so a bounded cache
    return number


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

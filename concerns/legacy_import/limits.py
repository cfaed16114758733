"""The caps a legacy spreadsheet is read within, and the refusals that name them.

Every cap is checked while the file is read, before anything is built from what the file
claims about itself: a file past one is refused with a message saying which cap and what to
do, and nothing is kept. The numbers leave room for the largest real file (50,000 concerns
of a dozen columns) and hold the cost of the worst crafted one to a few seconds and a few
tens of MB (bench/uploads.py measures it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# Leading blank rows and the header come on top of the rows themselves.
MAX_LINES = MAX_ROWS + 100
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000  # rows x columns of the table as read
MAX_CELL_CHARS = 32_767  # what one Excel cell can hold
MAX_TEXT_CHARS = 20 * 1024 * 1024  # all cells together: what a 20 MB CSV can carry
# An .xlsx is a zip of XML parts; these bound reading it whatever its parts declare.
MAX_ZIP_DIRECTORY_BYTES = 256 * 1024  # a workbook has tens of parts, not thousands
MAX_UNZIPPED_BYTES = 128 * 1024 * 1024  # the parts read (sheet, strings, styles), unzipped
MAX_XML_ELEMENTS = 2_000_000  # every element of the parts read: formatted empty cells too
MAX_XML_ATTRIBUTES = 6_000_000  # a cell has up to three (r, s, t)
MAX_XML_TOKEN_BYTES = 1024 * 1024  # one tag or text between two < >: a cell is far smaller


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


def too_large() -> ImportFileError:
    return ImportFileError(_("This file is larger than 20 MB. Split it into smaller files."))


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("This file has more than %(max)s rows. Split it into smaller files.")
        % {"max": f"{MAX_ROWS:,}"}
    )


def sheet_too_long() -> ImportFileError:
    return ImportFileError(
        _(
            "The first sheet has rows past line %(max)s (formatted empty rows count too). "
            "Delete the rows below the concerns, or split the file; at most %(rows)s rows."
        )
        % {"max": f"{MAX_LINES:,}", "rows": f"{MAX_ROWS:,}"}
    )


def too_many_columns(column: str) -> ImportFileError:
    return ImportFileError(
        _(
            "This file has more than %(max)s columns (there is something in column "
            "%(column)s). Delete the columns the import does not need and upload it again."
        )
        % {"max": MAX_COLUMNS, "column": column}
    )


def too_many_cells() -> ImportFileError:
    return ImportFileError(
        _(
            "This file has more than %(max)s cells (rows times columns). Delete the columns "
            "the import does not need, or split it into smaller files."
        )
        % {"max": f"{MAX_CELLS:,}"}
    )


def cell_too_long(line: int | None) -> ImportFileError:
    """line: the spreadsheet line; None for a workbook's shared string, whose cells are not
    known yet."""
    if line is None:
        return ImportFileError(
            _("A cell holds more than %(max)s characters, more than a spreadsheet cell can hold.")
            % {"max": f"{MAX_CELL_CHARS:,}"}
        )
    return ImportFileError(
        _(
            "Line %(line)s has a cell of more than %(max)s characters, more than a "
            "spreadsheet cell can hold."
        )
        % {"line": f"{line:,}", "max": f"{MAX_CELL_CHARS:,}"}
    )


def too_much_text() -> ImportFileError:
    return ImportFileError(
        _(
            "This file holds more than %(max)s million characters of text. Split it into "
            "smaller files."
        )
        % {"max": MAX_TEXT_CHARS // (1024 * 1024)}
    )


def workbook_too_big() -> ImportFileError:
    return ImportFileError(
        _(
            "This workbook is far larger once unpacked than a sheet of concerns can be (or "
            "holds too many parts). Copy only the concerns into a new workbook, or save them "
            "as CSV UTF-8, and upload that."
        )
    )


def unreadable_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "This file looks like an Excel workbook but cannot be read. Open it in Excel, save "
            "it again as .xlsx (or as CSV UTF-8) and upload that."
        )
    )

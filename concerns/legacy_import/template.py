"""The spreadsheet to start from: the columns the import recognises, in the order people fill
them in, one example row, and (in the workbook) a second sheet saying what each column takes,
the school's current categories included. Made on request, so the categories are always
the ones the import will accept; the import reads only the first sheet."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from schoolwell.models import Category

# Header cells the import maps by itself (rows.FIELDS), and the example row. The example's
# student id is no student's: the user replaces the row with their own.
COLUMNS = [
    "Student ID",
    "First name",
    "Last name",
    "Date of birth",
    "Date",
    "Category",
    "Details",
    "Reported by",
    "Severity",
]
EXAMPLE_STUDENT = "EXAMPLE-1"
EXAMPLE_DATE = date(2025, 9, 15)
WIDTHS = [14, 14, 14, 14, 12, 30, 60, 18, 12]


def example_row() -> list[str]:
    return [
        EXAMPLE_STUDENT,
        "",
        "",
        "",
        EXAMPLE_DATE.isoformat(),
        "Attendance; Emotional wellbeing",
        "Arrived late and tearful three mornings this week; said things are hard at home.",
        "Ms Example",
        "moderate",
    ]


def template_csv() -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(example_row())
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Concerns"
    sheet.append(COLUMNS)
    row = example_row()
    row[COLUMNS.index("Date")] = EXAMPLE_DATE  # a real date cell, as Excel users write it
    sheet.append(row)
    sheet["E2"].number_format = "yyyy-mm-dd"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(65 + index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    _instructions(book.create_sheet(_("How to fill it in")[:31]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions(sheet) -> None:
    categories = ", ".join(Category.objects.filter(active=True).values_list("name", flat=True))
    lines = [
        (_("Column"), _("What to write")),
        (
            "Student ID",
            _(
                "The student's id in the school system (SIS). Or leave it empty and fill in "
                "the name and date of birth."
            ),
        ),
        ("First name / Last name", _("Only needed without a student id.")),
        ("Date of birth", _("Only needed without a student id.")),
        (
            "Date",
            _(
                "When the concern was noted: YYYY-MM-DD is clearest. Day/month/year or "
                "month/day/year also work, the same order for the whole file."
            ),
        ),
        (
            "Category",
            _("One or more, separated by ; or ,. The categories are: %(list)s")
            % {"list": categories},
        ),
        ("Details", _("What happened, in the reporter's words (up to 5,000 characters).")),
        ("Reported by", _("Optional: who noted it.")),
        ("Severity", _("Optional: low, moderate or high (moderate when empty).")),
        ("", _("Replace the example row with your own rows. Only the first sheet is imported.")),
    ]
    for line in lines:
        sheet.append(line)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")

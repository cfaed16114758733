"""Legacy spreadsheet import tests' helpers: a 2,000-row spreadsheet with five known bad
lines, written as CSV or XLSX, the upload as the browser sends it, and "nothing written"."""

import csv
import io
from datetime import date, datetime, time, timedelta

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concerns.models import Concern
from support_team.models import TimelineEntry

HEADER = ["Student ID", "Date", "Category", "Details", "Reported by"]
CATEGORIES = ["Attendance", "Bullying; Emotional wellbeing", "family or home", "Housing, Health"]
FORMULA = '=HYPERLINK("http://x","y")'
# Data row i is on line i + 2: the header is line 1.
BAD = {100: "unknown student", 501: "unparseable date", 902: "unknown category"}
BAD |= {1402: "formula", 1902: "empty narrative"}


def original_date(i: int) -> date:
    return date(2023, 9, 1) + timedelta(days=i % 300)


def good_row(students, i: int, *, excel: bool = False) -> list:
    on = original_date(i)
    written = (on.isoformat(), on.strftime("%m/%d/%Y"), on.strftime("%-d %B %Y"))[i % 3]
    return [
        students[i % len(students)].sis_id,
        datetime.combine(on, time()) if excel else written,
        CATEGORIES[i % len(CATEGORIES)],
        f'Row {i}: seen upset in the corridor, said "it\'s fine".',
        f"Teacher {i % 7}",
    ]


def spreadsheet_rows(students, other_student, *, bad: bool = True, excel: bool = False):
    rows = [good_row(students, i, excel=excel) for i in range(2000)]
    if bad:
        rows[100 - 2][0] = other_student.sis_id  # enrolled at another school
        rows[501 - 2][1] = "31/31/2024"
        rows[902 - 2][2] = "Bulying"
        rows[1402 - 2][3] = FORMULA
        rows[1902 - 2][3] = ""
    return rows


def as_csv(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def as_xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, school, name="concerns.csv"):
    return client.post(
        reverse("concerns:import"), {"file": SimpleUploadedFile(name, data), "school": school.pk}
    )


def nothing_written():
    return not Concern.objects.exists() and not TimelineEntry.objects.exists()

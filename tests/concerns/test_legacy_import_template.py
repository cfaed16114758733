"""Legacy import: the template spreadsheet, downloaded from the import page, is a real
workbook (and CSV) with the columns the import recognises; its example row, given a real
student, imports as it is."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.urls import reverse

from concerns import legacy_import
from concerns.legacy_import.template import COLUMNS, EXAMPLE_STUDENT
from concerns.models import Concern
from schoolwell.models import Role
from tests.concerns.legacy_sheets import as_csv, upload
from tests.factories import member

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)


def download(client, kind: str):
    response = client.get(reverse(f"concerns:import_template_{kind}"))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="concerns-import-template.{kind}"'
    )
    return response


def test_the_import_page_links_to_both_templates(client, admin_a):
    client.force_login(admin_a)
    page = client.get(reverse("concerns:import")).content.decode()

    assert f'href="{reverse("concerns:import_template_xlsx")}"' in page
    assert f'href="{reverse("concerns:import_template_csv")}"' in page


def test_the_xlsx_template_is_a_real_workbook_with_the_headers_and_an_example(client, admin_a):
    client.force_login(admin_a)
    response = download(client, "xlsx")
    assert response["Content-Type"] == XLSX

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 2
    example = dict(zip(COLUMNS, rows[1], strict=True))
    assert example["Student ID"] == EXAMPLE_STUDENT
    assert example["Date"] == datetime(2025, 9, 15)  # a date cell, not text
    assert example["Category"] == "Attendance; Emotional wellbeing"
    help_text = " ".join(
        str(c) for row in book.worksheets[1].iter_rows(values_only=True) for c in row
    )
    assert "Self-harm or suicide risk" in help_text  # the categories the import accepts


def test_every_template_column_is_recognised_without_choosing_columns(client, admin_a):
    client.force_login(admin_a)
    for kind in ("xlsx", "csv"):
        table = legacy_import.read_table(download(client, kind).content)
        mapping = legacy_import.detect_mapping(table)
        # every field, the whole name in one column aside: the template splits it in two
        assert sorted(mapping) == sorted(set(legacy_import.FIELDS) - {"student_name"}), kind
        assert table.columns == COLUMNS


def test_the_template_uploaded_unchanged_asks_only_for_a_real_student(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, download(client, "xlsx").content, school_a, name="template.xlsx")
    page = client.get(response["Location"]).content.decode()

    assert "1 problem: nothing can be imported yet" in page
    assert f"no student with id {EXAMPLE_STUDENT}" in page


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_example_row_with_a_real_student_imports(client, school_a, student_a, admin_a, kind):
    client.force_login(admin_a)
    data = download(client, kind).content
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        book.worksheets[0]["A2"] = student_a.sis_id
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        rows[1][0] = student_a.sis_id
        data = as_csv(rows[1:], rows[0])

    response = upload(client, data, school_a, name=f"filled.{kind}")
    client.post(response["Location"], {"action": "confirm"})

    concern = Concern.objects.get()
    assert (concern.student, concern.observed_on, concern.severity) == (
        student_a,
        date(2025, 9, 15),
        "moderate",
    )
    assert concern.imported_reporter == "Ms Example"
    assert sorted(concern.categories.values_list("slug", flat=True)) == [
        "attendance",
        "emotional-wellbeing",
    ]


def test_a_teacher_cannot_download_the_template(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("concerns:import_template_xlsx")).status_code == 403
    assert client.get(reverse("concerns:import_template_csv")).status_code == 403

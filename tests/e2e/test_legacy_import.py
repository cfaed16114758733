"""Journey 1, legacy import (issue 15, item 6): a school administrator downloads the template,
uploads a spreadsheet whose first rows were imported before, sees them flagged, chooses how
the file writes its dates, imports only what is new, and is told when the same file comes
again."""

import io
from datetime import date

import openpyxl
import pytest

from concerns import legacy_import
from concerns.models import Concern
from schoolwell.models import Role
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = "Student ID,Date,Category,Details,Reported by\n"


def spreadsheet(students) -> bytes:
    marisol, tomas = students
    lines = [
        f"{marisol.sis_id},2025-10-06,Attendance,Absent three Mondays running,Ms Okafor",
        f"{tomas.sis_id},2025-10-08,Bullying,Pushed in the lunch queue; upset after,Mr Diaz",
        f"{marisol.sis_id},03/11/2025,Family or home,Said her dad moved out,Ms Okafor",
        f"{tomas.sis_id},04/12/2025,Emotional wellbeing,Tearful in maths,Mr Diaz",
        f"{tomas.sis_id},2025-12-10,Food insecurity,Asked for seconds every day,Mr Diaz",
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def upload(page, data: bytes, name: str) -> None:
    page.goto("/concerns/import/")
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/concerns/import/*/")


def test_an_import_flags_what_was_recorded_asks_the_date_order_once_and_adds_only_the_new(
    page, school_a
):
    admin = member(Role.SCHOOL_ADMIN, school=school_a, first_name="Ana", last_name="Admin")
    students = [
        enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero"),
        enrolled_student(school_a, legal_first_name="Tomás", legal_last_name="Reyes"),
    ]
    data = spreadsheet(students)
    # Last term someone imported the first two rows, from an older copy of the sheet.
    older = (HEADER + "\n".join(data.decode().splitlines()[1:3]) + "\n").encode()
    first = legacy_import.concern_import_start(
        started_by=admin, school=school_a, file_name="term1.csv", data=older
    )
    legacy_import.concern_import_confirm(record=first)
    assert Concern.objects.count() == 2

    sign_in(page, admin)
    page.goto("/concerns/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (Excel .xlsx)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert next(book.worksheets[0].values)[0] == "Student ID"
    screenshot(page, "legacy-import-page")

    upload(page, data, "concerns-2025.csv")
    assert page.get_by_role("heading", name="2 rows already recorded").is_visible()
    assert page.get_by_text("Dates such as 03/11/2025 on line 4 could be day first").is_visible()
    assert page.get_by_role("button", name="Import").count() == 0  # the order comes first
    assert serious_violations(page) == []
    screenshot(page, "legacy-import-preview")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "legacy-import-preview-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Day first (day/month/year): 03/11/2025 is 3 November 2025").check()
    page.get_by_role("button", name="Read the dates this way").click()
    page.wait_for_load_state()
    assert page.get_by_text("as chosen for this file").is_visible()
    assert page.get_by_label("Import these anyway (the 2 rows already recorded)").is_visible()
    assert page.get_by_text("3 new rows will be added to School A.").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "legacy-import-order-chosen")

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="3 concerns imported").is_visible()
    assert page.get_by_text("2 rows were skipped because they were already recorded.").is_visible()
    screenshot(page, "legacy-import-done")
    assert Concern.objects.count() == 5
    assert sorted(Concern.objects.values_list("observed_on", flat=True))[2:] == [
        date(2025, 11, 3),
        date(2025, 12, 4),
        date(2025, 12, 10),
    ]

    # The same file again, weeks later, from a phone.
    page.set_viewport_size({"width": 360, "height": 800})
    upload(page, data, "concerns-2025 (1).csv")
    assert page.get_by_text("This file was imported on").is_visible()
    assert page.get_by_role("heading", name="5 rows already recorded").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "legacy-import-same-file-360")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="0 concerns imported").is_visible()
    assert Concern.objects.count() == 5

"""Legacy spreadsheet import, row by row: categories, students, dates and cells, each problem
with its line and column."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from concerns import legacy_import
from concerns.legacy_import.dates import parse_date
from concerns.models import ConcernImport
from tests.concerns.legacy_sheets import HEADER, as_csv
from tests.factories import enrolled_student

pytestmark = pytest.mark.django_db


# --- rows: categories, students, dates, cells -------------------------------------------------


def check_rows(school, rows, header=HEADER, **options):
    return legacy_import.check(as_csv(rows, header), school=school, **options)


def test_an_unknown_category_suggests_the_nearest_one(school_a, student_a):
    checked = check_rows(school_a, [[student_a.sis_id, "2024-03-04", "Atendance; Houssing", "x"]])

    messages = [p.message for p in checked.problems]
    assert messages == [
        'unknown category "Atendance": did you mean "Attendance"?',
        'unknown category "Houssing": did you mean "Housing"?',
    ]


def test_categories_match_by_name_slug_or_spanish_name_whatever_the_case(school_a, student_a):
    cell = "ATTENDANCE; self-harm, Vivienda"
    checked = check_rows(school_a, [[student_a.sis_id, "2024-03-04", cell, "x"]])

    assert checked.problems == []
    assert [c.slug for c in checked.rows[0].categories] == ["attendance", "self-harm", "housing"]


def test_a_category_with_nothing_near_lists_the_categories(school_a, student_a):
    checked = check_rows(school_a, [[student_a.sis_id, "2024-03-04", "Zzzqqq", "x"]])

    assert "the categories are" in checked.problems[0].message
    assert "Bullying" in checked.problems[0].message


def test_students_are_found_by_name_and_date_of_birth_at_the_chosen_school_only(school_a, school_b):
    ana = enrolled_student(
        school_a,
        legal_first_name="Ana María",
        preferred_name="Annie",
        legal_last_name="López",
        date_of_birth=date(2011, 5, 6),
    )
    enrolled_student(
        school_b, legal_first_name="Ben", legal_last_name="Okafor", date_of_birth=date(2011, 5, 6)
    )
    header = ["Pupil", "DOB", "Date logged", "Concern type", "Notes", "Staff"]
    rows = [
        ["Ana María López", "05/06/2011", "2024-03-04", "Health", "one", "Ms A"],
        ["annie lopez", "2011-05-06", "2024-03-04", "Health", "two", "Ms A"],
        ["López, Ana María", "6 May 2011", "2024-03-04", "Health", "three", "Ms A"],
        ["Ben Okafor", "2011-05-06", "2024-03-04", "Health", "four", "Ms A"],
        ["Ana María López", "2011-05-07", "2024-03-04", "Health", "five", "Ms A"],
    ]
    checked = check_rows(school_a, rows, header, order=ConcernImport.DateOrder.MONTH_FIRST)

    assert checked.mapping["student_name"] == "Pupil"
    assert [r.student_id for r in checked.rows] == [ana.pk] * 3
    assert [(p.line, p.column) for p in checked.problems] == [(5, "Pupil"), (6, "Pupil")]
    assert "no student called Ben Okafor born 2011-05-06" in checked.problems[0].message


def test_a_student_column_of_ids_is_read_as_ids(school_a, student_a):
    header = ["Pupil", "Date of birth", "Date", "Category", "Narrative", "Severity"]
    rows = [[student_a.sis_id, "", "2024-03-04", "Health", "x", "Very worried"]]
    checked = check_rows(school_a, rows, header)

    assert checked.mapping["student_id"] == "Pupil"
    assert checked.problems == []
    assert checked.rows[0].severity == "high"


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-04", None, date(2024, 3, 4)),
        ("2024-03-04 00:00:00", None, date(2024, 3, 4)),
        ("3/4/2024", "mdy", date(2024, 3, 4)),
        ("03-04-24", "mdy", date(2024, 3, 4)),
        ("4.3.2024", "dmy", date(2024, 3, 4)),
        ("4 March 2024", None, date(2024, 3, 4)),
        ("4-Mar-2024", None, date(2024, 3, 4)),
        ("March 4, 2024", None, date(2024, 3, 4)),
        ("Monday, 4 March 2024", None, date(2024, 3, 4)),
    ],
)
def test_dates_are_read_in_the_common_formats(text, order, expected):
    assert parse_date(text, order=order) == expected


def test_an_excel_day_number_is_a_date_only_in_a_workbook():
    assert parse_date("45355", excel=True) == date(2024, 3, 4)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("45355")


def test_a_date_that_could_be_day_or_month_first_is_read_as_the_file_proves(school_a, student_a):
    rows = [
        [student_a.sis_id, "13/04/2024", "Health", "day first, clearly"],
        [student_a.sis_id, "03/04/2024", "Health", "either"],
        [student_a.sis_id, "04/04/2024", "Health", "the same both ways"],
    ]
    checked = check_rows(school_a, rows)

    assert checked.problems == [] and checked.pending == []
    assert checked.order == ConcernImport.DateOrder.DAY_FIRST
    assert [r.on for r in checked.rows] == [date(2024, 4, 13), date(2024, 4, 3), date(2024, 4, 4)]


def test_row_problems_cover_future_dates_long_narratives_formulas_and_severity(school_a, student_a):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    header = [*HEADER, "Severity"]
    rows = [
        [student_a.sis_id, future, "Health", "x", "", ""],
        [student_a.sis_id, "2024-03-04", "Health", "x" * 5001, "", ""],
        [student_a.sis_id, "2024-03-04", "Health", "x", "+cmd|' /C calc'!A0", ""],
        [student_a.sis_id, "2024-03-04", "Health", "x", "@SUM(A1)", ""],
        [student_a.sis_id, "2024-03-04", "Health", "x", "", "extreme"],
        [student_a.sis_id, "2024-03-04", "Health", "- was upset; -5 points", "+1 555 0100", "low"],
        ["", "", "", "", "", ""],
        [student_a.sis_id, "2024-03-04", "Health", "ok", "", ""],
    ]
    checked = check_rows(school_a, rows, header)

    found = [(p.line, p.column, p.message.split(";")[0].split(":")[0]) for p in checked.problems]
    assert found == [
        (2, "Date", f"{future} is in the future"),
        (3, "Details", "the narrative has 5,001 characters"),
        (4, "Reported by", "looks like a spreadsheet formula"),
        (5, "Reported by", "looks like a spreadsheet formula"),
        (6, "Severity", 'unknown severity "extreme"'),
    ]
    assert [r.line for r in checked.rows] == [7, 9]  # the blank line 8 is skipped


def test_line_numbers_count_rows_even_when_a_cell_spans_several_lines(school_a, student_a):
    data = (
        "Student ID,Date,Category,Details\n"
        f'{student_a.sis_id},2024-03-04,Health,"first line\nsecond line\nthird"\n'
        f"{student_a.sis_id},2024-03-04,Nope,x\n"
    ).encode()
    checked = legacy_import.check(data, school=school_a)

    assert [p.line for p in checked.problems] == [3]


def test_a_missing_column_is_a_problem_with_the_header(school_a, student_a):
    data = as_csv([[student_a.sis_id, "2024-03-04", "x"]], ["Student ID", "Date", "Notes"])
    checked = legacy_import.check(data, school=school_a)

    assert [(p.line, p.message) for p in checked.problems] == [
        (1, "choose the column that holds: Category")
    ]

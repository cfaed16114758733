"""Legacy spreadsheet import: 2,000 rows with exactly five bad ones (CSV and XLSX), all or
nothing, original dates and history, the command, the browser flow and its access rules, and
malformed files thrown at the parser and the upload page (hypothesis)."""

import csv
import io
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from concerns import legacy_import
from concerns.legacy_import.dates import parse_date
from concerns.models import Concern, ConcernImport
from schoolwell.models import Role
from support_team.models import Intake, TimelineEntry
from tests.factories import SchoolFactory, enrolled_student, member

pytestmark = pytest.mark.django_db

HEADER = ["Student ID", "Date", "Category", "Details", "Reported by"]
CATEGORIES = ["Attendance", "Bullying; Emotional wellbeing", "family or home", "Housing, Health"]
FORMULA = '=HYPERLINK("http://x","y")'
# Data row i is on line i + 2: the header is line 1.
BAD = {100: "unknown student", 501: "unparseable date", 902: "unknown category"}
BAD |= {1402: "formula", 1902: "empty narrative"}


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def students(school_a):
    return [
        enrolled_student(school_a, legal_first_name=f"Kid{n}", date_of_birth=date(2012, 1, n + 1))
        for n in range(25)
    ]


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)


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


# --- the 2,000-row spreadsheet ----------------------------------------------------------------


def test_a_2000_row_csv_with_five_bad_rows_reports_exactly_those_lines_and_imports_nothing(
    school_a, students, student_b, admin_a
):
    data = as_csv(spreadsheet_rows(students, student_b))
    record = legacy_import.concern_import_start(
        started_by=admin_a, school=school_a, file_name="past.csv", data=data
    )

    assert record.row_count == 2000
    assert sorted(p["line"] for p in record.problems) == sorted(BAD)
    by_line = {p["line"]: p for p in record.problems}
    assert by_line[100]["column"] == "Student ID"
    assert by_line[501]["column"] == "Date"
    assert 'did you mean "Bullying"?' in by_line[902]["message"]
    assert "formula" in by_line[1402]["message"]
    assert by_line[1902]["message"] == "the narrative is empty"

    record = legacy_import.concern_import_confirm(record=record)
    assert record.status == ConcernImport.Status.PREVIEW
    assert nothing_written()


def test_the_fixed_csv_imports_all_2000_concerns_with_their_original_dates_and_history(
    school_a, students, student_b, admin_a
):
    rows = spreadsheet_rows(students, student_b, bad=False)
    record = legacy_import.concern_import_start(
        started_by=admin_a, school=school_a, file_name="past.csv", data=as_csv(rows)
    )
    assert record.problems == []

    record = legacy_import.concern_import_confirm(record=record)

    assert (record.status, record.imported_count, record.table) == ("imported", 2000, {})
    assert Concern.objects.count() == 2000
    concerns = Concern.objects.order_by("pk")
    assert all(c.is_imported and c.reporter_id is None for c in concerns)
    for i in (0, 1, 2, 1234, 1999):
        concern = concerns[i]
        assert concern.imported_from == "past.csv"
        assert concern.imported_reporter == f"Teacher {i % 7}"
        assert concern.student == students[i % len(students)]
        assert concern.observed_on == original_date(i)
        assert timezone.localtime(concern.created_at) == timezone.make_aware(
            datetime.combine(original_date(i), time(12))
        )
        assert concern.severity == "moderate"
    both = concerns[1]
    assert sorted(both.categories.values_list("slug", flat=True)) == [
        "bullying",
        "emotional-wellbeing",
    ]
    created = both.history.get(history_type="+")
    assert created.history_user == admin_a
    assert sorted(created.categories.values_list("category__slug", flat=True)) == [
        "bullying",
        "emotional-wellbeing",
    ]
    assert Concern.history.filter(history_type="+").count() == 2000
    entries = TimelineEntry.objects.filter(source=TimelineEntry.Source.CONCERN)
    assert entries.count() == 2000
    entry = entries.get(link=reverse("concerns:detail", args=[both.pk]))
    assert entry.title == "Imported concern: Bullying, Emotional wellbeing"
    assert entry.at == both.created_at
    assert not Intake.objects.exists()  # history, not new work


def test_an_xlsx_with_the_same_five_bad_rows_reports_the_same_lines(school_a, students, student_b):
    rows = spreadsheet_rows(students, student_b, excel=True)
    checked = legacy_import.check(as_xlsx(rows), school=school_a)

    assert checked.table.kind == "xlsx"
    assert sorted(p.line for p in checked.problems) == sorted(BAD)
    formula = next(p for p in checked.problems if p.line == 1402)
    assert formula.message.startswith("looks like a spreadsheet formula; remove the leading =")
    assert nothing_written()


def test_a_fixed_xlsx_with_excel_date_cells_imports_with_the_original_dates(
    school_a, students, student_b
):
    rows = spreadsheet_rows(students, student_b, bad=False, excel=True)[:30]
    record = legacy_import.concern_import_start(
        started_by=None, school=school_a, file_name="past.xlsx", data=as_xlsx(rows)
    )
    record = legacy_import.concern_import_confirm(record=record)

    assert record.imported_count == 30
    assert sorted(Concern.objects.values_list("observed_on", flat=True)) == sorted(
        original_date(i) for i in range(30)
    )


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


# --- reading files ----------------------------------------------------------------------------


def test_a_windows_1252_csv_with_a_semicolon_delimiter_is_read(school_a):
    student = enrolled_student(school_a, legal_first_name="Zoë", legal_last_name="Müller")
    data = (
        "Nom;Date of birth;Date;Category;Details\n"
        f"Zoë Müller;{student.date_of_birth:%m/%d/%Y};2024-03-04;Health;Café, ça va\n"
    ).encode("cp1252")
    checked = legacy_import.check(
        data, school=school_a, overrides={"student_name": "Nom"}, order="mdy"
    )

    assert checked.problems == []
    assert checked.rows[0].narrative == "Café, ça va"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "This file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "This file is empty."),
        ("Student ID,Date\nS1,2024-01-01\n".encode("utf-16"), "UTF-16"),
        (b"\x00\x01\x02binary\xff\x00", "neither a CSV"),
        (b"PK\x03\x04garbage", "looks like an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Old Excel .xls"),
        (b'a,b\n1,2\n3,4,5\n6,"7\n', "Line 3 has 3 cells but the header has 2"),
        (b"x" * (20 * 1024 * 1024 + 1), "larger than 20 MB"),
    ],
)
def test_a_file_that_is_not_a_readable_table_gets_a_clear_message(school_a, data, message):
    with pytest.raises(legacy_import.ImportFileError, match=message):
        legacy_import.check(data, school=school_a)


def test_a_file_with_more_than_50000_rows_is_refused(school_a):
    data = b"Student ID,Date,Category,Details\n" + b"S1,2024-01-01,Health,x\n" * 50_001
    with pytest.raises(legacy_import.ImportFileError, match="more than 50,000 rows"):
        legacy_import.check(data, school=school_a)


def test_a_workbook_that_unzips_past_the_cap_is_refused_before_it_is_read(
    school_a, student_a, monkeypatch
):
    monkeypatch.setattr("concerns.legacy_import.limits.MAX_UNZIPPED_BYTES", 1000)
    data = as_xlsx([[student_a.sis_id, "2024-03-04", "Health", "x" * 2000, ""]])
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 1000

    with pytest.raises(legacy_import.ImportFileError, match="far larger once unpacked"):
        legacy_import.check(data, school=school_a)


# --- the command ------------------------------------------------------------------------------


def test_the_command_prints_each_problem_with_its_line_and_exits_non_zero(
    tmp_path, school_a, students, student_b, capsys
):
    path = tmp_path / "past.csv"
    path.write_bytes(as_csv(spreadsheet_rows(students, student_b)))

    with pytest.raises(CommandError) as caught:
        call_command("import_concerns", str(path), "--school", school_a.sourced_id, "--confirm")

    assert caught.value.returncode == 1
    err = capsys.readouterr().err
    assert "line 100: Student ID: no student with id" in err
    assert 'line 902: Category: unknown category "Bulying": did you mean "Bullying"?' in err
    assert [line.split(":")[0] for line in err.splitlines()] == [f"line {n}" for n in BAD]
    assert nothing_written()


def test_the_command_writes_nothing_without_confirm_and_everything_with_it(
    tmp_path, school_a, students, capsys
):
    rows = [good_row(students, i) for i in range(40)]
    path = tmp_path / "past.csv"
    path.write_bytes(as_csv(rows, ["Kid", "When", "Type", "Narrative", "Staff"]))
    args = ["import_concerns", str(path), "--school", str(school_a.pk), "--map", "student_id=Kid"]

    call_command(*args)
    out = capsys.readouterr().out
    assert "40 concerns ready to import into School A" in out
    assert "Nothing was written" in out
    assert nothing_written()

    call_command(*args, "--confirm")
    assert "Imported 40 concerns" in capsys.readouterr().out
    assert Concern.objects.filter(school=school_a, imported_from="past.csv").count() == 40
    record = ConcernImport.objects.get()
    assert (record.status, record.started_by, record.table) == ("imported", None, {})


def test_the_command_refuses_an_unknown_school_or_field(tmp_path, school_a):
    path = tmp_path / "past.csv"
    path.write_bytes(b"a\n1\n")
    with pytest.raises(CommandError, match="No school"):
        call_command("import_concerns", str(path), "--school", "nowhere")
    with pytest.raises(CommandError, match="FIELD=Column"):
        call_command("import_concerns", str(path), "--school", school_a.sourced_id, "--map", "x=a")


# --- the browser ------------------------------------------------------------------------------


def test_a_school_admin_uploads_previews_remaps_and_confirms(client, school_a, admin_a, students):
    rows = [good_row(students, i) + ["high"] for i in range(3)]
    data = as_csv(rows, [*HEADER, "Urgency"])
    client.force_login(admin_a)
    assert client.get(reverse("concerns:import")).status_code == 200

    response = upload(client, data, school_a)
    record = ConcernImport.objects.get()
    assert response["Location"] == reverse("concerns:import_detail", args=[record.pk])
    client.post(response["Location"], {"action": "date_order", "date_order": "mdy"})
    assert (record.started_by, record.school, record.file_name) == (
        admin_a,
        school_a,
        "concerns.csv",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Import 3 concerns" in page
    assert '<th scope="row">4</th>' in page  # the preview shows spreadsheet line numbers
    assert not Concern.objects.exists()

    mapping = {f"map-{name}": column for name, column in record.mapping.items()}
    client.post(response["Location"], {**mapping, "map-severity": "Urgency", "action": "remap"})
    record.refresh_from_db()
    assert record.mapping["severity"] == "Urgency"

    client.post(response["Location"], {"action": "confirm"})
    client.post(response["Location"], {"action": "confirm"})  # a double submit
    page = client.get(response["Location"]).content.decode()
    assert "3 concerns imported" in page
    assert Concern.objects.filter(severity="high", imported_from="concerns.csv").count() == 3


def test_the_preview_lists_every_problem_and_offers_no_import(client, school_a, admin_a, student_a):
    data = as_csv([[student_a.sis_id, "someday", "Health", FORMULA, ""]] * 3)
    client.force_login(admin_a)
    response = upload(client, data, school_a)
    page = client.get(response["Location"]).content.decode()

    assert "3 problems: nothing can be imported yet" in page
    for line in (2, 3, 4):
        assert f'<th scope="row">{line}</th><td>Details</td>' in page
    assert 'value="confirm"' not in page
    client.post(response["Location"], {"action": "confirm"})
    assert nothing_written()


def test_an_unreadable_upload_gets_a_clear_message_on_the_form(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, "a,b\n".encode("utf-16"), school_a)

    assert response.status_code == 400
    assert "UTF-16" in response.content.decode()
    assert not ConcernImport.objects.exists()


def test_an_upload_is_kept_in_memory_never_in_a_temporary_file(
    client, school_a, admin_a, students, monkeypatch
):
    def no_temporary_files(*args, **kwargs):
        raise AssertionError("the upload went to a temporary file")

    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryUploadedFile", no_temporary_files)
    narrative = "x" * 4000  # 2,000 rows of this is past Django's 2.5 MB in-memory limit
    rows = [[*good_row(students, i)[:3], narrative, ""] for i in range(700)]
    client.force_login(admin_a)

    response = upload(client, as_csv(rows), school_a)

    assert response.status_code == 302
    assert ConcernImport.objects.get().row_count == 700


def test_the_upload_still_requires_the_csrf_token(school_a, admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)

    response = upload(client, as_csv([]), school_a)

    assert response.status_code == 403
    assert not ConcernImport.objects.exists()


def test_an_upload_over_20_mb_is_refused_with_a_clear_message(client, school_a, admin_a):
    client.force_login(admin_a)
    response = upload(client, b"x" * (20 * 1024 * 1024 + 10), school_a)

    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()


def test_a_school_can_only_be_one_where_the_user_may_import(client, school_a, school_b, admin_a):
    client.force_login(admin_a)
    response = upload(client, b"a\n1\n", school_b)

    assert response.status_code == 400
    assert not ConcernImport.objects.exists()


def test_another_administrators_import_is_not_found(client, school_a, admin_a):
    colleague = member(Role.SCHOOL_ADMIN, school=school_a)
    theirs = ConcernImport.objects.create(started_by=colleague, school=school_a, file_name="x")
    client.force_login(admin_a)

    url = reverse("concerns:import_detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404


def test_an_import_at_a_school_the_user_left_is_not_found(client, school_a, admin_a):
    elsewhere = SchoolFactory(district=school_a.district)
    old = ConcernImport.objects.create(started_by=admin_a, school=elsewhere, file_name="x")
    client.force_login(admin_a)

    assert client.get(reverse("concerns:import_detail", args=[old.pk])).status_code == 404


def test_a_teacher_may_not_import(client, school_a, teacher_a):
    record = ConcernImport.objects.create(started_by=teacher_a, school=school_a, file_name="x")
    client.force_login(teacher_a)

    assert client.get(reverse("concerns:import")).status_code == 403
    assert client.get(reverse("concerns:import_detail", args=[record.pk])).status_code == 403


# --- malformed input (hypothesis) -------------------------------------------------------------

HEAD = b"Student ID,Date,Category,Details,Reported by\n"
malformed = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=3000).map(lambda b: b"\xd0\xcf\x11\xe0" + b),
    st.just(b""),
    st.sampled_from([b"\n", b"\r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b",,,,\n,,,,\n"]),
    st.text(max_size=400).map(lambda t: t.encode("utf-16")),
    st.text(max_size=400).map(lambda t: t.encode("utf-16-le")),
    st.binary(max_size=400).map(lambda b: HEAD + b"S1,2024-01-01,Health,caf\xe9 \x81\x8d\x9d," + b),
    st.integers(1, 300_000).map(lambda n: HEAD + b"S1,2024-01-01,Health," + b"x" * n + b",Ms\n"),
    st.sampled_from(
        [FORMULA, "+cmd", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "=1+1", '"unclosed', "a\x00b"]
    ).map(lambda cell: HEAD + f"S1,{cell},{cell},{cell},{cell}\n".encode()),
    st.lists(st.text(max_size=30), min_size=1, max_size=6).map(
        lambda cells: HEAD + ",".join(cells).encode("utf-8", "surrogatepass")
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=malformed)
def test_malformed_files_give_a_clear_result_never_an_error_or_a_write(
    client, school_a, admin_a, student_a, data
):
    try:
        checked = legacy_import.check(data, school=school_a)
    except legacy_import.ImportFileError as error:
        assert str(error)
    else:
        assert checked.problems or not checked.rows, "no random file holds a valid concern"

    client.force_login(admin_a)
    response = upload(client, data, school_a, name="random.csv")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
        assert client.post(response["Location"], {"action": "confirm"}).status_code == 302
        assert client.get(response["Location"]).status_code == 200
    assert nothing_written()

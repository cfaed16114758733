"""Legacy spreadsheet import: 2,000 rows with exactly five bad ones (CSV and XLSX), all or
nothing, original dates and history, files that are not a readable table, and the command."""

import io
import zipfile
from datetime import datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from concerns import legacy_import
from concerns.models import Concern, ConcernImport
from support_team.models import Intake, TimelineEntry
from tests.concerns.legacy_sheets import (
    BAD,
    as_csv,
    as_xlsx,
    good_row,
    nothing_written,
    original_date,
    spreadsheet_rows,
)
from tests.factories import enrolled_student

pytestmark = pytest.mark.django_db


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

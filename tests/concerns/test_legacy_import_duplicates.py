"""Legacy import cannot duplicate (issue 15, item 6): the same file twice, rows matching
concerns already recorded, and what the user must confirm to import them anyway."""

import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from concerns import legacy_import
from concerns.models import Concern, ConcernImport
from schoolwell.models import Category, Role
from support_team.models import TimelineEntry
from tests.concerns.legacy_sheets import HEADER, as_csv, good_row, original_date, upload
from tests.factories import enrolled_student, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def students(school_a):
    return [
        enrolled_student(school_a, legal_first_name=f"Kid{n}", date_of_birth=date(2012, 1, n + 1))
        for n in range(5)
    ]


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a, first_name="Ana", last_name="Admin")


def rows(students, numbers):
    """The rows of test_legacy_import, dated YYYY-MM-DD (dates are test_legacy_import_dates')."""
    return [
        [row[0], original_date(i).isoformat(), *row[2:]]
        for i in numbers
        for row in [good_row(students, i)]
    ]


def start(admin, school, data, name="past.csv"):
    return legacy_import.concern_import_start(
        started_by=admin, school=school, file_name=name, data=data
    )


def imported(admin, school, data, **ticks):
    return legacy_import.concern_import_confirm(record=start(admin, school, data), **ticks)


# --- the same file twice ----------------------------------------------------------------------


def test_importing_the_same_file_twice_creates_no_duplicates(school_a, students, admin_a):
    data = as_csv(rows(students, range(12)))
    first = imported(admin_a, school_a, data)
    assert first.imported_count == 12
    colleague = member(Role.SCHOOL_ADMIN, school=school_a)

    second = start(colleague, school_a, data, name="renamed copy.csv")
    assert legacy_import.earlier_import(school=school_a, file_hash=second.file_hash) == first
    assert [d["line"] for d in second.duplicates] == list(range(2, 14))
    second = legacy_import.concern_import_confirm(record=second)

    assert (second.status, second.imported_count) == ("imported", 0)
    assert Concern.objects.count() == 12
    assert TimelineEntry.objects.count() == 12


def test_import_again_still_skips_rows_already_recorded_unless_those_are_ticked_too(
    school_a, students, admin_a
):
    data = as_csv(rows(students, range(4)))
    imported(admin_a, school_a, data)

    again = imported(admin_a, school_a, data, again=True)
    assert again.imported_count == 0
    assert Concern.objects.count() == 4

    both = imported(admin_a, school_a, data, again=True, include_duplicates=True)
    assert both.imported_count == 4
    assert Concern.objects.count() == 8


def test_a_file_imported_before_is_flagged_on_the_preview_with_its_date_and_importer(
    client, school_a, students, admin_a
):
    data = as_csv(rows(students, range(3)))
    first = imported(admin_a, school_a, data)
    client.force_login(admin_a)

    response = upload(client, data, school_a)
    page = client.get(response["Location"]).content.decode()

    when = first.finished_at.astimezone().strftime("%-d %B %Y")
    assert f"This file was imported on {when} by Ana Admin (3 concerns)." in page
    assert 'name="again"' in page and "Import this file again" in page
    client.post(response["Location"], {"action": "confirm"})
    assert Concern.objects.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 rows were skipped because they were already recorded." in page


def test_a_file_that_differs_by_one_byte_is_not_the_same_file(school_a, students, admin_a):
    imported(admin_a, school_a, as_csv(rows(students, range(3))))
    other = start(admin_a, school_a, as_csv(rows(students, range(3))) + b"\n")

    assert legacy_import.earlier_import(school=school_a, file_hash=other.file_hash) is None
    assert len(other.duplicates) == 3  # its rows are still caught, row by row


# --- rows matching concerns already recorded --------------------------------------------------


def test_overlapping_rows_are_flagged_line_by_line_and_skipped(school_a, students, admin_a):
    imported(admin_a, school_a, as_csv(rows(students, range(5))))
    overlap = rows(students, range(3, 8))
    overlap[0][2] = "Health; housing"  # row 3, its categories in another order and case
    overlap[1][2] = "ATTENDANCE"  # row 4, its text re-wrapped and in another case:
    overlap[1][3] = '  row 4: SEEN upset in the corridor,\n said "it\'s fine". '  # re-wrapped
    overlap.append(list(overlap[2]))  # row 5 twice in this file: line 7 repeats line 4
    changed = list(overlap[3])
    changed[2] = "Health"  # row 6 with another category: a different concern
    overlap.append(changed)

    record = start(admin_a, school_a, as_csv(overlap))

    assert [(d["line"], d["same_as"]) for d in record.duplicates] == [(2, None), (3, None), (7, 4)]
    recorded = Concern.objects.get(narrative__startswith="Row 3:")
    assert record.duplicates[0]["concern"] == recorded.pk
    assert record.duplicates[0]["student"] == students[3].display_name
    record = legacy_import.concern_import_confirm(record=record)
    assert record.imported_count == 4  # rows 5, 6, 7 and row 6 as Health
    assert Concern.objects.filter(narrative__startswith="Row 3:").count() == 1
    assert Concern.objects.filter(narrative__startswith="Row 4:").count() == 1
    assert Concern.objects.filter(narrative__startswith="Row 5:").count() == 1
    assert Concern.objects.filter(narrative__startswith="Row 6:").count() == 2


def test_confirming_import_these_anyway_imports_the_flagged_rows(
    client, school_a, students, admin_a
):
    imported(admin_a, school_a, as_csv(rows(students, range(2))))
    client.force_login(admin_a)
    response = upload(client, as_csv(rows(students, range(4))), school_a)
    page = client.get(response["Location"]).content.decode()

    assert "2 rows already recorded" in page
    assert '<th scope="row">line 2</th>' in page and "a concern already recorded" in page
    assert "Import these anyway (the 2 rows already recorded)" in page
    assert "2 new rows will be added to School A." in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an element id appears twice"
    client.post(response["Location"], {"action": "confirm", "include_duplicates": "on"})

    assert Concern.objects.count() == 6
    assert (
        ConcernImport.objects.get(pk=int(response["Location"].split("/")[-2])).imported_count == 4
    )


def test_a_concern_typed_in_schoolwell_is_matched_too(school_a, student_a, admin_a):
    concern = Concern.objects.create(
        school=school_a,
        student=student_a,
        severity="low",
        narrative="Asleep in class",
        observed_on=date(2024, 3, 4),
        created_at=date(2024, 3, 4).isoformat() + "T10:00Z",
    )
    concern.categories.set([Category.objects.get(slug="attendance")])
    data = as_csv([[student_a.sis_id, "2024-03-04", "Attendance", "asleep in class", "Mr B"]])

    record = start(admin_a, school_a, data)

    assert [d["concern"] for d in record.duplicates] == [concern.pk]


def test_a_concern_at_another_school_is_not_matched(school_a, school_b, students, admin_a):
    imported(admin_a, school_a, as_csv(rows(students, range(2))))
    Concern.objects.update(school=school_b)  # as if recorded at the student's other school

    assert start(admin_a, school_a, as_csv(rows(students, range(2)))).duplicates == []


def test_rows_that_came_to_match_since_the_preview_refuse_the_confirm(school_a, students, admin_a):
    data = as_csv(rows(students, range(3)))
    waiting = start(admin_a, school_a, data)
    imported(admin_a, school_a, data)  # a colleague's tab imported the same rows meanwhile

    with pytest.raises(legacy_import.ImportRefused, match="Since the preview"):
        legacy_import.concern_import_confirm(record=waiting, include_duplicates=True)

    waiting.refresh_from_db()
    assert (waiting.status, len(waiting.duplicates)) == ("preview", 3)
    assert Concern.objects.count() == 3


# --- the command ------------------------------------------------------------------------------


def test_the_command_refuses_a_file_imported_before_and_skips_recorded_rows(
    tmp_path, school_a, students, capsys
):
    path = tmp_path / "past.csv"
    path.write_bytes(as_csv(rows(students, range(3))))
    args = ["import_concerns", str(path), "--school", str(school_a.pk), "--confirm"]
    call_command(*args)
    assert Concern.objects.count() == 3

    with pytest.raises(CommandError, match="--again"):
        call_command(*args)
    assert "This file was imported on" in capsys.readouterr().out

    call_command(*args, "--again")
    out = capsys.readouterr().out
    assert "line 2: repeats concern #" in out
    assert "3 row(s) already recorded: skipped" in out
    assert Concern.objects.count() == 3
    call_command(*args, "--again", "--include-duplicates")
    assert Concern.objects.count() == 6


def test_the_header_alone_is_not_mistaken_for_the_same_file(school_a, admin_a):
    empty = start(admin_a, school_a, as_csv([], HEADER))
    assert empty.duplicates == []
    assert legacy_import.earlier_import(school=school_a, file_hash="") is None

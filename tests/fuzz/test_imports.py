"""The OneRoster and legacy spreadsheet imports, fed real files mutated by hypothesis (a cell,
a header name, a row dropped, doubled, cut short or lengthened): each import either succeeds
or refuses with its own error, every problem said with its file line, and a refused import
writes nothing (all or nothing). The byte-level garbage tests live beside each import's own
tests (tests/schoolwell/test_roster.py, tests/concerns/test_legacy_import.py); these start
from files that import cleanly, so a mutation lands deep in the checks."""

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from concerns import legacy_import
from concerns.models import Concern, ConcernImport
from schoolwell.models import Role, RosterImport
from schoolwell.roster import RosterError, Scope, import_path
from support_team.models import TimelineEntry
from tests.factories import enrolled_student, member
from tests.fuzz.engine import BOUNDED, GARBAGE, ODD_VALUES
from tests.fuzz.world import categories

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
FULL = SHARED / "oneroster-1.2" / "full"
ROSTER_FILES = sorted(p.name for p in FULL.glob("*.csv"))

CELL = st.one_of(GARBAGE, st.sampled_from(ODD_VALUES + ["tobedeleted", "active", "student"]))


@st.composite
def mutation(draw, n_rows: int, n_cols: int):
    """One edit of a table of n_rows rows (the header is row 0) and n_cols columns."""
    kind = draw(
        st.sampled_from(["cell", "cell", "cell", "header", "drop", "double", "cut", "grow"])
    )
    row = draw(st.integers(1, max(1, n_rows - 1)))
    col = draw(st.integers(0, n_cols - 1))
    return kind, row, col, draw(CELL)


def mutated(rows: list[list[str]], edits) -> list[list[str]]:
    rows = [list(r) for r in rows]
    for kind, row, col, value in edits:
        row = min(row, len(rows) - 1)
        if kind == "cell" and row < len(rows) and col < len(rows[row]):
            rows[row][col] = value
        elif kind == "header" and col < len(rows[0]):
            rows[0][col] = value
        elif kind == "drop" and len(rows) > 1:
            del rows[row]
        elif kind == "double":
            rows.insert(row, list(rows[row]))
        elif kind == "cut":
            rows[row] = rows[row][:col]
        elif kind == "grow":
            rows[row] = rows[row] + [value]
    return rows


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def schoolwell_rows() -> dict:
    """Every row of every schoolwell table (history and link tables included), except the
    import records: a refused import is recorded on purpose."""
    return {
        model.__name__: sorted(map(repr, model.objects.order_by().values_list()))
        for model in apps.get_app_config("schoolwell").get_models(include_auto_created=True)
        if model is not RosterImport
    }


class _Undo(Exception):
    pass


@pytest.mark.django_db
def test_a_mutated_oneroster_bundle_imports_or_is_refused_with_lines_and_nothing_written(
    tmp_path,
):
    # the same bundle already in, so a mutation is a change, not a first load
    import_path(FULL, scope=Scope.command_line())
    tables = {name: read_csv(FULL / name) for name in ROSTER_FILES}
    seen = {"imported": 0, "refused": 0}

    @BOUNDED
    @given(st.data())
    def attempt(data):
        name = data.draw(st.sampled_from(ROSTER_FILES))
        rows = tables[name]
        width = max(len(r) for r in rows)
        edits = data.draw(st.lists(mutation(len(rows), width), min_size=1, max_size=3))
        bundle = tmp_path / "bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.copytree(FULL, bundle)
        (bundle / name).write_bytes(as_csv(mutated(rows, edits)))
        try:
            with transaction.atomic():
                before = schoolwell_rows()
                try:
                    import_path(bundle, scope=Scope.command_line())
                except RosterError as refused:
                    assert refused.problems
                    for problem in refused.problems:
                        assert problem.message and problem.file
                        assert problem.line is None or 1 <= problem.line <= len(rows) + 4
                    assert schoolwell_rows() == before, "refused, yet rows changed"
                    seen["refused"] += 1
                else:
                    seen["imported"] += 1
                raise _Undo
        except _Undo:
            pass

    attempt()
    print(f"\noneroster: {seen}")
    assert sum(seen.values()) >= 10


HEADER = ["Student ID", "Date", "Category", "Details", "Reported by"]


@pytest.fixture
def legacy_school(school_a):
    categories()
    students = [
        enrolled_student(school_a, legal_first_name=f"Kid{n}", date_of_birth=date(2012, 1, n + 1))
        for n in range(4)
    ]
    rows = [HEADER] + [
        [
            s.sis_id,
            f"2024-0{n + 1}-1{n}",
            ["Housing", "Health", "housing; health"][n % 3],
            f"Row {n}: seen upset",
            f"Teacher {n}",
        ]
        for n, s in enumerate(students * 2)
    ]
    return school_a, member(Role.SCHOOL_ADMIN, school=school_a), rows


def concern_rows() -> tuple:
    return (
        Concern.objects.count(),
        Concern.history.count(),
        TimelineEntry.objects.count(),
        Concern.categories.through.objects.count(),
    )


@pytest.mark.django_db
def test_the_valid_legacy_file_the_fuzzer_mutates_imports_every_row(legacy_school):
    school, admin, rows = legacy_school
    record = legacy_import.concern_import_start(
        started_by=admin, school=school, file_name="ok.csv", data=as_csv(rows)
    )
    record = legacy_import.concern_import_confirm(record=record)
    assert record.status == ConcernImport.Status.IMPORTED, record.problems
    assert Concern.objects.count() == len(rows) - 1


@pytest.mark.django_db
def test_a_mutated_legacy_spreadsheet_imports_every_row_or_none_and_says_which_lines(
    legacy_school,
):
    school, admin, rows = legacy_school
    seen = {"imported": 0, "refused": 0, "unreadable": 0}

    @BOUNDED
    @given(st.lists(mutation(len(rows), len(HEADER)), min_size=1, max_size=3))
    def attempt(edits):
        changed = mutated(rows, edits)
        data = as_csv(changed)
        try:
            with transaction.atomic():
                before = concern_rows()
                try:
                    record = legacy_import.concern_import_start(
                        started_by=admin, school=school, file_name="x.csv", data=data
                    )
                except legacy_import.ImportFileError as error:
                    assert str(error)
                    assert concern_rows() == before
                    seen["unreadable"] += 1
                    raise _Undo from None
                for problem in record.problems:
                    assert problem["message"]
                    line = problem["line"]
                    assert line is None or 1 <= line <= len(changed) + 1, problem
                try:
                    record = legacy_import.concern_import_confirm(record=record)
                except legacy_import.ImportRefused as refusal:  # dates that read both ways
                    assert str(refusal)
                    assert concern_rows() == before, "refused, yet rows changed"
                    seen["refused"] += 1
                    raise _Undo from None
                if record.status == ConcernImport.Status.IMPORTED:
                    assert not record.problems
                    # a doubled row repeats the one above it: skipped, not imported twice
                    skipped = len(record.duplicates)
                    assert concern_rows()[0] == before[0] + record.row_count - skipped
                    seen["imported"] += 1
                else:
                    assert record.problems, "refused without a reason"
                    assert concern_rows() == before, "refused, yet rows changed"
                    seen["refused"] += 1
                raise _Undo
        except _Undo:
            pass

    attempt()
    print(f"\nlegacy: {seen}")
    assert sum(seen.values()) >= 10

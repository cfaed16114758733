"""OneRoster import refusals: all or nothing, every problem with its file and line, and
garbage in users.csv refused, never a crash, never a write."""

import codecs
import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolwell.models import RosterImport, Student
from schoolwell.roster import RosterError
from tests.schoolwell.roster_bundles import (
    FULL,
    MINIMAL,
    V11,
    copy_bundle,
    edit,
    import_path,
    refused,
    table_counts,
)

pytestmark = pytest.mark.django_db


# --- refusals: every problem, with its line, and nothing written ------------------------------


def test_an_enrollment_naming_an_unknown_user_refuses_the_whole_bundle(tmp_path, full_imported):
    bundle = copy_bundle(FULL, tmp_path)
    # line 4 is mmichel's first class enrollment (the last line, 7, has no line break)
    edit(
        bundle / "enrollments.csv",
        "usr-222-1234561232,student,false,2022-03-15,2022-06-15\r\n",
        "usr-nobody,student,false,2022-03-15,2022-06-15\r\n",
    )
    edit(bundle / "users.csv", "Anna,Brown", "Annabel,Brown")
    before = table_counts()

    problems = refused(bundle)

    assert problems == [
        "enrollments.csv line 4: userSourcedId 'usr-nobody' is not in users.csv "
        "nor already in SchoolWell"
    ]
    assert table_counts() == before
    assert Student.objects.filter(legal_first_name="Annabel").count() == 0
    record = RosterImport.objects.order_by("-pk").first()
    assert record.status == RosterImport.Status.FAILED
    assert record.errors == [
        {
            "file": "enrollments.csv",
            "line": 4,
            "message": "userSourcedId 'usr-nobody' is not in users.csv nor already in SchoolWell",
        }
    ]


def test_a_malformed_date_and_an_unknown_org_are_both_listed_with_their_lines(tmp_path):
    import_path(V11)
    bundle = copy_bundle(FULL, tmp_path)
    edit(
        bundle / "roles.csv",
        "siteAdministrator,2024-03-06,2025-09-23",
        "siteAdministrator,2024-03-06,23/09/2025",
    )
    edit(
        bundle / "roles.csv",
        "guardian,2024-03-06,2025-09-23,org-sch-222-456",
        "guardian,2024-03-06,2025-09-23,org-elsewhere",
    )
    before = table_counts()

    problems = refused(bundle)

    assert problems == [
        "roles.csv line 4: endDate '23/09/2025' is not a date (YYYY-MM-DD)",
        "roles.csv line 8: orgSourcedId 'org-elsewhere' is not a live org in orgs.csv "
        "nor in SchoolWell",
    ]
    assert table_counts() == before


def test_a_missing_required_column_is_reported_on_the_header_line(tmp_path):
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "users.csv", ",familyName,", ",surname,")

    assert refused(bundle) == [
        "users.csv line 1: the required column 'familyName' is missing from the header"
    ]
    assert table_counts() == {name: 0 for name in table_counts()}


def test_a_bad_birth_date_in_demographics_refuses_the_bundle(tmp_path):
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "demographics.csv", "2010-04-17", "2010-02-30")

    assert refused(bundle) == [
        "demographics.csv line 2: birthDate '2010-02-30' is not a date (YYYY-MM-DD)"
    ]
    assert Student.objects.count() == 0


def test_an_unknown_role_and_a_user_at_an_unknown_org_are_refused(tmp_path):
    bundle = copy_bundle(V11, tmp_path)
    edit(bundle / "users.csv", ",12345,student,", ",99999,student,")
    edit(bundle / "users.csv", ",54321,student,", ",54321,wizard,")

    assert refused(bundle) == [
        "users.csv line 2: orgSourcedIds '99999' is not a live org in orgs.csv nor in SchoolWell",
        "users.csv line 3: role 'wizard' is not a OneRoster role",
    ]


def test_a_file_the_manifest_lists_but_the_bundle_lacks_is_refused(tmp_path):
    bundle = copy_bundle(MINIMAL, tmp_path)
    (bundle / "classes.csv").unlink()

    assert refused(bundle) == [
        "manifest.csv line 7: file.classes is delta but classes.csv is not in the bundle"
    ]


# --- garbage in users.csv: refused, never a crash, never a write --------------------------------

MINIMAL_USERS = (MINIMAL / "users.csv").read_bytes()
USERS_HEADER = MINIMAL_USERS.split(b"\r\n")[0].decode()


def _with_invalid_byte(data: bytes, at: int) -> bytes:
    at = min(at, len(data))
    return data[:at] + b"\xff" + data[at:]  # 0xFF never occurs in UTF-8


def _garbled_row(values: list[str], enabled: str) -> bytes:
    """A well-quoted CSV row of random values whose enabledUser is never a boolean."""
    row = io.StringIO()
    writer = csv.writer(row, lineterminator="\r\n")
    writer.writerow(USERS_HEADER.split(","))
    writer.writerow([*values[:3], enabled, *values[4:]])
    return row.getvalue().encode("utf-8")


not_a_boolean = st.text(min_size=1, max_size=10).filter(
    lambda t: t.strip().lower() not in ("", "true", "false")
)
garbage = st.one_of(
    # bytes that are not UTF-8
    st.builds(_with_invalid_byte, st.binary(max_size=300), st.integers(0, 300)),
    # the real file, saved in another encoding with a name that is not ASCII
    st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-32"]).map(
        lambda enc: MINIMAL_USERS.decode().replace("Bruce", "Brüce").encode(enc)
    ),
    # text with no sourcedId column at all
    st.text(max_size=300)
    .filter(lambda t: "sourcedid" not in t.lower())
    .map(lambda t: t.encode("utf-8")),
    # the right header, then random values in the row
    st.builds(
        _garbled_row,
        st.lists(st.text(max_size=30), min_size=22, max_size=22),
        not_a_boolean,
    ),
    # a header cut short before givenName, then the original rows or noise
    st.builds(
        lambda cut, tail: (USERS_HEADER[:cut] + "\r\n" + tail).encode("utf-8"),
        st.integers(0, USERS_HEADER.index("givenName")),
        st.text(max_size=200),
    ),
    # the real file with a BOM, broken by a NUL byte or a quote that never closes
    st.sampled_from([(b"Bruce", b"Bru\x00ce"), (b",Bruce,", b',"Bruce,')]).map(
        lambda swap: codecs.BOM_UTF8 + MINIMAL_USERS.replace(*swap)
    ),
)


@pytest.fixture
def minimal_copy(tmp_path) -> Path:
    import_path(V11)  # something already in the tables, so "unchanged" is not "empty"
    return copy_bundle(MINIMAL, tmp_path)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=garbage)
def test_a_garbled_users_file_is_refused_with_nothing_written(minimal_copy, content):
    (minimal_copy / "users.csv").write_bytes(content)
    before = table_counts()

    with pytest.raises(RosterError) as caught:
        import_path(minimal_copy)

    assert caught.value.problems
    assert all(problem.message for problem in caught.value.problems)
    assert table_counts() == before

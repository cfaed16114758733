"""OneRoster import: the shared real-world samples, all-or-nothing refusals with line
numbers, idempotency down to history rows, withdrawals, zips, the command, and garbage."""

import codecs
import csv
import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolwell import roster
from schoolwell.management.commands.import_oneroster import ProgressDisplay
from schoolwell.models import (
    District,
    Enrollment,
    Guardian,
    Membership,
    Role,
    RosterImport,
    School,
    Student,
    User,
)
from schoolwell.roster import RosterError

REPO = next(p for p in Path(__file__).resolve().parents if (p / "manage.py").exists())
SHARED = REPO / ".." / "shared" / "data"
V11 = SHARED / "oneroster-1.1"
FULL = SHARED / "oneroster-1.2" / "full"
MINIMAL = SHARED / "oneroster-1.2" / "minimal"

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------------


def import_path(path, **kwargs) -> RosterImport:
    """The import as the command line runs it: the whole site is in scope (who may import
    what is tests/schoolwell/test_roster_scope*.py)."""
    return roster.import_path(path, scope=roster.Scope.command_line(), **kwargs)


def table_counts() -> dict[str, int]:
    """Rows in every schoolwell table, history and link tables included, except the import
    records themselves (a refused import is recorded on purpose)."""
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("schoolwell").get_models(include_auto_created=True)
        if model is not RosterImport
    }


def copy_bundle(sample: Path, tmp_path: Path, name: str = "bundle") -> Path:
    target = tmp_path / name
    shutil.copytree(sample, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a bundle file, keeping its bytes otherwise as they were."""
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def drop_rows(path: Path, *sourced_ids: str) -> None:
    """Remove the rows whose sourcedId or userSourcedId is one of these."""
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not any(f"{sid}," in line for sid in sourced_ids)]
    path.write_bytes("".join(kept).encode("utf-8"))


def make_delta(bundle: Path) -> None:
    edit(bundle / "manifest.csv", ",bulk", ",delta", count=6)


def refused(path: Path) -> list[str]:
    with pytest.raises(RosterError) as caught:
        import_path(path)
    return [str(problem) for problem in caught.value.problems]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, prefix + file.name)
    return target


@pytest.fixture
def full_imported() -> RosterImport:
    return import_path(FULL)


# --- the shared samples -----------------------------------------------------------------------


def test_the_1_1_sample_imports_two_schools_sharing_a_district_and_two_students():
    record = import_path(V11)

    assert record.status == RosterImport.Status.DONE
    assert (District.objects.count(), School.objects.count()) == (1, 2)
    school_1 = School.objects.get(sourced_id="12345")
    school_2 = School.objects.get(sourced_id="54321")
    # School 1's parent is School 2 and no district is in the bundle: one district for both,
    # named after the top school.
    assert school_1.district == school_2.district
    assert school_2.district.name == "School 2"
    assert (school_1.identifier, school_2.identifier) == ("my identifier", "my identifier 2")
    students = {s.sourced_id: s for s in Student.objects.all()}
    assert set(students) == {"user1", "user2"}
    assert students["user1"].sis_id == "user identifier"
    assert (students["user1"].legal_first_name, students["user1"].legal_last_name) == (
        "ionut",
        "padurariu",
    )
    assert students["user1"].user is None  # no e-mail address, so no sign-in account
    enrollments = {(e.student.sourced_id, e.school.sourced_id) for e in Enrollment.objects.all()}
    assert enrollments == {("user1", "12345"), ("user2", "54321")}
    assert (User.objects.count(), Membership.objects.count(), Guardian.objects.count()) == (0, 0, 0)


def test_the_1_2_full_sample_imports_staff_students_their_accounts_and_a_guardian():
    import_path(FULL)

    # The only org is a department whose parent is outside the bundle: it becomes a school.
    school = School.objects.get()
    assert (school.sourced_id, school.name, school.identifier) == (
        "org-sch-222-456",
        "History Department",
        "History",
    )
    assert school.district.name == "History Department"
    students = {s.sourced_id: s for s in Student.objects.select_related("user")}
    assert set(students) == {
        "usr-222-66778899",  # Mary: student in roles.csv
        "usr-222-1234561232",  # mmichel: roles.csv and enrollments
        "usr-222-567891",  # Anna: roles.csv
        "usr-222-987654",  # Jim: a student in enrollments.csv although a teacher in roles.csv
    }
    mary = students["usr-222-66778899"]
    assert (mary.preferred_name, mary.grade, mary.sis_id) == ("MJ", "12", "mary.jones")
    assert mary.user.email == "mary.jones@myschool.com"
    assert not mary.user.has_usable_password()
    assert Enrollment.objects.filter(end_date__isnull=True).count() == 4
    assert students["usr-222-1234561232"].enrollments.get().start_date == date(2022, 3, 15)
    memberships = {(m.user.username, m.role) for m in Membership.objects.select_related("user")}
    assert memberships == {
        ("john.doe@myschool.com", Role.TEACHER),
        ("jim.smith@myschool.com", Role.TEACHER),
        ("jim.smith@myschool.com", Role.STUDENT),
        ("thomas.jones@testemail.com", Role.SCHOOL_ADMIN),  # siteAdministrator
        ("mary.jones@myschool.com", Role.STUDENT),
        ("mmichel.jones2@myschool.com", Role.STUDENT),
        ("anna.brown@myschool.com", Role.STUDENT),
    }
    assert User.objects.count() == 6
    guardian = Guardian.objects.get()
    assert (guardian.sourced_id, guardian.relationship) == ("usr-222-123456", "guardian")
    assert {s.sourced_id for s in guardian.students.all()} == {
        "usr-222-66778899",
        "usr-222-1234561232",
        "usr-222-987654",
    }


def test_the_1_2_minimal_delta_sample_imports_one_student_with_a_birth_date():
    record = import_path(MINIMAL)

    assert record.summary["files"]["users"] == "delta"
    student = Student.objects.get()
    assert (student.sourced_id, student.sis_id, student.date_of_birth) == (
        "USER_0",
        "bruce.wayne",
        date(2010, 4, 17),
    )
    assert student.district.name == "Gotham High School"
    assert student.enrollments.get().school.name == "Gotham High School"
    assert (User.objects.count(), Membership.objects.count()) == (0, 0)


@pytest.mark.parametrize("sample", [V11, FULL, MINIMAL], ids=["1.1", "1.2-full", "1.2-minimal"])
def test_importing_the_same_bundle_again_writes_no_rows_and_no_history(sample):
    import_path(sample)
    after_first = table_counts()

    second = import_path(sample)

    assert table_counts() == after_first
    assert after_first["HistoricalStudent"] > 0
    for kind, counts in second.summary.items():
        if isinstance(counts, dict) and "created" in counts:
            assert counts["created"] == counts["updated"] == 0, kind


def test_an_administrator_at_a_district_org_is_a_district_admin_there(tmp_path):
    bundle = copy_bundle(FULL, tmp_path)
    with (bundle / "orgs.csv").open("ab") as orgs:
        orgs.write(b"\r\ndst-9,active,2023-05-01,Riverbend Unified,district,RU,")
    edit(
        bundle / "roles.csv",
        "siteAdministrator,2024-03-06,2025-09-23,org-sch-222-456",
        "siteAdministrator,2024-03-06,2025-09-23,dst-9",
    )

    import_path(bundle)

    district = District.objects.get()
    assert (district.sourced_id, district.name) == ("dst-9", "Riverbend Unified")
    # The department's parent is outside the bundle: it joins the bundle's only district.
    assert School.objects.get().district == district
    admin = Membership.objects.get(user__email="thomas.jones@testemail.com")
    assert (admin.role, admin.district, admin.school) == (Role.DISTRICT_ADMIN, district, None)


def test_a_teacher_without_email_gets_an_account_named_by_sourced_id(tmp_path):
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "roles.csv", "primary,student", "primary,teacher")
    edit(bundle / "enrollments.csv", "USER_0,student", "USER_0,teacher")

    import_path(bundle)

    teacher = User.objects.get()
    # The address cannot receive mail (.invalid): a person adds the real one before sign-in.
    assert (teacher.username, teacher.email) == ("USER_0", "user_0@roster.invalid")
    assert not teacher.has_usable_password()
    assert Membership.objects.get().role == Role.TEACHER
    assert Student.objects.count() == 0


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


# --- withdrawals --------------------------------------------------------------------------------


def test_a_student_missing_from_a_bulk_import_has_their_enrollment_ended_not_deleted(
    tmp_path, full_imported
):
    bundle = copy_bundle(FULL, tmp_path)
    drop_rows(bundle / "users.csv", "usr-222-567891")
    drop_rows(bundle / "roles.csv", "rol-321-3211")

    record = import_path(bundle)

    anna = Enrollment.objects.get(student__sourced_id="usr-222-567891")
    assert anna.end_date == timezone.localdate()
    assert anna.exit_reason.startswith("Not in the OneRoster bulk import")
    assert Membership.objects.get(user__email="anna.brown@myschool.com").active is False
    assert Enrollment.objects.filter(end_date__isnull=True).count() == 3
    assert record.summary["enrollments"]["ended"] == 1
    assert anna.history.count() == 2


def test_a_delta_deleting_the_enrollment_and_the_role_ends_the_enrollment(tmp_path):
    import_path(MINIMAL)
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "enrollments.csv", "ENROLLMENT_001,active", "ENROLLMENT_001,tobedeleted")
    edit(bundle / "roles.csv", "ROLE_8,active", "ROLE_8,tobedeleted")

    import_path(bundle)

    enrollment = Enrollment.objects.get()
    # No endDate on the row: the enrollment ends when its class's term (ACAD_SESS_1) ended.
    assert enrollment.end_date == date(2024, 1, 26)
    assert "tobedeleted" in enrollment.exit_reason
    assert Student.objects.get().active is True


def test_a_delta_deleting_one_class_enrollment_keeps_the_school_enrollment_of_a_live_role(
    tmp_path,
):
    import_path(MINIMAL)
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "enrollments.csv", "ENROLLMENT_001,active", "ENROLLMENT_001,tobedeleted")

    import_path(bundle)

    assert Enrollment.objects.get().end_date is None


def test_a_user_deleted_in_a_delta_loses_sign_in_membership_and_enrollment(tmp_path, full_imported):
    bundle = copy_bundle(FULL, tmp_path)
    make_delta(bundle)
    edit(bundle / "users.csv", "usr-222-567891,active", "usr-222-567891,tobedeleted")

    import_path(bundle)

    anna = Student.objects.select_related("user").get(sourced_id="usr-222-567891")
    assert (anna.active, anna.user.is_active) == (False, False)
    assert anna.enrollments.get().end_date == timezone.localdate()
    assert Membership.objects.get(user=anna.user).active is False
    assert Enrollment.objects.filter(end_date__isnull=True).count() == 3


def test_a_teacher_deleted_in_a_delta_is_switched_off_even_without_their_role_rows(
    tmp_path, full_imported
):
    bundle = copy_bundle(FULL, tmp_path)
    make_delta(bundle)
    edit(bundle / "users.csv", "usr-222-123456,active", "usr-222-123456,tobedeleted")
    drop_rows(bundle / "roles.csv", "rol-123-1234", "rol-333-9898")
    drop_rows(bundle / "enrollments.csv", "enr-t-222-12345-123456", "enr-t-222-12345-123232")

    import_path(bundle)

    john = User.objects.get(email="john.doe@myschool.com")
    assert john.is_active is False
    assert Membership.objects.get(user=john).active is False
    assert Membership.objects.filter(active=True).count() == 6


def test_a_changed_name_updates_only_that_student_with_one_history_row(tmp_path, full_imported):
    bundle = copy_bundle(FULL, tmp_path)
    edit(bundle / "users.csv", "Anna,Brown", "Anna,Browne")
    before = table_counts()

    record = import_path(bundle)

    assert Student.objects.get(sourced_id="usr-222-567891").legal_last_name == "Browne"
    assert User.objects.get(email="anna.brown@myschool.com").last_name == "Browne"
    after = table_counts()
    assert after["HistoricalStudent"] == before["HistoricalStudent"] + 1
    assert after["HistoricalUser"] == before["HistoricalUser"] + 1
    assert after["HistoricalEnrollment"] == before["HistoricalEnrollment"]
    assert record.summary["students"] == {"created": 0, "updated": 1, "unchanged": 3}


# --- zips, uploads, the command, progress -------------------------------------------------------


def test_a_zip_bundle_imports_like_its_folder_even_one_folder_down(tmp_path):
    archive = zip_folder(FULL, tmp_path / "export.zip", prefix="export-2026/")

    record = import_path(archive)

    assert record.source_name == "export.zip"
    assert (Student.objects.count(), Membership.objects.count()) == (4, 7)


def test_a_zip_with_a_parent_directory_member_is_refused(tmp_path):
    archive = zip_folder(MINIMAL, tmp_path / "slip.zip")
    with zipfile.ZipFile(archive, "a") as append:
        append.writestr("../../outside.csv", "sourcedId\r\n")

    assert refused(archive) == [
        "slip.zip: member '../../outside.csv' has an unsafe path; refusing the zip"
    ]
    assert Student.objects.count() == 0


def test_the_command_prints_each_problem_as_file_line_and_exits_non_zero(tmp_path):
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "enrollments.csv", "USER_0,student", "USER_9,student")
    edit(bundle / "demographics.csv", "2010-04-17", "17/04/2010")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_oneroster", str(bundle), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "demographics.csv line 2: birthDate '17/04/2010' is not a date (YYYY-MM-DD)",
        "enrollments.csv line 2: userSourcedId 'USER_9' is not in users.csv "
        "nor already in SchoolWell",
    ]
    assert Student.objects.count() == 0


def test_the_command_reports_each_stage_and_what_changed():
    out = io.StringIO()

    call_command("import_oneroster", str(FULL), stdout=out)

    text = out.getvalue()
    assert "users.csv: 6 in" in text
    assert "students: 4 created, 0 updated, 0 unchanged" in text
    assert "\r" not in text  # not a terminal: no bar redrawn in place


def test_the_progress_display_draws_a_bar_on_a_terminal():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=True)

    display("users.csv", 25000, 50000)
    display("users.csv", 50000, 50000)

    assert f"\rusers.csv{' ' * 15} [{'#' * 15}{' ' * 15}] 25000/50000" in out.getvalue()
    assert f"[{'#' * 30}] 50000/50000\n" in out.getvalue()


def test_the_progress_callback_hears_every_file_and_write_stage():
    heard: list[tuple[str, int, int]] = []

    import_path(FULL, progress=lambda stage, done, total: heard.append((stage, done, total)))

    assert ("users.csv", 6, 6) in heard
    assert ("enrollments.csv", 6, 6) in heard
    assert ("students (new)", 4, 4) in heard


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

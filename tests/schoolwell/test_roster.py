"""OneRoster import: the shared real-world samples, idempotency down to history rows, zips,
the command and its progress."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

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
from tests.schoolwell.roster_bundles import (
    FULL,
    MINIMAL,
    V11,
    copy_bundle,
    edit,
    import_path,
    refused,
    table_counts,
    zip_folder,
)

pytestmark = pytest.mark.django_db


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

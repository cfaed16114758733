"""Who may import what (schoolwell/roster/scope.py, fence.py): what a school administrator's
and a district administrator's bundle may and may not change, beyond the filed attacks in
test_roster_scope.py."""

from datetime import date

import pytest
from django.utils import timezone

from schoolwell.models import (
    Enrollment,
    Guardian,
    Membership,
    Role,
    RosterImport,
    School,
    Student,
    User,
)
from schoolwell.roster import RosterError, Scope, import_path
from schoolwell.roster.records import DbPeople, Plan
from schoolwell.roster.write import Writer
from schoolwell.tasks import roster_import_task
from tests.factories import (
    DistrictFactory,
    EnrollmentFactory,
    GuardianFactory,
    SchoolFactory,
    UserFactory,
    enrolled_student,
    member,
)
from tests.schoolwell.oneroster import (
    enrollment,
    files,
    klass,
    org,
    person,
    role,
    write_folder,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return DistrictFactory(sourced_id="dst-1", name="Riverbend Unified")


@pytest.fixture
def alder(district):
    return SchoolFactory(district=district, sourced_id="sch-a", name="Alder School")


@pytest.fixture
def birch(district):
    return SchoolFactory(district=district, sourced_id="sch-b", name="Birch School")


@pytest.fixture
def alder_scope(alder):
    return Scope.for_user(member(Role.SCHOOL_ADMIN, school=alder))


def run(tmp_path, scope: Scope, mode: str = "delta", **tables) -> RosterImport:
    bundle = write_folder(
        tmp_path / f"bundle-{RosterImport.objects.count()}", files(mode, **tables)
    )
    return import_path(bundle, scope=scope)


def refused(tmp_path, scope: Scope, mode: str = "delta", **tables) -> list[str]:
    with pytest.raises(RosterError) as caught:
        run(tmp_path, scope, mode, **tables)
    return [str(problem) for problem in caught.value.problems]


def open_at(school: School) -> int:
    return Enrollment.objects.filter(school=school, end_date__isnull=True).count()


# --- what a school's own bundle does ----------------------------------------------------------


def test_a_school_admins_bulk_bundle_updates_their_school_and_ends_only_enrollments_there(
    tmp_path, alder, birch, alder_scope
):
    gone = enrolled_student(alder)
    theirs = enrolled_student(birch)

    record = run(
        tmp_path,
        alder_scope,
        "bulk",
        orgs=[
            org("dst-1", "Riverbend Unified", "district"),  # unchanged: carried, not written
            org("sch-a", "Alder Community School", parent="dst-1"),
        ],
        users=[person("stu-1", "Ann", "Ash", email="ann@alder.example", org="sch-a")],
        roles=[role("r1", "stu-1", "student", "sch-a")],
    )

    assert record.summary["scope"] == "Alder School"
    alder.refresh_from_db()
    assert alder.name == "Alder Community School"
    ann = Student.objects.get(sourced_id="stu-1")
    assert ann.district == alder.district and ann.user.email == "ann@alder.example"
    assert Enrollment.objects.get(student=gone).end_date == timezone.localdate()
    assert Enrollment.objects.get(student=theirs).end_date is None


def test_a_school_admin_may_not_change_their_districts_row(tmp_path, alder_scope):
    problems = refused(
        tmp_path, alder_scope, orgs=[org("dst-1", "Riverbend Unified School District", "district")]
    )

    assert problems[0].startswith("orgs.csv line 2: district 'dst-1': only a district")


def test_a_school_admin_may_not_add_a_school_nor_list_another_even_as_a_department(
    tmp_path, alder_scope, birch
):
    elsewhere = SchoolFactory(sourced_id="sch-far")
    problems = refused(
        tmp_path,
        alder_scope,
        orgs=[
            org("sch-new", "New School", parent="dst-1"),
            org("sch-far", elsewhere.name),
            org("sch-b", "Birch School", "department", parent="sch-a"),
        ],
    )

    assert problems == [
        "orgs.csv line 2: school 'sch-new' is not in SchoolWell: only a district "
        "administrator's import may add a school",
        "orgs.csv line 3: school 'sch-far': this import may change only Alder School",
        "orgs.csv line 4: school 'sch-b': this import may change only Alder School",
    ]
    assert not School.objects.filter(sourced_id="sch-new").exists()


def test_a_class_or_an_enrollment_at_another_school_is_refused_with_its_line(
    tmp_path, alder_scope, birch
):
    problems = refused(
        tmp_path,
        alder_scope,
        users=[person("stu-1", "Ann", "Ash")],
        classes=[klass("c-a", "sch-a"), klass("c-b", "sch-b")],
        enrollments=[
            enrollment("e1", "c-a", "sch-a", "stu-1", "student"),
            enrollment("e2", "c-b", "sch-b", "stu-1", "student"),
        ],
    )

    assert problems == [
        "classes.csv line 3: class 'c-b' is at 'sch-b': this import may change only Alder School",
        "enrollments.csv line 3: student at 'sch-b': this import may change only Alder School",
    ]
    assert not Student.objects.exists()


# --- people who are also elsewhere --------------------------------------------------------------


def test_a_teacher_at_two_schools_may_be_listed_unchanged_but_not_renamed(
    tmp_path, alder, birch, alder_scope
):
    teacher = UserFactory(first_name="Lee", last_name="Oak")
    for school in (alder, birch):
        Membership.objects.create(user=teacher, role=Role.TEACHER, school=school, sourced_id="t1")
    row = person("t1", "Lee", "Oak", email=teacher.email)
    tables = {"users": [row], "roles": [role("r1", "t1", "teacher", "sch-a")]}

    run(tmp_path, alder_scope, **tables)
    tables["users"] = [person("t1", "Lee", "Birch", email=teacher.email)]
    problems = refused(tmp_path, alder_scope, **tables)

    assert problems == [
        "users.csv line 2: this would change the last_name of an account that is not only at "
        "Alder School; only a district administrator's import may do that"
    ]
    teacher.refresh_from_db()
    assert teacher.last_name == "Oak"


def test_a_used_accounts_address_is_not_changed_even_by_its_own_schools_import(
    tmp_path, alder, alder_scope
):
    used, unused = UserFactory(last_login=timezone.now()), UserFactory()
    for n, account in enumerate((used, unused)):
        Membership.objects.create(user=account, role=Role.TEACHER, school=alder, sourced_id=f"t{n}")
    rows = [
        person(f"t{n}", a.first_name, a.last_name, email=f"new{n}@alder.example")
        for n, a in enumerate((used, unused))
    ]

    problems = refused(tmp_path, alder_scope, users=rows)
    assert problems == [
        "users.csv line 2: this would change the e-mail address of an account that has been "
        "signed in to: whoever holds the new address could take the account over; only the "
        "import run on the server (manage.py import_oneroster) may do that"
    ]

    run(tmp_path, alder_scope, users=rows[1:])  # never signed in: the roster corrects it
    unused.refresh_from_db()
    assert unused.email == "new1@alder.example"
    used.refresh_from_db()
    assert used.email != "new0@alder.example"


def test_a_staff_account_is_nobody_schools_to_change(tmp_path, alder, alder_scope):
    staff = UserFactory(is_staff=True)
    Membership.objects.create(user=staff, role=Role.TEACHER, school=alder, sourced_id="t1")

    problems = refused(
        tmp_path, alder_scope, users=[person("t1", "Eve", "Admin", email=staff.email)]
    )

    assert problems[0].startswith("users.csv line 2: this would change the first_name, last_name")


def test_a_student_enrolled_at_another_school_cannot_be_enrolled_here(
    tmp_path, alder, birch, alder_scope
):
    theirs = enrolled_student(birch, sourced_id="stu-b")
    tables = {"roles": [role("r1", "stu-b", "student", "sch-a")]}

    problems = refused(tmp_path, alder_scope, **tables)

    assert problems == [
        "roles.csv line 2: student 'stu-b' is enrolled at a school outside Alder School: a move "
        "between schools waits until that school has ended the enrollment, or is the district "
        "administrator's import to make"
    ]
    Enrollment.objects.filter(student=theirs).update(end_date=date(2026, 6, 30))
    tables["users"] = [person("stu-b", theirs.legal_first_name, "Moved", identifier=theirs.sis_id)]
    run(tmp_path, alder_scope, **tables)  # once Birch has ended it, Alder takes them on
    theirs.refresh_from_db()
    assert theirs.legal_last_name == "Moved"
    assert open_at(alder) == 1


def test_a_withdrawn_student_at_two_schools_stays_enrolled_at_the_other(
    tmp_path, alder, birch, alder_scope
):
    both = enrolled_student(alder, sourced_id="stu-ab")
    EnrollmentFactory(student=both, school=birch)

    problems = refused(
        tmp_path,
        alder_scope,
        users=[person("stu-ab", both.legal_first_name, both.legal_last_name, status="tobedeleted")],
    )

    assert problems[0].startswith("users.csv line 2: this would change the active of student")
    assert open_at(birch) == 1 and Student.objects.get(pk=both.pk).active


def test_a_guardian_cannot_be_linked_to_another_schools_student_nor_unlinked_from_one(
    tmp_path, alder, birch, alder_scope
):
    mine = enrolled_student(alder, sourced_id="stu-a")
    theirs = enrolled_student(birch, sourced_id="stu-b")
    parent = GuardianFactory(
        sourced_id="g1", first_name="Sam", last_name="Kin", relationship="parent"
    )
    parent.students.add(mine, theirs)
    me = person("stu-a", mine.legal_first_name, mine.legal_last_name, identifier=mine.sis_id)
    guardian = person("g1", "Sam", "Kin", agents="stu-b")
    tables = {
        "users": [me, guardian],
        "roles": [role("r1", "stu-a", "student", "sch-a"), role("r2", "g1", "parent", "sch-a")],
    }
    newcomer = enrolled_student(birch, sourced_id="stu-c")
    tables["users"][1] = person("g1", "Sam", "Kin", agents="stu-c")

    problems = refused(tmp_path, alder_scope, "bulk", **tables)
    assert problems == [
        "users.csv line 3: this would make 'g1' a guardian of student 'stu-c', who is not only "
        "at Alder School"
    ]

    tables["users"][1] = person("g1", "Sam", "Kin", agents="stu-a")
    run(tmp_path, alder_scope, "bulk", **tables)  # a bulk users file, naming only Alder's child
    assert set(Guardian.objects.get().students.all()) == {mine, theirs}
    assert not newcomer.guardians.exists()


# --- district administrators, the task, and the writes' own guard -----------------------------


def test_a_district_admin_may_add_a_school_to_their_district_but_not_to_another(
    tmp_path, district, alder
):
    scope = Scope.for_user(member(Role.DISTRICT_ADMIN, district=district))
    other = DistrictFactory(sourced_id="dst-2")
    SchoolFactory(district=other, sourced_id="sch-z")

    problems = refused(
        tmp_path, scope, orgs=[org("sch-new", "Cedar", parent="dst-1"), org("sch-z", "Zed")]
    )
    assert problems == [
        "orgs.csv line 3: school 'sch-z': this import may change only Riverbend Unified"
    ]

    run(tmp_path, scope, orgs=[org("sch-new", "Cedar School", parent="dst-1")])
    assert School.objects.get(sourced_id="sch-new").district == district


def test_a_queued_upload_uses_the_uploaders_roles_when_it_runs(tmp_path, alder):
    head = member(Role.SCHOOL_ADMIN, school=alder)
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(
        zip_bytes(
            files(users=[person("t1", "Lee", "Oak")], roles=[role("r1", "t1", "teacher", "sch-a")])
        )
    )
    Membership.objects.filter(user=head).update(active=False)  # demoted after uploading
    record = RosterImport.objects.create(source_name="b", started_by=head)

    roster_import_task.call(record.pk, str(bundle))

    record.refresh_from_db()
    assert record.status == RosterImport.Status.FAILED
    assert record.errors == [
        {
            "file": "b.zip",
            "line": None,
            "message": "whoever started this import administers no school or district (any "
            "more), so it may change nothing: nothing was imported",
        }
    ]
    assert not User.objects.filter(username="t1").exists()


def test_the_writes_end_nothing_outside_the_scope_whatever_the_plan_says(alder, birch):
    theirs = enrolled_student(birch)
    Membership.objects.create(user=UserFactory(), role=Role.TEACHER, school=birch, sourced_id="t-b")
    plan = Plan(bulk_schools={"sch-b"}, bulk_orgs={("school", "sch-b")})
    scope = Scope.for_user(member(Role.SCHOOL_ADMIN, school=alder))
    writer = Writer(
        plan,
        DbPeople(),
        scope=scope,
        user=None,
        reason="test",
        today=date(2026, 1, 5),
        progress=None,
    )

    writer.run()

    assert Enrollment.objects.get(student=theirs).end_date is None
    assert Membership.objects.get(sourced_id="t-b").active

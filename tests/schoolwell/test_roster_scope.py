"""A roster import changes only what its uploader governs: the attacks filed in issue 14,
each through the upload page a school administrator uses, and the e-mail rule."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from schoolwell import tasks as roster_tasks
from schoolwell.models import Enrollment, Membership, Role, RosterImport, Student, User
from tests.factories import (
    DistrictFactory,
    EnrollmentFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    enrolled_student,
    member,
)
from tests.schoolwell.oneroster import files, org, person, role, write_folder, zip_bytes

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


def verified(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def head(client, alder, monkeypatch, tmp_path):
    """Alder's school administrator, signed in, with a verified address (so that what stops
    each attack below is the scope, not the e-mail rule)."""
    monkeypatch.setattr(roster_tasks, "UPLOAD_DIR", tmp_path / "uploads")
    admin = verified(member(Role.SCHOOL_ADMIN, school=alder, email="head@alder.example"))
    client.force_login(admin)
    return admin


def upload(client, members: dict[str, bytes]) -> RosterImport:
    client.post(
        reverse("roster_import"),
        {"bundle": SimpleUploadedFile("roster.zip", zip_bytes(members))},
    )
    return RosterImport.objects.latest("pk")


def refusals(record: RosterImport) -> list[str]:
    assert record.status == RosterImport.Status.FAILED, record.summary
    return [f"{e['file']} line {e['line']}: {e['message']}" for e in record.errors]


def head_row(head: User, org: str = "sch-a"):
    return person("adm-1", head.first_name, head.last_name, email=head.email, org=org)


# --- the attacks, as filed ----------------------------------------------------------------------


def test_a_school_admin_cannot_make_themselves_district_administrator(client, head, district):
    record = upload(
        client,
        files(
            orgs=[org("dst-1", "Riverbend Unified", "district"), org("sch-a", "Alder School")],
            users=[head_row(head)],
            roles=[
                role("r1", "adm-1", "administrator", "sch-a"),
                role("r2", "adm-1", "districtAdministrator", "dst-1"),
            ],
        ),
    )

    problems = refusals(record)
    assert any(p.startswith("roles.csv line 3: ") and "district" in p for p in problems)
    assert not Membership.objects.filter(user=head, role=Role.DISTRICT_ADMIN).exists()
    assert Membership.objects.filter(user=head).count() == 1


def test_a_school_admin_cannot_give_anyone_a_role_at_another_school(client, head, birch):
    record = upload(
        client,
        files(
            users=[head_row(head)],
            roles=[
                role("r1", "adm-1", "administrator", "sch-a"),
                role("r2", "adm-1", "teacher", "sch-b"),
            ],
        ),
    )

    assert any(p.startswith("roles.csv line 3: ") for p in refusals(record))
    assert not Membership.objects.filter(school=birch).exists()


def test_a_school_admin_cannot_rename_and_re_mail_another_schools_student(client, head, birch):
    kid = UserFactory(email="kid@birch.example")
    student = StudentFactory(district=birch.district, sourced_id="stu-b", user=kid)
    EnrollmentFactory(student=student, school=birch)
    Membership.objects.create(user=kid, role=Role.STUDENT, school=birch, sourced_id="stu-b")

    record = upload(
        client,
        files(users=[person("stu-b", "Mallory", "Owned", email="mallory@evil.example")]),
    )

    assert any(p.startswith("users.csv line 2: ") for p in refusals(record))
    kid.refresh_from_db()
    student.refresh_from_db()
    assert (kid.email, kid.username) == ("kid@birch.example", "kid@birch.example")
    assert student.legal_first_name == "Jordan"
    # ... so the password reset the attack ended with reaches nobody at the new address.
    Client().post(reverse("account_reset_password"), {"email": "mallory@evil.example"})
    assert not [m for m in mail.outbox if "mallory@evil.example" in m.to]


@pytest.mark.parametrize("how", ["the other school's org row", "withdrawals at the other school"])
def test_a_school_admins_bulk_file_cannot_end_enrollments_at_another_school(
    client, head, alder, birch, how
):
    theirs = [enrolled_student(birch) for _ in range(3)]
    tables = {
        "orgs": [org("sch-a", "Alder School", parent="dst-1")],
        "users": [person("stu-a1", "Ann", "Ash", org="sch-a")],
        "roles": [role("r1", "stu-a1", "student", "sch-a")],
    }
    if how == "the other school's org row":
        tables["orgs"].append(org("sch-b", "Birch School", parent="dst-1"))
    else:
        tables["roles"] += [
            role(f"w{i}", s.sourced_id, "student", "sch-b", status="tobedeleted")
            for i, s in enumerate(theirs)
        ]

    record = upload(client, files(mode="bulk", **tables))

    assert refusals(record)
    assert Enrollment.objects.filter(school=birch, end_date__isnull=True).count() == 3
    assert not Student.objects.filter(sourced_id="stu-a1").exists()


def test_the_roster_never_attaches_a_role_to_an_account_through_an_unverified_address(
    tmp_path, alder
):
    # Someone put an address that is not theirs on their account: the new teacher's.
    squatter = UserFactory(email="new.hire@alder.example")
    bundle = write_folder(
        tmp_path / "bundle",
        files(
            users=[person("t-9", "Nia", "Hire", email="new.hire@alder.example")],
            roles=[role("r1", "t-9", "teacher", "sch-a")],
        ),
    )

    with pytest.raises(CommandError):
        call_command("import_oneroster", str(bundle))

    assert not Membership.objects.filter(user=squatter).exists()
    record = RosterImport.objects.get()
    assert refusals(record) == [
        "users.csv line 2: the SchoolWell account with the e-mail address "
        "'new.hire@alder.example' has not verified it, so the roster will not give it roles; "
        "verify the address in the admin (E-mail addresses) or change that account's address"
    ]


def test_an_account_that_verified_its_address_is_given_the_roster_role(tmp_path, alder):
    teacher = verified(UserFactory(email="new.hire@alder.example"))
    bundle = write_folder(
        tmp_path / "bundle",
        files(
            users=[person("t-9", "Nia", "Hire", email="new.hire@alder.example")],
            roles=[role("r1", "t-9", "teacher", "sch-a")],
        ),
    )

    call_command("import_oneroster", str(bundle))

    assert Membership.objects.get(user=teacher).role == Role.TEACHER

"""The write matrix's world: at school A and at school B (same district) one object of every
kind a POST route acts on, each in the state its route needs, and one user of every role at
school A. Built once per test module inside a transaction that is rolled back at the end
(`module_world`); each test runs in its own savepoint on top, so it starts from this state.

Tests must use only the ids of these objects (the instances are shared between tests and go
stale as soon as a test changes a row): hooks re-read what they change."""

import datetime
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale

from community_links.models import Organization, Resource
from community_links.services.referrals import referral_link_token, referral_send
from concerns import legacy_import
from concerns.services import concern_create
from schoolwell.models import Category, Discipline, Enrollment, Role, Service
from self_report import demo as self_report_demo
from support_team.models import Note
from support_team.services import intake_open
from support_team.services.cases import (
    case_member_add,
    case_open_or_join,
    follow_up_add,
    goal_add,
    intervention_add,
    note_add,
)
from support_team.transfers import exchange, keys
from support_team.transfers.models import PeerDistrict
from support_team.transfers.services import (
    packet_accept,
    packet_acknowledge,
    packet_approve,
    packet_draft,
    packet_send_within_district,
)
from tests.factories import SchoolFactory, StudentFactory, enrolled_student, member
from tests.role_matrix.roles import PARTNER_ORG, ROLES, make_user

LEGACY_CSV = "Student ID,Date,Category,Details,Reported by\n{sis},2025-10-01,Attendance,Absent,T\n"


@contextmanager
def module_world(django_db_blocker, build):
    """`build()`'s objects for a whole module, rolled back when the module is done."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "the world must be built outside any test"
        with transaction.atomic():
            yield build()
            transaction.set_rollback(True)


def build_world() -> SimpleNamespace:
    school_a = SchoolFactory(name="Write matrix A")
    school_b = SchoolFactory(name="Write matrix B", district=school_a.district)
    self_report_demo.ensure_page()
    Service.objects.create(  # a school service an intake can be routed to
        locale=Locale.get_default(), name="Counseling", description="Talk", discipline="counselor"
    )
    partner_org = Organization.objects.create(name=PARTNER_ORG, email="org@partner.example")
    other_org = Organization.objects.create(name="Another organisation", email="o@x.example")
    users = {role: make_user(role, school_a) for role in ROLES}
    far = far_district(school_a.district)
    a = school_world(school_a, reporter=users["teacher"], org=partner_org, far=far)
    b = school_world(
        school_b, reporter=member(Role.TEACHER, school=school_b), org=other_org, far=far
    )
    # Each importer's own legacy import, waiting in preview (imports are per person).
    a.concern_imports = {
        role: concern_import(users[role], school_a, a.student)
        for role in ("safeguarding_lead", "school_admin", "district_admin")
    }
    b.concern_import = concern_import(
        member(Role.SCHOOL_ADMIN, school=school_b), school_b, b.student
    )
    return SimpleNamespace(a=a, b=b, users=users, far=far)


def concern_import(user, school, student):
    data = LEGACY_CSV.format(sis=student.sis_id).encode()
    return legacy_import.concern_import_start(
        started_by=user, school=school, file_name="old.csv", data=data
    )


def far_district(district) -> SimpleNamespace:
    """District E, whose packets our schools import and which acknowledges ours; both sides
    hold the other's public keys."""
    school = SchoolFactory(name="Peer district school")
    ours, theirs = (
        keys.keypair_create(district=district),
        keys.keypair_create(district=school.district),
    )

    def peer(at, of, pair):
        return PeerDistrict.objects.create(
            district=at,
            identifier=of.sourced_id,
            name=of.name,
            signing_public=pair.signing_public,
            encryption_public=pair.encryption_public,
        )

    return SimpleNamespace(
        school=school,
        team=member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR),
        lead=member(Role.SAFEGUARDING_LEAD, school=school),
        peer_here=peer(district, school.district, theirs),  # E, as our district knows it
        peer_there=peer(school.district, district, ours),  # our district, as E knows it
    )


def school_world(school, *, reporter, org, far) -> SimpleNamespace:
    w = SimpleNamespace(school=school)
    w.lead = member(Role.SUPPORT, school=school, discipline=Discipline.SOCIAL_WORKER)
    w.helper = member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR)
    w.spare = member(Role.SUPPORT, school=school, discipline=Discipline.NURSE)
    w.sl = member(Role.SAFEGUARDING_LEAD, school=school)
    w.student = enrolled_student(school)
    case_plan(w)
    w.category = Category.objects.get(slug="attendance")
    w.concern, _ = concern_create(
        reporter=reporter,
        school=school,
        student=w.student,
        categories=[w.category],
        severity="low",
        narrative="Absent often",
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
    )
    w.intake = intake_open(school=school, student=w.student, source="staff_note", summary="x")
    w.resource = Resource.objects.create(organization=org, name=f"{org.name} pantry")
    w.resource2 = Resource.objects.create(organization=org, name=f"{org.name} clothes")
    (w.referral,) = referral_send(
        case=w.case, resources=[w.resource], by=w.lead, consent_by="family", consent_name="A parent"
    )
    w.referral_token = referral_link_token(w.referral)
    transfers(w, far)
    return w


def case_plan(w) -> None:
    """A case led by a social worker with a counselor on it, a goal, an intervention, a
    follow-up for the lead and a team note."""
    w.case = case_open_or_join(school=w.school, student=w.student, by=w.lead)[0]
    case_member_add(case=w.case, user=w.helper, by=w.lead)
    today = timezone.localdate()
    w.goal = goal_add(case=w.case, by=w.lead, description="Attend every day")
    w.intervention = intervention_add(
        goal=w.goal,
        by=w.lead,
        kind="check_in",
        owner=w.lead,
        start_date=today,
        frequency="daily",
        review_date=today,
    )
    w.follow_up = follow_up_add(
        case=w.case, by=w.lead, title="Call home", assignee=w.lead, due_on=today
    )
    w.note = note_add(case=w.case, by=w.lead, level=Note.Level.TEAM, body="Met the family")


def transfers(w, far) -> None:
    """Packets in every state a transfer route acts on, each for its own student."""
    school = w.school
    w.packet = packet_draft(student=w.student, school=school, by=w.lead)
    w.approved = approved(enrolled_student(school), school, w)
    w.leaver = enrolled_student(school)  # no packet yet: transfers:start
    w.departing = enrolled_student(school)  # still enrolled: transfers:left
    # Arrived from a feeder school of the district: to accept and acknowledge.
    feeder = SchoolFactory(district=school.district)
    mover = enrolled_student(feeder)
    feeder_lead = member(Role.SAFEGUARDING_LEAD, school=feeder)
    sent = approved(mover, feeder, SimpleNamespace(lead=feeder_lead, sl=feeder_lead))
    Enrollment.objects.filter(student=mover).update(end_date=timezone.localdate())
    Enrollment.objects.create(student=mover, school=school, start_date=timezone.localdate())
    w.incoming = packet_send_within_district(packet=sent, by=feeder_lead)
    # From district E: one held for the team to confirm, one file still to import.
    held_file, held_student = far_file(far, school)
    w.held = exchange.packet_import(data=held_file, school=school, by=w.lead)
    w.held_student = held_student
    w.import_file, _ = far_file(far, school)
    # Ours, exported to E, imported and acknowledged there: its signed receipt.
    w.exported = approved(enrolled_student(school), school, w)
    data, _passphrase = exchange.packet_export(packet=w.exported, by=w.lead, peer=far.peer_here)
    twin = counterpart(w.exported.student, far.school)
    theirs = exchange.packet_import(data=data, school=far.school, by=far.team)
    theirs = exchange.packet_import_confirm(packet=theirs, by=far.team, student=twin)
    packet_accept(packet=theirs, by=far.team)
    packet_acknowledge(packet=theirs, by=far.lead)
    theirs.refresh_from_db()
    w.receipt = exchange.acknowledgement_export(packet=theirs, by=far.lead)


def approved(student, school, w):
    packet = packet_draft(student=student, school=school, by=w.lead)
    return packet_approve(packet=packet, by=w.sl, note_level="")


def far_file(far, school):
    """A sealed packet from district E about a child enrolled at `school` under the same
    name and date of birth."""
    theirs = enrolled_student(far.school)
    packet = approved(theirs, far.school, SimpleNamespace(lead=far.team, sl=far.lead))
    data, _passphrase = exchange.packet_export(packet=packet, by=far.team, peer=far.peer_there)
    return data, counterpart(theirs, school)


def counterpart(student, school):
    twin = StudentFactory(
        district=school.district,
        legal_first_name=student.legal_first_name,
        legal_last_name=student.legal_last_name,
        date_of_birth=student.date_of_birth,
    )
    Enrollment.objects.create(student=twin, school=school, start_date=timezone.localdate())
    return twin

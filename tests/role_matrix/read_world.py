"""The read matrix's world: one school with an object of every kind, a second school of the
same district whose objects must stay out of reach, and a signed-in user of each role."""

import datetime
import uuid

from concerns.models import ConcernImport
from concerns.services import concern_create
from schoolwell.models import Category, Role, RosterImport
from self_report import demo as self_report_demo
from self_report.models import SelfReport
from support_team.services import intake_open
from support_team.services.cases import case_open_or_join
from tests.factories import SchoolFactory, enrolled_student, member
from tests.role_matrix.roles import LEGACY_IMPORT, PARTNER_ORG, make_user


def build_context() -> dict:
    """One school with an object of every kind, and a second school of the same district
    whose objects must stay out of reach."""
    school = SchoolFactory()
    other_school = SchoolFactory(district=school.district)
    other_admin = member(Role.SCHOOL_ADMIN, school=other_school)
    student = enrolled_student(school)
    other_student = enrolled_student(other_school)
    self_report_demo.ensure_page()
    lead = member(Role.SAFEGUARDING_LEAD, school=school)
    other_lead = member(Role.SAFEGUARDING_LEAD, school=other_school)
    case = case_open_or_join(school=school, student=student, by=lead)[0]
    other_case = case_open_or_join(school=other_school, student=other_student, by=other_lead)[0]
    return {
        "case": case,
        "other_case": other_case,
        **community_links_context(case, lead, other_case, other_lead),
        "packet": transfer_packet(school, student, lead),
        "other_packet": transfer_packet(other_school, other_student, other_lead),
        "intake": intake_open(school=school, student=student, source="staff_note", summary="x"),
        "other_intake": intake_open(
            school=other_school, student=other_student, source="staff_note", summary="x"
        ),
        "other_report": report_by(
            enrolled_student(school, user=member(Role.STUDENT, school=school))
        ),
        "other_school_report": report_by(other_student),
        "school": school,
        "student": student,
        "other_student": other_student,
        "concern": concern_by(member(Role.TEACHER, school=school), school, student),
        "other_concern": concern_by(
            member(Role.TEACHER, school=other_school), other_school, other_student
        ),
        "other_import": RosterImport.objects.create(
            source_name="other.zip", started_by=other_admin
        ),
        "other_concern_import": ConcernImport.objects.create(
            started_by=other_admin, school=other_school, file_name="other.csv"
        ),
    }


def transfer_packet(school, student, lead):
    """A draft packet of the school, with a sealed file kept as if it had been exported."""
    from support_team.transfers.services import packet_draft

    packet = packet_draft(student=student, school=school, by=lead)
    packet.export_file = b"sealed"
    packet.save()
    return packet


def community_links_context(case, lead, other_case, other_lead) -> dict:
    """A referral from this school to the partner's organisation, and one from the other
    school to another organisation (out of the partner's reach)."""
    from community_links.models import Organization, Resource
    from community_links.services.referrals import referral_link_token, referral_send

    def refer(case, by, org_name):
        org = Organization.objects.create(name=org_name)
        resource = Resource.objects.create(organization=org, name=f"{org_name} service")
        (referral,) = referral_send(
            case=case, resources=[resource], by=by, consent_by="family", consent_name="A parent"
        )
        return resource, referral

    partner_resource, referral = refer(case, lead, PARTNER_ORG)
    other_resource, other_referral = refer(other_case, other_lead, "Another organisation")
    far_resource = Resource.objects.create(
        organization=other_resource.organization,
        name="Another district's service",
        district=SchoolFactory().district,
    )
    return {
        "far_resource": far_resource,
        "partner_resource": partner_resource,
        "referral": referral,
        "referral_token": referral_link_token(referral),
        "other_resource": other_resource,
        "other_referral": other_referral,
    }


def concern_by(teacher, school, student):
    concern, _created = concern_create(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="low",
        narrative="Absent often",
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
    )
    return concern


def report_by(student):
    return SelfReport.objects.create(
        student=student,
        school=student.enrollments.get().school,
        language="en",
        wellbeing=3,
        submitted_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )


def sign_in(client, context: dict, role: str):
    """A user of this role at the context's school, signed in, with their own imports and
    self-report in the context (those are per person)."""
    user = make_user(role, context["school"])
    if user is not None:
        client.force_login(user)
    context["own_import"] = RosterImport.objects.create(source_name="own.zip", started_by=user)
    if role == "student":
        context["own_report"] = report_by(user.student)
    if role in LEGACY_IMPORT:
        context["own_concern_import"] = ConcernImport.objects.create(
            started_by=user, school=context["school"], file_name="own.csv"
        )
    return user

"""A student with a record worth transferring: a case with a plan, notes at every level,
guardians (one do-not-contact), chronology lines; two schools of one district, and a second
district with its own keys for the exchange tests."""

import datetime

import pytest
from django.utils import timezone

from schoolwell.models import Category, Discipline, Role
from support_team.models import Goal, Intervention, Note, TimelineEntry
from support_team.services import timeline_add
from support_team.services.cases import case_open_or_join
from support_team.transfers import keys
from support_team.transfers.models import PeerDistrict
from tests.factories import GuardianFactory, SchoolFactory, enrolled_student, member


@pytest.fixture
def sender(school_a):
    """School A's team: a social worker and the safeguarding lead."""
    return {
        "school": school_a,
        "team": member(Role.SUPPORT, school=school_a, discipline=Discipline.SOCIAL_WORKER),
        "lead": member(Role.SAFEGUARDING_LEAD, school=school_a),
    }


@pytest.fixture
def receiver(school_a):
    """School C, same district as A."""
    school = SchoolFactory(name="School C", district=school_a.district)
    return {
        "school": school,
        "team": member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR),
        "lead": member(Role.SAFEGUARDING_LEAD, school=school),
    }


@pytest.fixture
def record(sender):
    """A student at school A with a full record."""
    school, lead = sender["school"], sender["lead"]
    student = enrolled_student(
        school, legal_first_name="Zoë", legal_last_name="Ñúñez", iep=True, home_language="es"
    )
    needs = list(Category.objects.filter(slug__in=["attendance", "housing"]))
    case, _ = case_open_or_join(school=school, student=student, by=lead, tier=2, needs=needs)
    goal = Goal.objects.create(case=case, description="Attend 90% of days")
    Intervention.objects.create(
        goal=goal,
        kind=Intervention.Kind.CHECK_IN,
        description="Morning check-in",
        owner=sender["team"],
        start_date=datetime.date(2026, 1, 12),
        frequency=Intervention.Frequency.DAILY,
        review_date=datetime.date(2026, 3, 1),
        status=Intervention.Status.ACTIVE,
        outcome_notes="Worked well: attendance up to 85%",
    )
    notes = {
        level: Note.objects.create(
            case=case,
            level=level,
            body=f"SENTINEL-{level.upper()} note body",
            author=lead,
            written_at=timezone.now(),
        )
        for level in Note.Level.values
    }
    GuardianFactory(first_name="Ana", relationship="mother", phone="555-1111").students.add(student)
    GuardianFactory(
        first_name="Hidden", relationship="father", phone="555-9999", do_not_contact=True
    ).students.add(student)
    timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.REFERRAL,
        title="Referred to a food bank",
    )
    return {"student": student, "case": case, "goal": goal, "notes": notes}


def enroll_elsewhere(student, school, *, end_at=None):
    """The roster moves the student: the old enrollment ends, a new one starts."""
    from schoolwell.models import Enrollment

    student.enrollments.filter(end_date__isnull=True).update(
        end_date=end_at or timezone.localdate()
    )
    return Enrollment.objects.create(
        student=student, school=school, start_date=timezone.localdate()
    )


def reauthenticated(client, user):
    """Sign in and count as just re-authenticated (allauth's session record)."""
    import time

    from allauth.account.internal.flows import login as flows

    client.force_login(user)
    session = client.session
    session[flows._AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[flows.AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session.save()
    return client


@pytest.fixture
def two_districts(sender):
    """District A (school A) and district B (school B2), each with keys, each knowing the
    other's public keys."""
    district_a = sender["school"].district
    school_b = SchoolFactory(name="School B2")
    district_b = school_b.district
    pair_a = keys.keypair_create(district=district_a)
    pair_b = keys.keypair_create(district=district_b)
    peer_b_at_a = PeerDistrict.objects.create(
        district=district_a,
        identifier=district_b.sourced_id,
        name=district_b.name,
        signing_public=pair_b.signing_public,
        encryption_public=pair_b.encryption_public,
    )
    peer_a_at_b = PeerDistrict.objects.create(
        district=district_b,
        identifier=district_a.sourced_id,
        name=district_a.name,
        signing_public=pair_a.signing_public,
        encryption_public=pair_a.encryption_public,
    )
    return {
        "school_b": school_b,
        "team_b": member(Role.SUPPORT, school=school_b, discipline=Discipline.COUNSELOR),
        "lead_b": member(Role.SAFEGUARDING_LEAD, school=school_b),
        "peer_b_at_a": peer_b_at_a,
        "peer_a_at_b": peer_a_at_b,
        "pair_a": pair_a,
        "pair_b": pair_b,
    }

"""Triage outcomes: into a case, routed, escalated, closed."""

import pytest
from django.core.exceptions import ValidationError

from schoolwell.models import Category, Role
from support_team.models import Case, CloseReason, TimelineEntry
from support_team.services import intake_add_information, intake_open
from support_team.services.triage import intake_close, intake_escalate, intake_route, intake_to_case
from tests.factories import member
from tests.support_team.triage.helpers import intake_lines, school_service

# --- case -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_taking_into_a_case_opens_one_and_a_second_item_joins_it(
    intake, team_a, nurse_a, school_a, student_a
):
    needs = list(Category.objects.filter(slug__in=["attendance", "housing"]))
    taken = intake_to_case(intake=intake, by=team_a, tier=Case.Tier.TARGETED, needs=needs)
    case = taken.case
    assert (case.lead, case.tier, set(case.needs.all())) == (team_a, 2, set(needs))
    assert (taken.status, taken.closed_reason) == ("closed", CloseReason.CASE)
    assert taken.triaged_at == taken.closed_at is not None
    second = intake_open(school=school_a, student=student_a, source="staff_note", summary="y")
    joined = intake_to_case(intake=second, by=nurse_a)
    assert joined.case == case
    assert set(case.members.all()) == {team_a, nurse_a}
    assert Case.objects.count() == 1
    line = TimelineEntry.objects.filter(source="intake", title="Taken into a new case").get()
    assert line.link == f"/team/cases/{case.pk}/"


@pytest.mark.django_db
def test_the_first_decision_keeps_its_time_when_a_reopened_item_is_decided_again(intake, team_a):
    first = intake_close(intake=intake, reason=CloseReason.HANDLED, by=team_a)
    intake_add_information(intake=intake)
    again = intake_close(intake=intake, reason=CloseReason.ALREADY_KNOWN, by=team_a)
    assert again.triaged_at == first.triaged_at
    assert again.closed_at > first.closed_at


# --- route ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_routing_closes_the_item_with_the_service_recorded(intake, team_a):
    service = school_service()
    routed = intake_route(intake=intake, service=service, by=team_a)
    assert (routed.status, routed.closed_reason, routed.routed_service) == (
        "closed",
        CloseReason.ROUTED,
        service,
    )
    assert intake_lines(intake) == ["Routed to a school service: Counseling"]


@pytest.mark.django_db
@pytest.mark.parametrize("kwargs", [{"active": False}, {"provided_by": "partner"}])
def test_routing_to_an_inactive_or_partner_service_is_refused(kwargs, intake, team_a):
    with pytest.raises(ValidationError):
        intake_route(intake=intake, service=school_service(**kwargs), by=team_a)
    intake.refresh_from_db()
    assert (intake.status, intake.version) == ("new", 1)


# --- escalate -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_escalating_marks_the_item_and_mails_every_lead_without_student_detail(
    intake, team_a, lead_a, school_a, student_a, mailoutbox, django_capture_on_commit_callbacks
):
    other_lead = member(Role.SAFEGUARDING_LEAD, school=school_a, email="lead2@a.example")
    with django_capture_on_commit_callbacks(execute=True):
        escalated = intake_escalate(intake=intake, by=team_a)
    assert (escalated.escalated_by, escalated.status) == (team_a, "new")
    assert escalated.escalated_at is not None
    (mail,) = mailoutbox
    assert sorted(mail.to) == sorted([lead_a.email, other_lead.email])
    assert f"/team/queue/{intake.pk}/" in mail.body
    for detail in (student_a.display_name, student_a.legal_last_name, intake.summary):
        assert detail not in mail.body + mail.subject
    with pytest.raises(ValidationError):
        intake_escalate(intake=intake, by=team_a)


# --- close ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_with_other_needs_a_note_and_the_chronology_shows_only_the_reason(intake, team_a):
    with pytest.raises(ValidationError):
        intake_close(intake=intake, reason=CloseReason.OTHER, note="  ", by=team_a)
    closed = intake_close(
        intake=intake, reason=CloseReason.OTHER, note="Family moved away", by=team_a
    )
    assert (closed.closed_note, closed.triaged_at is not None) == ("Family moved away", True)
    assert intake_lines(intake) == ["Closed: Other (see note)"]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["case", "routed", "made-up"])
def test_close_refuses_reasons_that_belong_to_other_actions_or_do_not_exist(reason, intake, team_a):
    with pytest.raises(ValidationError):
        intake_close(intake=intake, reason=reason, by=team_a)
    intake.refresh_from_db()
    assert intake.status == "new"

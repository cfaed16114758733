"""Triage: assigning, who may decide, and urgency."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from schoolwell import realtime
from schoolwell.models import Discipline, Role
from support_team.models import CloseReason, Intake
from support_team.services import AlreadyClaimed, intake_claim, target_time
from support_team.services.triage import (
    intake_assign,
    intake_close,
    intake_escalate,
    intake_set_urgency,
    intake_to_case,
)
from tests.factories import member
from tests.support_team.listen import ids_of
from tests.support_team.triage.helpers import intake_lines

# --- assign ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assigning_gives_the_item_to_a_team_member_with_history_and_a_chronology_line(
    intake, team_a, nurse_a, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assigned = intake_assign(intake=intake, to=nurse_a, by=team_a)
    assert (assigned.claimed_by, assigned.status, assigned.version) == (nurse_a, "claimed", 2)
    assert assigned.claimed_at is not None
    assert assigned.history.count() == 2
    assert intake_lines(intake) == [f"Assigned to {nurse_a}"]
    assert [(group, ids_of(event)) for group, event in events] == [
        (
            realtime.queue_group(intake.school_id),
            {"type": "queue.changed", "intake": intake.pk, "version": 2},
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "other_school_team"])
def test_assigning_to_someone_off_the_schools_team_is_refused_and_changes_nothing(
    who, intake, team_a, school_a, school_b
):
    to = (
        member(Role.TEACHER, school=school_a)
        if who == "teacher"
        else member(Role.SUPPORT, school=school_b, discipline=Discipline.NURSE)
    )
    with pytest.raises(ValidationError):
        intake_assign(intake=intake, to=to, by=team_a)
    intake.refresh_from_db()
    assert (intake.claimed_by, intake.version, intake.history.count()) == (None, 1, 1)


# --- who may act ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_once_someone_has_it_only_they_or_the_safeguarding_lead_may_decide(
    intake, team_a, nurse_a, lead_a
):
    intake_claim(intake=intake, by=nurse_a)
    with pytest.raises(AlreadyClaimed) as taken:
        intake_close(intake=intake, reason=CloseReason.HANDLED, by=team_a)
    assert taken.value.intake.claimed_by == nurse_a
    with pytest.raises(AlreadyClaimed):
        intake_assign(intake=intake, to=team_a, by=team_a)
    taken_over = intake_assign(intake=intake, to=lead_a, by=lead_a)
    assert taken_over.claimed_by == lead_a
    closed = intake_close(intake=intake, reason=CloseReason.HANDLED, by=lead_a)
    assert closed.status == "closed"


@pytest.mark.django_db
def test_an_unclaimed_item_may_be_decided_by_anyone_on_the_schools_team(intake, team_a):
    closed = intake_close(intake=intake, reason=CloseReason.NO_FURTHER_ACTION, by=team_a)
    assert (closed.status, closed.closed_reason) == ("closed", "no_action")


@pytest.mark.django_db
def test_a_closed_item_takes_no_further_decision(intake, team_a, nurse_a):
    intake_close(intake=intake, reason=CloseReason.DUPLICATE, by=team_a)
    for act in (
        lambda: intake_assign(intake=intake, to=nurse_a, by=team_a),
        lambda: intake_set_urgency(intake=intake, urgency=Intake.Urgency.HIGH, by=team_a),
        lambda: intake_escalate(intake=intake, by=team_a),
        lambda: intake_close(intake=intake, reason=CloseReason.HANDLED, by=team_a),
        lambda: intake_to_case(intake=intake, by=team_a),
    ):
        with pytest.raises(ValidationError):
            act()
    intake.refresh_from_db()
    assert (intake.version, intake.closed_reason) == (2, "duplicate")


# --- urgency --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_urgency_works_the_target_out_again_from_when_it_was_opened(
    intake, team_a, school_a
):
    urgent = intake_set_urgency(intake=intake, urgency=Intake.Urgency.URGENT, by=team_a)
    assert urgent.target_at == intake.opened_at + datetime.timedelta(hours=1)
    normal = intake_set_urgency(intake=intake, urgency=Intake.Urgency.NORMAL, by=team_a)
    assert normal.target_at == target_time(
        school=school_a, urgency=Intake.Urgency.NORMAL, opened_at=intake.opened_at
    )
    assert normal.version == 3
    assert intake_lines(intake) == ["Urgency set to Urgent", "Urgency set to Normal"]


@pytest.mark.django_db
def test_raising_an_item_to_urgent_alerts_the_safeguarding_leads(
    intake, team_a, lead_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_set_urgency(intake=intake, urgency=Intake.Urgency.HIGH, by=team_a)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        intake_set_urgency(intake=intake, urgency=Intake.Urgency.URGENT, by=team_a)
    assert [m.to for m in mailoutbox] == [[lead_a.email]]


@pytest.mark.django_db
def test_an_unknown_urgency_is_refused(intake, team_a):
    with pytest.raises(ValidationError):
        intake_set_urgency(intake=intake, urgency=7, by=team_a)
    intake.refresh_from_db()
    assert intake.version == 1

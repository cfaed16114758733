"""Triage: what the teacher who raised it hears, and the sentinel that no concern text
leaves in any event, e-mail or chronology line."""

import pytest

from support_team import selectors
from support_team.models import CloseReason, Intake, TimelineEntry
from support_team.services import intake_claim, intake_release
from support_team.services.triage import (
    intake_assign,
    intake_close,
    intake_escalate,
    intake_route,
    intake_set_urgency,
    intake_to_case,
)
from tests.support_team.listen import ids_of
from tests.support_team.triage.helpers import SENTINEL, concern_intake, school_service

# --- the teacher who raised it --------------------------------------------------------------


@pytest.mark.django_db
def test_the_teacher_hears_once_when_first_picked_up_and_again_when_closed(
    teacher_a, team_a, school_a, student_a, mailoutbox, django_capture_on_commit_callbacks
):
    intake, _concern = concern_intake(teacher_a, school_a, student_a)
    with django_capture_on_commit_callbacks(execute=True):
        intake_claim(intake=intake, by=team_a)
        intake_release(intake=intake, by=team_a)
        intake_claim(intake=intake, by=team_a)
    assert [m.to for m in mailoutbox] == [[teacher_a.email]]
    assert "Being looked at" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        intake_close(intake=intake, reason=CloseReason.HANDLED, by=team_a)
    assert len(mailoutbox) == 2
    assert "Reviewed and closed by the support team" in mailoutbox[1].body
    for mail in mailoutbox:
        assert student_a.display_name not in mail.body + mail.subject


@pytest.mark.django_db
def test_the_teachers_status_view_says_the_team_is_following_up_a_case(
    teacher_a, team_a, school_a, student_a
):
    """Triage closes the intake it took into a case; the teacher reads that it is followed
    up (not "Closed"), and nothing of the case (tests/concerns/test_truthful_statuses.py)."""
    intake, concern = concern_intake(teacher_a, school_a, student_a)
    intake_claim(intake=intake, by=team_a)
    intake_to_case(intake=intake, by=team_a)
    trail = selectors.reporter_status_trails(source="concern", source_ids=[str(concern.pk)])
    assert [label for label, _when in trail[str(concern.pk)]] == [
        "Received",
        "Being looked at",
        "The support team is following this up",
    ]


@pytest.mark.django_db
def test_a_staff_note_sends_no_reporter_mail(
    intake, team_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_claim(intake=intake, by=team_a)
        intake_close(intake=intake, reason=CloseReason.HANDLED, by=team_a)
    assert mailoutbox == []


# --- the sentinel ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_concern_text_reaches_any_event_or_email_of_any_triage_action(
    teacher_a,
    team_a,
    nurse_a,
    lead_a,
    school_a,
    student_a,
    events,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    service = school_service()
    made = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            intake, _concern = concern_intake(
                teacher_a,
                school_a,
                student_a,
                narrative=f"{SENTINEL} {n}",
                observed_place=SENTINEL,
            )
            made.append(intake)
    first, second, third, fourth = made
    with django_capture_on_commit_callbacks(execute=True):
        intake_claim(intake=first, by=team_a)
        intake_assign(intake=first, to=nurse_a, by=lead_a)
        intake_set_urgency(intake=first, urgency=Intake.Urgency.URGENT, by=lead_a)
        intake_escalate(intake=first, by=nurse_a)
        intake_to_case(intake=first, by=nurse_a)
        intake_route(intake=second, service=service, by=team_a)
        intake_close(intake=third, reason=CloseReason.OTHER, note=SENTINEL, by=team_a)
        intake_assign(intake=fourth, to=team_a, by=team_a)
        intake_release(intake=fourth, by=team_a)
    assert len(events) >= 12 and len(mailoutbox) >= 5
    for _group, event in events:
        ids_of(event)  # ids, a version and the rows as the queue shows them, nothing else
        assert SENTINEL not in str(event)
    for mail in mailoutbox:
        assert SENTINEL not in mail.subject + mail.body
        assert student_a.display_name not in mail.subject + mail.body
    titles = TimelineEntry.objects.filter(student=student_a).values_list("title", flat=True)
    assert not [t for t in titles if SENTINEL in t]

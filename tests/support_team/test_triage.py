"""Triage decisions on an intake: each locks the row, bumps the version, keeps history, adds a
chronology line, tells the queue after commit, and leaves the student's detail out of every
event and e-mail."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from concerns.models import Category
from concerns.services import concern_create
from schoolwell import realtime
from schoolwell.models import Discipline, Role
from self_report.models import Service
from support_team import selectors
from support_team.models import Case, CloseReason, Intake, TimelineEntry
from support_team.services import (
    AlreadyClaimed,
    intake_add_information,
    intake_claim,
    intake_open,
    intake_release,
    target_time,
)
from support_team.services.triage import (
    intake_assign,
    intake_close,
    intake_escalate,
    intake_route,
    intake_set_urgency,
    intake_to_case,
)
from tests.factories import member

SENTINEL = "Qwzx-sentinel-narrative"


@pytest.fixture
def intake(school_a, student_a):
    return intake_open(school=school_a, student=student_a, source="staff_note", summary="Quiet")


@pytest.fixture
def lead_a(school_a):
    return member(Role.SAFEGUARDING_LEAD, school=school_a, email="lead@a.example")


@pytest.fixture
def nurse_a(school_a):
    return member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Nadia")


@pytest.fixture
def events(monkeypatch):
    """Every event sent to a socket group, as sent."""
    sent = []

    class RecordingLayer:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: RecordingLayer())
    return sent


def concern_intake(teacher, school, student, *, narrative="Seemed withdrawn", **kwargs):
    concern, _created = concern_create(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="moderate",
        narrative=narrative,
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
        **kwargs,
    )
    return Intake.objects.get(source="concern", source_id=str(concern.pk)), concern


def school_service(**kwargs) -> Service:
    from wagtail.models import Locale

    defaults = {"name": "Counseling", "description": "Talk to someone", "discipline": "counselor"}
    return Service.objects.create(locale=Locale.get_default(), **(defaults | kwargs))


def intake_lines(intake) -> list[str]:
    return list(
        TimelineEntry.objects.filter(student=intake.student, source="intake")
        .order_by("pk")
        .values_list("title", flat=True)
    )


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
    assert events == [
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
        assert set(event) <= {"type", "intake", "version"}
        assert SENTINEL not in str(event)
    for mail in mailoutbox:
        assert SENTINEL not in mail.subject + mail.body
        assert student_a.display_name not in mail.subject + mail.body
    titles = TimelineEntry.objects.filter(student=student_a).values_list("title", flat=True)
    assert not [t for t in titles if SENTINEL in t]

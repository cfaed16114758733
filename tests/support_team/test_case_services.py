import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from schoolwell.models import Category, Discipline, Role
from support_team.models import Case, FollowUp, Goal, Intervention, Meeting, Note, TimelineEntry
from support_team.services.cases import (
    MeetingAction,
    case_close,
    case_member_add,
    case_member_remove,
    case_open_or_join,
    case_reopen,
    case_update,
    follow_up_add,
    follow_up_cancel,
    follow_up_complete,
    goal_add,
    goal_update,
    intervention_add,
    intervention_update,
    meeting_record,
    note_add,
)
from tests.factories import member
from tests.support_team.case_helpers import case_world

TODAY = timezone.localdate()


@pytest.fixture
def w(school_a):
    return case_world(school_a)


def case_lines(case):
    return list(
        TimelineEntry.objects.filter(
            source=TimelineEntry.Source.CASE, link__contains=f"/{case.pk}/"
        )
        .order_by("pk")
        .values_list("title", flat=True)
    )


def fresh(case):
    return Case.objects.get(pk=case.pk)


@pytest.mark.django_db
def test_any_team_member_changes_tier_and_needs_with_history_version_and_chronology(w):
    housing = Category.objects.get(slug="housing")
    case = case_update(case=w.case, by=w.nurse, tier=Case.Tier.TARGETED, needs=[housing])
    case = fresh(case)
    assert (case.tier, list(case.needs.all()), case.version) == (2, [housing], 2)
    assert case.history.count() >= 2
    assert "Tier of support changed to Tier 2: targeted; Needs updated" in case_lines(case)
    entry = TimelineEntry.objects.filter(source="case").order_by("-pk").first()
    assert entry.categories == ",housing," and entry.actor == w.nurse


@pytest.mark.django_db
def test_an_update_that_changes_nothing_leaves_no_trace(w):
    before = len(case_lines(w.case))
    case = case_update(case=w.case, by=w.nurse, tier=w.case.tier, needs=[])
    assert fresh(case).version == 1 and len(case_lines(case)) == before


@pytest.mark.django_db
def test_only_the_lead_or_safeguarding_lead_hands_the_case_over(w):
    with pytest.raises(ValidationError):
        case_update(case=w.case, by=w.nurse, lead=w.nurse)
    assert fresh(w.case).lead == w.lead
    case_update(case=w.case, by=w.safeguarding_lead, lead=w.counselor)
    case = fresh(w.case)
    assert case.lead == w.counselor
    assert case.memberships.filter(user=w.counselor).exists()


@pytest.mark.django_db
def test_the_new_lead_must_be_on_the_schools_team(w, team_b):
    for outsider in (w.teacher, team_b):
        with pytest.raises(ValidationError):
            case_update(case=w.case, by=w.lead, lead=outsider)
    assert fresh(w.case).lead == w.lead


@pytest.mark.django_db
def test_someone_from_another_school_cannot_change_the_case(w, team_b):
    with pytest.raises(ValidationError):
        case_update(case=w.case, by=team_b, tier=3)
    assert fresh(w.case).tier == 1


@pytest.mark.django_db
def test_members_are_added_by_the_lead_and_anyone_may_join_or_leave_themselves(w):
    case_member_add(case=w.case, user=w.nurse, by=w.lead)
    with pytest.raises(ValidationError):
        case_member_add(case=w.case, user=w.counselor, by=w.nurse)  # not theirs to add
    case_member_add(case=w.case, user=w.counselor, by=w.counselor)  # joining
    with pytest.raises(ValidationError):
        case_member_add(case=w.case, user=w.counselor, by=w.lead)  # already there
    with pytest.raises(ValidationError):
        case_member_remove(case=w.case, user=w.counselor, by=w.nurse)
    case_member_remove(case=w.case, user=w.nurse, by=w.nurse)  # leaving
    members = set(w.case.memberships.values_list("user_id", flat=True))
    assert members == {w.lead.pk, w.counselor.pk}


@pytest.mark.django_db
def test_only_the_schools_team_can_be_put_on_a_case_and_the_lead_stays(w, team_b):
    for outsider in (w.teacher, team_b):
        with pytest.raises(ValidationError):
            case_member_add(case=w.case, user=outsider, by=w.lead)
    with pytest.raises(ValidationError):
        case_member_remove(case=w.case, user=w.lead, by=w.safeguarding_lead)


@pytest.mark.django_db
def test_a_member_who_left_the_school_team_cannot_be_added(w):
    w.nurse.memberships.update(active=False)
    with pytest.raises(ValidationError):
        case_member_add(case=w.case, user=w.nurse, by=w.lead)


@pytest.mark.django_db
def test_goals_and_interventions_make_the_plan(w):
    goal = goal_add(case=w.case, by=w.counselor, description="Attend 90% of days")
    intervention = intervention_add(
        goal=goal,
        by=w.counselor,
        kind=Intervention.Kind.CHECK_IN,
        owner=w.counselor,
        start_date=TODAY,
        frequency=Intervention.Frequency.DAILY,
        review_date=TODAY + datetime.timedelta(days=28),
    )
    assert intervention.status == Intervention.Status.PLANNED
    intervention_update(
        intervention=intervention,
        by=w.lead,
        status=Intervention.Status.COMPLETED,
        outcome_notes="Attendance up to 93%",
    )
    goal_update(goal=goal, by=w.lead, status=Goal.Status.MET)
    intervention.refresh_from_db()
    goal.refresh_from_db()
    assert (intervention.status, intervention.outcome_notes, goal.status) == (
        "completed",
        "Attendance up to 93%",
        "met",
    )
    assert fresh(w.case).version == 5
    lines = case_lines(w.case)
    assert "Goal added to the plan" in lines and "Goal marked: Met" in lines
    assert not any("90%" in line or "93%" in line for line in lines)  # no narrative
    assert intervention.history.count() == 2


@pytest.mark.django_db
def test_an_intervention_needs_a_team_owner_and_a_review_after_its_start(w):
    goal = goal_add(case=w.case, by=w.lead, description="Eat breakfast")
    base = {
        "goal": goal,
        "by": w.lead,
        "kind": Intervention.Kind.BASIC_NEEDS,
        "frequency": Intervention.Frequency.DAILY,
        "start_date": TODAY,
    }
    with pytest.raises(ValidationError):
        intervention_add(**base, owner=w.teacher, review_date=TODAY)
    with pytest.raises(ValidationError):
        intervention_add(**base, owner=w.nurse, review_date=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        intervention_add(**base | {"kind": "magic"}, owner=w.nurse, review_date=TODAY)
    assert not Intervention.objects.exists()


@pytest.mark.django_db
def test_notes_are_written_only_at_levels_the_author_may_read(w):
    note_add(case=w.case, by=w.nurse, level=Note.Level.HEALTH, body="Asthma plan")
    note_add(case=w.case, by=w.lead, level=Note.Level.LEAD, body="Disclosure detail")
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.social_worker, level=Note.Level.HEALTH, body="x")
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.nurse, level=Note.Level.LEAD, body="x")
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.nurse, level="secret", body="x")
    assert Note.objects.count() == 2
    assert "Asthma" not in " ".join(case_lines(w.case))


@pytest.mark.django_db
def test_a_progress_note_belongs_to_a_goal_of_the_same_case(w, school_a):
    goal = goal_add(case=w.case, by=w.lead, description="Calmer mornings")
    note = note_add(case=w.case, by=w.lead, level="team", body="Better week", goal=goal)
    assert note.goal == goal and "Progress noted on a goal" in case_lines(w.case)
    other = case_world(school_a)
    other_goal = goal_add(case=other.case, by=other.lead, description="Other")
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.lead, level="team", body="x", goal=other_goal)


@pytest.mark.django_db
def test_an_empty_note_is_refused(w):
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.lead, level="team", body="   ")
    assert not Note.objects.exists() and fresh(w.case).version == 1


@pytest.mark.django_db
def test_a_meeting_with_actions_makes_linked_follow_ups(w):
    meeting = meeting_record(
        case=w.case,
        by=w.lead,
        held_on=TODAY,
        attendees=[w.lead, w.nurse],
        other_attendees="Mother; the student",
        summary="Reviewed attendance",
        decisions="Start check-ins",
        actions=[
            MeetingAction("Call home", w.lead, TODAY + datetime.timedelta(days=2)),
            MeetingAction("Health check", w.nurse, TODAY + datetime.timedelta(days=5)),
        ],
    )
    assert set(meeting.attendees.all()) == {w.lead, w.nurse}
    follow_ups = FollowUp.objects.filter(meeting=meeting).order_by("due_on")
    assert [(f.title, f.assignee) for f in follow_ups] == [
        ("Call home", w.lead),
        ("Health check", w.nurse),
    ]
    assert fresh(w.case).version == 2  # one change, however many rows
    assert meeting.history.exists()


@pytest.mark.django_db
def test_a_meeting_with_one_bad_action_saves_nothing(w):
    with pytest.raises(ValidationError):
        meeting_record(
            case=w.case,
            by=w.lead,
            held_on=TODAY,
            attendees=[w.lead],
            summary="Reviewed",
            actions=[
                MeetingAction("Call home", w.lead, TODAY),
                MeetingAction("Ask the teacher", w.teacher, TODAY),
            ],
        )
    with pytest.raises(ValidationError):
        meeting_record(
            case=w.case,
            by=w.lead,
            held_on=TODAY,
            summary="Reviewed",
            actions=[MeetingAction("", w.lead, TODAY)],
        )
    assert not Meeting.objects.exists() and not FollowUp.objects.exists()
    assert fresh(w.case).version == 1


@pytest.mark.django_db
def test_a_meeting_is_recorded_once_it_has_happened(w):
    with pytest.raises(ValidationError):
        meeting_record(
            case=w.case, by=w.lead, held_on=TODAY + datetime.timedelta(days=1), summary="Soon"
        )
    with pytest.raises(ValidationError):
        meeting_record(
            case=w.case,
            by=w.lead,
            held_on=TODAY,
            summary="Today",
            actions=[MeetingAction("Late", w.lead, TODAY - datetime.timedelta(days=1))],
        )
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_follow_ups_are_done_by_anyone_and_cancelled_by_the_assignee_or_lead(w):
    call = follow_up_add(case=w.case, by=w.lead, title="Call home", assignee=w.nurse, due_on=TODAY)
    visit = follow_up_add(case=w.case, by=w.lead, title="Visit", assignee=w.lead, due_on=TODAY)
    with pytest.raises(ValidationError):
        follow_up_add(case=w.case, by=w.lead, title="x", assignee=w.teacher, due_on=TODAY)
    done = follow_up_complete(follow_up=call, by=w.counselor)
    assert done.done_by == w.counselor and done.is_done
    assert follow_up_complete(follow_up=call, by=w.lead).done_by == w.counselor
    with pytest.raises(ValidationError):
        follow_up_cancel(follow_up=call, by=w.lead)  # it happened
    with pytest.raises(ValidationError):
        follow_up_cancel(follow_up=visit, by=w.nurse)
    follow_up_cancel(follow_up=visit, by=w.lead)
    assert list(FollowUp.objects.values_list("title", flat=True)) == ["Call home"]
    cancelled = FollowUp.history.filter(id=visit.pk, history_type="-").get()
    assert cancelled.title == "Visit"
    assert "Follow-up cancelled" in case_lines(w.case)


@pytest.mark.django_db
def test_closing_needs_the_lead_a_summary_and_no_forgotten_follow_ups(w):
    follow_up_add(case=w.case, by=w.lead, title="Call home", assignee=w.lead, due_on=TODAY)
    with pytest.raises(ValidationError):
        case_close(case=w.case, by=w.nurse, summary="Done")
    with pytest.raises(ValidationError):
        case_close(case=w.case, by=w.lead, summary="  ")
    with pytest.raises(ValidationError) as still_open:
        case_close(case=w.case, by=w.lead, summary="Going well")
    assert "still open" in " ".join(still_open.value.messages)
    assert fresh(w.case).is_open
    closed = case_close(case=w.case, by=w.lead, summary="Going well", cancel_open_follow_ups=True)
    assert (closed.status, closed.closed_by, closed.closing_summary) == (
        "closed",
        w.lead,
        "Going well",
    )
    assert not FollowUp.objects.exists()
    assert "Case closed; 1 open follow-up cancelled" in case_lines(w.case)


@pytest.mark.django_db
def test_the_safeguarding_lead_closes_and_a_closed_case_takes_no_changes(w):
    case_close(case=w.case, by=w.safeguarding_lead, summary="Moved away")
    with pytest.raises(ValidationError):
        note_add(case=w.case, by=w.lead, level="team", body="After closing")
    with pytest.raises(ValidationError):
        goal_add(case=w.case, by=w.lead, description="Late goal")
    with pytest.raises(ValidationError):
        case_reopen(case=w.case, by=w.nurse)
    reopened = case_reopen(case=w.case, by=w.lead)
    assert reopened.is_open and reopened.closed_at is None
    assert "Case reopened" in case_lines(w.case)


@pytest.mark.django_db
def test_a_case_is_not_reopened_when_the_student_has_a_new_open_case(w, school_a):
    case_close(case=w.case, by=w.lead, summary="Done")
    newer, created = case_open_or_join(school=school_a, student=w.student, by=w.nurse)
    assert created
    with pytest.raises(ValidationError):
        case_reopen(case=w.case, by=w.lead)
    assert not fresh(w.case).is_open


@pytest.mark.django_db
def test_open_or_join_still_joins_the_open_case(w, school_a):
    nurse2 = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    case, created = case_open_or_join(school=school_a, student=w.student, by=nurse2)
    assert case == w.case and not created
    assert case.memberships.filter(user=nurse2).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_on_postgresql_both_land_with_their_own_versions(school_a):
    import threading

    from django.db import connection

    w = case_world(school_a)
    barrier = threading.Barrier(2)
    errors = []

    def write(person, body):
        try:
            barrier.wait()
            note_add(case=w.case, by=person, level="team", body=body)
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(w.lead, "First")),
        threading.Thread(target=write, args=(w.nurse, "Second")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # The case row is locked for each change, so neither version bump is lost.
    assert fresh(w.case).version == 3
    assert sorted(w.case.history.values_list("version", flat=True)) == [1, 2, 3]
    assert Note.objects.filter(case=w.case).count() == 2

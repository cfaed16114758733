import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from concerns.models import Category
from schoolwell.models import AccessLog
from support_team.models import Case, FollowUp, Goal, Intake, Intervention, Meeting, Note
from support_team.services import intake_open
from support_team.services.cases import (
    MeetingAction,
    case_close,
    case_member_add,
    case_open_or_join,
    case_update,
    follow_up_add,
    goal_add,
    intervention_add,
    meeting_record,
    note_add,
)
from tests.factories import enrolled_student
from tests.support_team.case_helpers import case_world

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w(school_a):
    return case_world(school_a)


def url(name, *args):
    return reverse(f"support_team:{name}", args=args)


def fill(w, case, *, size: int) -> None:
    """A case with `size` of everything the page shows."""
    people = [w.lead, w.nurse, w.counselor, w.psychologist, w.team_admin][: max(1, size)]
    for person in people[1:]:
        case_member_add(case=case, user=person, by=w.lead)
    case_update(case=case, by=w.lead, needs=Category.objects.all()[:size])
    for g in range(size):
        goal = goal_add(case=case, by=w.lead, description=f"Goal {g}")
        for i in range(size):
            intervention_add(
                goal=goal,
                by=w.lead,
                kind=Intervention.Kind.MENTORING,
                owner=people[i % len(people)],
                start_date=TODAY,
                frequency=Intervention.Frequency.WEEKLY,
                review_date=TODAY + DAY,
            )
    for n in range(size):
        note_add(case=case, by=w.lead, level=Note.Level.TEAM, body=f"Team note {n}")
        note_add(case=case, by=w.nurse, level=Note.Level.HEALTH, body=f"Health note {n}")
        note_add(case=case, by=w.lead, level=Note.Level.LEAD, body=f"Lead note {n}", goal=goal)
        meeting_record(
            case=case,
            by=w.lead,
            held_on=TODAY,
            attendees=people,
            summary=f"Meeting {n}",
            actions=[MeetingAction(f"Action {n}", w.nurse, TODAY + DAY)],
        )
        follow_up_add(case=case, by=w.lead, title=f"Call {n}", assignee=w.lead, due_on=TODAY - DAY)
        intake = intake_open(
            school=case.school, student=case.student, source="staff_note", summary=f"Item {n}"
        )
        Intake.objects.filter(pk=intake.pk).update(case=case)


@pytest.mark.django_db
def test_the_case_page_shows_the_whole_case_and_logs_the_read(client, w):
    fill(w, w.case, size=2)
    client.force_login(w.safeguarding_lead)  # reads every level
    response = client.get(url("case", w.case.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        str(w.lead),
        "Nurse",  # the team, with disciplines
        "Tier 1: universal",
        Category.objects.first().name,
        "Goal 1",
        "Mentoring",
        "Team note 1",
        "Health only",
        "Lead only",
        "Meeting 1",
        "Action 1",
        "Call 1",
        "Overdue",
        "Item 1",
        url("student", w.student.pk),
    ):
        assert text in html, text
    log = AccessLog.objects.get(user=w.safeguarding_lead, object_type="support_team.case")
    assert (log.object_id, log.student) == (str(w.case.pk), w.student)


@pytest.mark.django_db
def test_the_referrals_panel_is_composed_by_url_only_when_that_route_exists(client, w):
    client.force_login(w.lead)
    html = client.get(url("case", w.case.pk)).content.decode()
    try:
        referrals = reverse("community_links:case_referrals", args=[w.case.pk])
    except NoReverseMatch:
        assert 'id="referrals"' not in html
    else:
        assert f'hx-get="{referrals}"' in html and f'href="{referrals}"' in html


@pytest.mark.django_db
def test_case_page_queries_do_not_grow_with_the_case(
    client, w, school_a, django_assert_num_queries
):
    # The same people work on both cases: the only difference is how much is in them.
    small = w.case
    big_case, _created = case_open_or_join(
        school=school_a, student=enrolled_student(school_a), by=w.lead
    )
    fill(w, small, size=1)
    fill(w, big_case, size=5)
    client.force_login(w.safeguarding_lead)
    client.get(url("case", small.pk))  # warm up the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("case", small.pk)).status_code == 200
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url("case", big_case.pk)).status_code == 200


@pytest.mark.django_db
def test_case_list_queries_do_not_grow_with_the_number_of_cases(
    client, w, school_a, django_assert_num_queries
):
    follow_up_add(case=w.case, by=w.lead, title="Call", assignee=w.lead, due_on=TODAY - DAY)
    client.force_login(w.lead)
    client.get(url("cases"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("cases") + "?scope=all").status_code == 200
    for _n in range(12):
        other = case_world(school_a)
        follow_up_add(
            case=other.case, by=other.lead, title="Call", assignee=other.lead, due_on=TODAY
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url("cases") + "?scope=all")
    assert len(response.context["cases"]) == 13


@pytest.mark.django_db
def test_case_list_filters_mine_tier_and_closed(client, w, school_a):
    mine = w.case
    case_update(case=mine, by=w.lead, tier=Case.Tier.TARGETED)
    theirs = case_world(school_a).case
    closed = case_world(school_a)
    case_close(case=closed.case, by=closed.lead, summary="Done")
    client.force_login(w.lead)

    def listed(query=""):
        return {c.pk for c in client.get(url("cases") + query).context["cases"]}

    assert listed() == {mine.pk}
    assert listed("?scope=all") == {mine.pk, theirs.pk}
    assert listed("?scope=all&tier=1") == {theirs.pk}
    assert listed("?scope=all&status=closed") == {closed.case.pk}
    assert listed("?scope=all&status=") == {mine.pk, theirs.pk, closed.case.pk}
    assert listed("?scope=all&tier=banana") == {mine.pk}  # bad filters fall back to defaults
    html = client.get(url("cases")).content.decode()
    assert w.student.display_name in html and "Tier 2: targeted" in html


@pytest.mark.django_db
def test_an_empty_case_list_says_so(client, w):
    client.force_login(w.nurse)
    assert "You have no cases that match" in client.get(url("cases")).content.decode()


@pytest.mark.django_db
def test_changing_tier_and_needs_from_the_page(client, w):
    housing = Category.objects.get(slug="housing")
    client.force_login(w.nurse)
    response = client.post(url("case_update", w.case.pk), {"tier": "3", "needs": [housing.pk]})
    assert response.status_code == 302 and response["Location"].endswith("#details")
    w.case.refresh_from_db()
    assert w.case.tier == 3 and list(w.case.needs.all()) == [housing]
    assert "Case details saved." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"tier": "9"},
        {"tier": "2", "needs": ["99999999999999999999999"]},
        {"tier": "2", "needs": ["banana"]},
        {"tier": "2", "lead": "99999"},
    ],
)
def test_bad_case_details_change_nothing_and_say_why(client, w, data):
    client.force_login(w.lead)
    response = client.post(url("case_update", w.case.pk), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    w.case.refresh_from_db()
    assert (w.case.tier, w.case.version, w.case.lead) == (1, 1, w.lead)


@pytest.mark.django_db
def test_only_the_lead_sees_and_uses_the_lead_field(client, w):
    client.force_login(w.nurse)
    assert 'name="lead"' not in client.get(url("case", w.case.pk)).content.decode()
    client.post(url("case_update", w.case.pk), {"tier": "1", "lead": w.nurse.pk})
    w.case.refresh_from_db()
    assert w.case.lead == w.lead  # the field is not there for a nurse: ignored
    client.force_login(w.lead)
    assert 'name="lead"' in client.get(url("case", w.case.pk)).content.decode()
    client.post(url("case_update", w.case.pk), {"tier": "1", "lead": w.nurse.pk})
    w.case.refresh_from_db()
    assert w.case.lead == w.nurse


@pytest.mark.django_db
def test_team_add_join_and_leave_from_the_page(client, w):
    client.force_login(w.lead)
    assert client.post(url("case_member_add", w.case.pk), {"user": w.nurse.pk}).status_code == 302
    response = client.post(url("case_member_add", w.case.pk), {"user": w.teacher.pk})
    assert response.status_code == 400  # a teacher is not among the choices
    client.force_login(w.counselor)
    assert "Join this case" in client.get(url("case", w.case.pk)).content.decode()
    client.post(url("case_member_join", w.case.pk))
    client.post(url("case_member_remove", w.case.pk, w.counselor.pk))
    response = client.post(url("case_member_remove", w.case.pk, w.nurse.pk), follow=True)
    assert "Only the case lead or the safeguarding lead" in response.content.decode()
    members = set(w.case.memberships.values_list("user_id", flat=True))
    assert members == {w.lead.pk, w.nurse.pk}


@pytest.mark.django_db
def test_plan_from_the_page_goal_intervention_and_updates(client, w):
    client.force_login(w.counselor)
    assert client.post(url("case_goal_add", w.case.pk), {"description": ""}).status_code == 400
    client.post(url("case_goal_add", w.case.pk), {"description": "Sleep better"})
    goal = Goal.objects.get(case=w.case)
    form = {
        "goal": goal.pk,
        "owner": w.counselor.pk,
        "kind": "counseling",
        "start_date": TODAY.isoformat(),
        "frequency": "weekly",
        "review_date": (TODAY - DAY).isoformat(),
        "status": "active",
    }
    response = client.post(url("case_intervention_add", w.case.pk), form)
    assert response.status_code == 400
    assert "The review date cannot be before the start." in response.content.decode()
    assert not Intervention.objects.exists()
    form["review_date"] = (TODAY + 14 * DAY).isoformat()
    assert client.post(url("case_intervention_add", w.case.pk), form).status_code == 302
    intervention = Intervention.objects.get()
    prefix = f"iv{intervention.pk}-"
    update = {
        prefix + "status": "completed",
        prefix + "frequency": "weekly",
        prefix + "review_date": TODAY.isoformat(),
        prefix + "owner": w.counselor.pk,
        prefix + "outcome_notes": "Sleeping 8 hours",
    }
    response = client.post(url("case_intervention_update", w.case.pk, intervention.pk), update)
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome_notes) == ("completed", "Sleeping 8 hours")
    client.post(url("case_goal_update", w.case.pk, goal.pk), {"status": "met"})
    response = client.post(url("case_goal_update", w.case.pk, goal.pk), {"status": "??"})
    goal.refresh_from_db()
    assert goal.status == "met" and response.status_code == 400


@pytest.mark.django_db
def test_a_meeting_and_its_actions_from_the_page(client, w):
    client.force_login(w.lead)
    data = {
        "held_on": TODAY.isoformat(),
        "attendees": [w.lead.pk, w.nurse.pk],
        "other_attendees": "Grandmother",
        "summary": "Planned the term",
        "decisions": "Weekly check-ins",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-title": "Book the clinic",
        "actions-0-assignee": w.nurse.pk,
        "actions-0-due_on": (TODAY + 7 * DAY).isoformat(),
        "actions-1-title": "Half an action",
        "actions-2-title": "",
    }
    response = client.post(url("case_meeting_add", w.case.pk), data)
    assert response.status_code == 400  # row 2 has no one and no date
    assert not Meeting.objects.exists() and not FollowUp.objects.exists()
    data["actions-1-title"] = ""
    response = client.post(url("case_meeting_add", w.case.pk), data)
    assert response.status_code == 302 and response["Location"].endswith("#meetings")
    meeting = Meeting.objects.get()
    assert [(f.title, f.assignee, f.meeting) for f in FollowUp.objects.all()] == [
        ("Book the clinic", w.nurse, meeting)
    ]


@pytest.mark.django_db
def test_a_meeting_without_the_formset_data_is_refused_not_a_500(client, w):
    client.force_login(w.lead)
    response = client.post(
        url("case_meeting_add", w.case.pk), {"held_on": TODAY.isoformat(), "summary": "x"}
    )
    assert response.status_code == 400 and not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_meeting_claiming_a_thousand_actions_builds_no_more_than_ten_rows(client, w):
    """A forged TOTAL_FORMS must not make the server build, query for and send back a
    thousand rows."""
    client.force_login(w.lead)
    data = {
        "held_on": TODAY.isoformat(),
        "attendees": [w.lead.pk],
        "summary": "Planned the term",
        "actions-INITIAL_FORMS": "0",
    }
    with CaptureQueriesContext(connection) as three:
        client.post(url("case_meeting_add", w.case.pk), data | {"actions-TOTAL_FORMS": "3"})
    with CaptureQueriesContext(connection) as thousand:
        response = client.post(
            url("case_meeting_add", w.case.pk), data | {"actions-TOTAL_FORMS": "1000"}
        )
    assert response.status_code == 400 and Meeting.objects.count() == 1  # the 3-row one
    assert "Please submit at most 10 forms." in response.content.decode()
    assert len(thousand) <= len(three) + 10
    rows = re.findall(r'name="actions-\d+-title"', response.content.decode())
    assert len(rows) <= 10, "it rendered every claimed row"


@pytest.mark.django_db
def test_follow_ups_from_the_page_add_done_cancel(client, w):
    client.force_login(w.lead)
    bad = {"title": "Call", "assignee": w.teacher.pk, "due_on": TODAY.isoformat()}
    assert client.post(url("case_follow_up_add", w.case.pk), bad).status_code == 400
    good = bad | {"assignee": w.nurse.pk}
    assert client.post(url("case_follow_up_add", w.case.pk), good).status_code == 302
    assert client.post(url("case_follow_up_add", w.case.pk), good).status_code == 302
    first, second = FollowUp.objects.order_by("pk")
    assert "Due today" in client.get(url("case", w.case.pk)).content.decode()
    client.post(url("case_follow_up_done", w.case.pk, first.pk))
    client.post(url("case_follow_up_cancel", w.case.pk, second.pk))
    first.refresh_from_db()
    assert first.is_done and not FollowUp.objects.filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_closing_from_the_page_asks_about_open_follow_ups_then_reopens(client, w):
    follow_up_add(case=w.case, by=w.lead, title="Call", assignee=w.lead, due_on=TODAY)
    client.force_login(w.lead)
    response = client.post(url("case_close", w.case.pk), {"summary": ""})
    assert response.status_code == 400 and "Write a closing summary." in response.content.decode()
    response = client.post(url("case_close", w.case.pk), {"summary": "Settled"})
    assert response.status_code == 400 and "still open" in response.content.decode()
    w.case.refresh_from_db()
    assert w.case.is_open
    data = {"summary": "Settled", "cancel_open_follow_ups": "on"}
    assert client.post(url("case_close", w.case.pk), data).status_code == 302
    html = client.get(url("case", w.case.pk)).content.decode()
    assert "Settled" in html and "Reopen the case" in html and "Write a note" not in html
    client.post(url("case_reopen", w.case.pk))
    w.case.refresh_from_db()
    assert w.case.is_open


@pytest.mark.django_db
def test_someone_who_may_not_close_sees_no_close_form_and_is_refused(client, w):
    client.force_login(w.nurse)
    assert "Close this case" not in client.get(url("case", w.case.pk)).content.decode()
    response = client.post(url("case_close", w.case.pk), {"summary": "Done"})
    assert response.status_code == 400
    w.case.refresh_from_db()
    assert w.case.is_open


@pytest.mark.django_db
def test_another_schools_team_gets_404_on_every_case_action(client, w, team_b):
    goal = goal_add(case=w.case, by=w.lead, description="Goal")
    follow_up = follow_up_add(case=w.case, by=w.lead, title="x", assignee=w.lead, due_on=TODAY)
    client.force_login(team_b)
    pk = w.case.pk
    for target in (
        url("case_update", pk),
        url("case_member_add", pk),
        url("case_member_join", pk),
        url("case_member_remove", pk, w.lead.pk),
        url("case_goal_add", pk),
        url("case_goal_update", pk, goal.pk),
        url("case_intervention_add", pk),
        url("case_note_add", pk),
        url("case_meeting_add", pk),
        url("case_follow_up_add", pk),
        url("case_follow_up_done", pk, follow_up.pk),
        url("case_follow_up_cancel", pk, follow_up.pk),
        url("case_close", pk),
        url("case_reopen", pk),
    ):
        assert client.post(target, {"tier": "3", "summary": "x"}).status_code == 404, target
    w.case.refresh_from_db()
    assert (w.case.version, w.case.tier) == (3, 1)  # the goal and the follow-up only

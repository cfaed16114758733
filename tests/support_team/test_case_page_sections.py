"""The case page's sections used from the page: the plan, meetings and their actions,
follow-ups, closing and reopening, and another school's team refused on every action."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support_team.models import FollowUp, Goal, Intervention, Meeting
from support_team.services.cases import follow_up_add, goal_add
from tests.support_team.case_helpers import case_world
from tests.support_team.case_page_helpers import DAY, TODAY, url


@pytest.fixture
def w(school_a):
    return case_world(school_a)


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

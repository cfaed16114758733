"""The case page: what it shows, its queries, the case list, and the case details and team
changed from the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from schoolwell.models import AccessLog, Category
from support_team.models import Case
from support_team.services.cases import case_close, case_open_or_join, case_update, follow_up_add
from tests.factories import enrolled_student
from tests.support_team.case_helpers import case_world
from tests.support_team.case_page_helpers import DAY, TODAY, fill, url


@pytest.fixture
def w(school_a):
    return case_world(school_a)


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

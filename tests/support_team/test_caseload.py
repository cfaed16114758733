import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from schoolwell.models import Discipline, Membership, Role
from support_team.models import Case, Intake, Intervention
from support_team.selectors.caseload import caseload_for, team_balance_for, week_end
from tests.factories import member
from tests.support_team.caseload_data import (
    NOW,
    TODAY,
    claimed_intake,
    follow_up,
    intervention,
    open_case,
)

URL = reverse("support_team:caseload")
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lead_a(school_a):
    return member(Role.SAFEGUARDING_LEAD, school=school_a, first_name="Lee", last_name="Lead")


def test_this_week_runs_from_today_to_sunday():
    assert week_end(TODAY) == datetime.date(2026, 1, 18)
    assert week_end(datetime.date(2026, 1, 18)) == datetime.date(2026, 1, 18)
    assert week_end(datetime.date(2026, 1, 19)) == datetime.date(2026, 1, 25)


def test_a_team_member_sees_their_open_cases_counted_by_tier(client, school_a, team_a, lead_a):
    open_case(school_a, team_a, tier=3, legal_first_name="Intensiveone")
    open_case(school_a, team_a, tier=1, legal_first_name="Universalone")
    open_case(school_a, lead_a, members=[team_a], tier=1, legal_first_name="Joinedone")
    open_case(school_a, lead_a, tier=2, legal_first_name="Notmine")
    closed = open_case(school_a, team_a, tier=2, legal_first_name="Closedone")
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)

    load = caseload_for(user=team_a, today=TODAY)
    assert load.tiers == {1: 2, 2: 0, 3: 1}
    assert [c.tier for c in load.cases] == [3, 1, 1]

    client.force_login(team_a)
    page = client.get(URL).content.decode()
    for name in ("Intensiveone", "Universalone", "Joinedone"):
        assert name in page
    assert "Notmine" not in page
    assert "Closedone" not in page


def test_follow_ups_are_split_into_overdue_and_due_this_week(client, school_a, team_a, lead_a):
    case = open_case(school_a, team_a)
    follow_up(case, team_a, TODAY - 3 * DAY, title="Overdue call")
    follow_up(case, team_a, TODAY, title="Today call")
    follow_up(case, team_a, week_end(TODAY), title="Sunday call")
    follow_up(case, team_a, week_end(TODAY) + DAY, title="Next week call")
    follow_up(case, team_a, TODAY - DAY, title="Done call", done=True)
    follow_up(case, lead_a, TODAY - DAY, title="Someone else's call")

    load = caseload_for(user=team_a, today=TODAY)
    assert [f.title for f in load.follow_ups_overdue] == ["Overdue call"]
    assert [f.title for f in load.follow_ups_this_week] == ["Today call", "Sunday call"]

    client.force_login(team_a)
    page = client.get(URL).content.decode()
    assert "Overdue call" in page and "Sunday call" in page
    assert "Next week call" not in page
    assert "Done call" not in page
    assert "Someone else" not in page


def test_reviews_due_are_the_open_interventions_they_own_up_to_sunday(school_a, team_a, lead_a):
    case = open_case(school_a, lead_a, members=[team_a])
    late = intervention(case, team_a, TODAY - 10 * DAY)
    soon = intervention(case, team_a, TODAY + 2 * DAY)
    intervention(case, team_a, TODAY + 20 * DAY)
    intervention(case, team_a, TODAY - DAY, status=Intervention.Status.COMPLETED)
    intervention(case, lead_a, TODAY)

    assert caseload_for(user=team_a, today=TODAY).reviews_due == [late, soon]


def test_intakes_they_claimed_and_have_not_triaged_are_listed(client, school_a, team_a, lead_a):
    mine = claimed_intake(school_a, team_a, legal_first_name="Claimedbyme")
    claimed_intake(school_a, lead_a, legal_first_name="Claimedbylead")
    triaged = claimed_intake(school_a, team_a, legal_first_name="Triagedalready")
    Intake.objects.filter(pk=triaged.pk).update(status=Intake.Status.TRIAGED)

    assert caseload_for(user=team_a, today=TODAY).claimed == [mine]
    client.force_login(team_a)
    page = client.get(URL).content.decode()
    assert "Claimedbyme" in page
    assert reverse("support_team:intake", args=[mine.pk]) in page
    assert "Claimedbylead" not in page and "Triagedalready" not in page


def test_an_empty_caseload_says_what_to_do(client, team_a):
    client.force_login(team_a)
    page = client.get(URL).content.decode()
    assert "You are not on any open case" in page
    assert "Nothing overdue" in page
    assert "Nothing waiting on you" in page
    assert reverse("support_team:queue") in page
    assert "Team balance" not in page


def test_cases_at_a_school_they_are_no_longer_on_the_team_of_are_not_shown(
    client, school_a, school_b, team_a, team_b
):
    case = open_case(school_a, team_a, members=[team_b], legal_first_name="Elsewhere")
    follow_up(case, team_b, TODAY - DAY, title="Old school call")
    load = caseload_for(user=team_b, today=TODAY)
    assert load.cases == [] and load.follow_ups_overdue == []
    client.force_login(team_b)
    assert "Elsewhere" not in client.get(URL).content.decode()


def test_the_page_is_for_the_team_only(client, teacher_a, school_a):
    assert client.get(URL).status_code == 302
    client.force_login(teacher_a)
    assert client.get(URL).status_code == 403
    admin = member(Role.SCHOOL_ADMIN, school=school_a)
    client.force_login(admin)
    assert client.get(URL).status_code == 403


def test_the_team_nav_links_to_the_caseload_and_the_queue_stays_home(client, team_a, teacher_a):
    client.force_login(team_a)
    assert client.get(reverse("home"))["Location"] == reverse("support_team:queue")
    assert f'href="{URL}"' in client.get(reverse("support_team:queue")).content.decode()
    client.force_login(teacher_a)
    assert f'href="{URL}"' not in client.get(reverse("concerns:new")).content.decode()


# --- the safeguarding lead's view of the team -----------------------------------------------


def test_a_safeguarding_lead_sees_every_team_members_balance(client, school_a, team_a, lead_a):
    counselor = member(
        Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR, first_name="Cory"
    )
    case = open_case(school_a, team_a, tier=3)
    open_case(school_a, team_a, tier=2, members=[counselor])
    follow_up(case, team_a, TODAY - DAY)
    follow_up(case, team_a, TODAY + DAY)
    follow_up(case, team_a, TODAY + 10 * DAY)
    claimed_intake(school_a, counselor)

    [balance] = team_balance_for(user=lead_a, today=TODAY)
    rows = {row.user: row for row in balance.rows}
    assert set(rows) == {team_a, counselor, lead_a}
    assert rows[team_a].tiers == {1: 0, 2: 1, 3: 1}
    assert (rows[team_a].follow_ups_due, rows[team_a].follow_ups_overdue) == (1, 1)
    assert rows[counselor].tiers == {1: 0, 2: 1, 3: 0}
    assert rows[counselor].claimed == 1
    assert rows[lead_a].open_cases == 0

    client.force_login(lead_a)
    page = client.get(URL).content.decode()
    assert f"Team balance: {school_a.name}" in page
    assert "Cory" in page


def test_someone_well_above_the_team_median_is_marked(client, school_a, team_a, lead_a):
    others = [member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE) for _ in range(3)]
    for person in others:
        open_case(school_a, person)
        open_case(school_a, person)
    for _ in range(5):
        open_case(school_a, team_a)

    [balance] = team_balance_for(user=lead_a, today=TODAY)
    assert balance.median_open_cases == 2
    assert [row.user for row in balance.rows if row.heavy] == [team_a]

    client.force_login(lead_a)
    page = client.get(URL).content.decode()
    assert page.count("Above the median</span>") == 1
    assert "The team's median is 2 open cases" in page


def test_a_team_where_everyone_holds_about_the_same_marks_nobody(school_a, team_a, lead_a):
    open_case(school_a, team_a)
    open_case(school_a, team_a)
    open_case(school_a, lead_a)
    [balance] = team_balance_for(user=lead_a, today=TODAY)
    assert not any(row.heavy for row in balance.rows)


def test_a_team_member_who_is_not_a_lead_sees_no_team_balance(client, school_a, team_a):
    open_case(school_a, team_a)
    assert team_balance_for(user=team_a, today=TODAY) == []
    client.force_login(team_a)
    assert "Team balance" not in client.get(URL).content.decode()


def test_a_lead_sees_only_their_own_schools_team(school_a, school_b, lead_a, team_b):
    open_case(school_b, team_b)
    [balance] = team_balance_for(user=lead_a, today=TODAY)
    assert balance.school == school_a
    assert team_b not in [row.user for row in balance.rows]


def test_a_former_team_member_leaves_the_balance(school_a, team_a, lead_a):
    open_case(school_a, team_a)
    Membership.objects.filter(user=team_a).update(active=False)
    [balance] = team_balance_for(user=lead_a, today=TODAY)
    assert [row.user for row in balance.rows] == [lead_a]


# --- query counts ---------------------------------------------------------------------------


def fill(school, person, lead, n):
    for i in range(n):
        case = open_case(school, person, tier=1 + i % 3, members=[lead])
        follow_up(case, person, TODAY - DAY)
        follow_up(case, person, TODAY + DAY)
        intervention(case, person, TODAY)
        claimed_intake(school, person)


def signed_in(client, user):
    """Sign in and load the page once, so the session and first-visit work are done."""
    client.force_login(user)
    assert client.get(URL).status_code == 200


def queries_for(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_caseload_page_costs_the_same_queries_for_1_or_40_cases(
    client, school_a, lead_a, django_assert_num_queries
):
    one = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    many = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    fill(school_a, one, lead_a, 1)
    fill(school_a, many, lead_a, 40)
    baseline = queries_for(client, one)
    signed_in(client, many)
    with django_assert_num_queries(baseline):
        page = client.get(URL).content.decode()
    # 40 cases, 40 overdue and 40 due follow-ups, 40 reviews: every row links to its case.
    assert len(re.findall(r'href="/team/cases/\d+/"', page)) == 160


def test_the_lead_view_costs_the_same_queries_for_1_or_12_team_members(
    client, school_a, school_b, django_assert_num_queries
):
    small_lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    big_lead = member(Role.SAFEGUARDING_LEAD, school=school_b)
    baseline = queries_for(client, small_lead)
    for _ in range(11):
        person = member(Role.SUPPORT, school=school_b, discipline=Discipline.COUNSELOR)
        fill(school_b, person, big_lead, 2)
    signed_in(client, big_lead)
    with django_assert_num_queries(baseline):
        page = client.get(URL).content.decode()
    assert page.count('<th scope="row">') == 12


def test_the_referrals_panel_is_composed_by_url_when_community_links_serves_it(client, team_a):
    from django.urls import NoReverseMatch

    client.force_login(team_a)
    page = client.get(URL).content.decode()
    try:
        panel = reverse("community_links:caseload_referrals")
    except NoReverseMatch:
        assert "hx-get" not in page and "htmx.min.js" not in page
    else:
        assert f'hx-get="{panel}"' in page
        assert "vendor/htmx.min.js" in page

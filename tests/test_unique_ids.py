"""No element id appears twice on a page: a label, an aria-describedby or a fragment link
pointing at a duplicated id reaches the wrong element (or none).

Every page of the GET role matrix (tests/test_role_matrix.py) is fetched by a role that may
see it, over realistic data: a case with notes at each level, goals with interventions,
meetings, follow-ups and referrals; a queue of several items; a student with a chronology.
The case page is checked again with many notes and with each of its forms sent back with
errors (a bound form renders its fields, and its errors, beside the blank ones)."""

import datetime
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.models import Discipline, Role
from support_team.models import Intervention, Note
from support_team.services import intake_open
from support_team.services.cases import (
    MeetingAction,
    case_member_add,
    follow_up_add,
    goal_add,
    intervention_add,
    meeting_record,
    note_add,
)
from tests.factories import enrolled_student, member
from tests.role_matrix.read_world import build_context, sign_in
from tests.role_matrix.roles import ROLES
from tests.role_matrix.routes import PAGES, PREFIXES, ROUTES

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
# Who reads each page: the safeguarding lead sees everything at the school (every note
# level); otherwise the first role the matrix lets in.
PREFERRED = ("safeguarding_lead", "partner", "student", "teacher")


class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(value for name, value in attrs if name == "id" and value is not None)

    handle_startendtag = handle_starttag


def duplicate_ids(html: str) -> list[str]:
    parser = IdCollector()
    parser.feed(html)
    return sorted(i for i, n in Counter(parser.ids).items() if n > 1)


def reader_of(expectations: dict) -> str | None:
    allowed = [role for role in ROLES if expectations[role] == 200]
    for role in PREFERRED:
        if role in allowed:
            return role
    return allowed[0] if allowed else None


def enrich(ctx: dict) -> None:
    """Fill the matrix's school the way a term of work would."""
    case, school = ctx["case"], ctx["school"]
    lead = case.lead
    nurse = member(Role.SUPPORT, school=school, discipline=Discipline.NURSE)
    case_member_add(case=case, user=nurse, by=lead)
    goals = [goal_add(case=case, by=lead, description=f"Goal {g}") for g in range(3)]
    for goal in goals:
        for kind in (Intervention.Kind.MENTORING, Intervention.Kind.CHECK_IN):
            intervention_add(
                goal=goal,
                by=lead,
                kind=kind,
                owner=nurse,
                start_date=TODAY,
                frequency=Intervention.Frequency.WEEKLY,
                review_date=TODAY + DAY,
            )
    add_notes(case, lead, nurse, goals, 4)
    for n in range(3):
        meeting_record(
            case=case,
            by=lead,
            held_on=TODAY,
            attendees=[lead, nurse],
            summary=f"Meeting {n}",
            actions=[MeetingAction(f"Action {n}", nurse, TODAY + DAY)],
        )
        follow_up_add(case=case, by=lead, title=f"Call {n}", assignee=lead, due_on=TODAY - DAY)
    for n in range(4):
        other = enrolled_student(school)
        intake_open(school=school, student=other, source="staff_note", summary=f"Item {n}")
        intake_open(school=school, student=ctx["student"], source="staff_note", summary=f"S{n}")


def add_notes(case, lead, nurse, goals, count: int) -> None:
    for n in range(count):
        note_add(case=case, by=lead, level=Note.Level.TEAM, body=f"Team note {n}")
        note_add(case=case, by=nurse, level=Note.Level.HEALTH, body=f"Health note {n}")
        note_add(case=case, by=lead, level=Note.Level.LEAD, body=f"Lead {n}", goal=goals[0])


@pytest.fixture
def world(db):
    ctx = build_context()
    enrich(ctx)
    return ctx


def is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_no_page_of_the_role_matrix_repeats_an_element_id(client, world):
    by_role: dict[str, list[str]] = {}
    for name, (build, expectations) in ROUTES.items():
        role = reader_of(expectations)
        if role is not None:
            by_role.setdefault(role, []).append(name)
    urls = {name: build for name, (build, _e) in ROUTES.items()}
    extra = {url: expectations for url, expectations in PAGES.items()}
    extra |= {url: expectations for url, expectations in PREFIXES.values()}
    for url, expectations in extra.items():
        role = reader_of(expectations)
        if role is not None:
            by_role.setdefault(role, []).append(url)
            urls[url] = lambda ctx, url=url: url
    checked, found = [], {}
    for role, names in by_role.items():
        client.logout()
        sign_in(client, world, role)
        for name in names:
            response = client.get(urls[name](world))
            if not is_html(response):
                continue
            checked.append(name)
            duplicates = duplicate_ids(response.content.decode())
            if duplicates:
                found[f"{name} as {role}"] = duplicates
    assert found == {}
    # The pages that matter most were really parsed (not skipped as non-HTML or refused).
    assert {"support_team:case", "support_team:queue", "support_team:student"} <= set(checked)


@pytest.mark.django_db
def test_a_case_with_many_notes_repeats_no_id(client, world):
    case = world["case"]
    nurse = case.memberships.exclude(user=case.lead).first().user
    add_notes(case, case.lead, nurse, list(case.goals.all()), 40)
    client.force_login(case.lead)
    html = client.get(reverse("support_team:case", args=[case.pk])).content.decode()
    assert html.count('class="note card') >= 120
    assert duplicate_ids(html) == []


# Each case form sent back with an error: the page renders it bound, next to the others.
BAD_POSTS = {
    "case_update": {"tier": "9"},
    "case_member_add": {"user": "0"},
    "case_goal_add": {"description": ""},
    "case_intervention_add": {"kind": "nonsense"},
    "case_note_add": {"level": "team", "body": ""},
    "case_meeting_add": {"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0"},
    "case_follow_up_add": {"title": ""},
    "case_close": {"summary": ""},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_POSTS))
def test_a_case_page_with_a_refused_form_repeats_no_id(client, world, name):
    case = world["case"]
    client.force_login(case.lead)
    response = client.post(reverse(f"support_team:{name}", args=[case.pk]), BAD_POSTS[name])
    assert response.status_code == 400
    assert duplicate_ids(response.content.decode()) == []


@pytest.mark.django_db
def test_a_case_page_with_a_refused_intervention_update_repeats_no_id(client, world):
    case = world["case"]
    intervention = Intervention.objects.filter(goal__case=case).first()
    client.force_login(case.lead)
    url = reverse("support_team:case_intervention_update", args=[case.pk, intervention.pk])
    response = client.post(url, {f"iv{intervention.pk}-status": "nonsense"})
    assert response.status_code == 400
    assert duplicate_ids(response.content.decode()) == []

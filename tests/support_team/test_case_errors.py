"""On the case page a refusal shows beside the form (or button) it concerns, and the page
opens there: every form posts to `...#case-error`, the element of that id sits inside the
refused form, takes focus (tabindex -1, autofocus) and lists what to fix with links to the
inputs; the top message only links down to it. A form no longer on the page for this reader
has its reason at the top instead, never lost."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from support_team.models import FollowUp, Goal, Intervention, Meeting, Note
from support_team.services.cases import (
    case_close,
    follow_up_add,
    follow_up_complete,
    goal_add,
    intervention_add,
)
from tests.support_team.case_helpers import case_world

TODAY = timezone.localdate()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Page(HTMLParser):
    """The ids enclosing #case-error, every post form's action, and every id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.error_in: list[str] | None = None
        self.error_attrs: dict = {}
        self.actions: list[str] = []
        self.ids: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if attrs.get("id") == "case-error":
            self.error_in = [i for _t, i in self.stack if i]
            self.error_attrs = attrs
        if tag == "form" and attrs.get("method") == "post":
            self.actions.append(attrs.get("action", ""))
        if tag not in VOID:
            self.stack.append((tag, attrs.get("id", "")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def url(name, *args):
    return reverse(f"support_team:{name}", args=args)


@pytest.fixture
def w(school_a):
    return case_world(school_a)


def refused(response, *, inside: str) -> Page:
    html = response.content.decode()
    assert response.status_code == 400
    page = Page(html)
    assert page.error_in is not None, "no #case-error on the page"
    assert inside in page.error_in, page.error_in
    assert page.error_attrs.get("tabindex") == "-1" and "autofocus" in page.error_attrs
    assert page.ids.count("case-error") == 1
    return page


@pytest.mark.django_db
def test_every_form_on_the_case_page_posts_to_its_error_place(client, w):
    goal = goal_add(case=w.case, by=w.lead, description="Attend")
    intervention_add(
        goal=goal,
        by=w.lead,
        kind=Intervention.Kind.MENTORING,
        owner=w.lead,
        start_date=TODAY,
        frequency=Intervention.Frequency.WEEKLY,
        review_date=TODAY,
    )
    follow_up_add(case=w.case, by=w.lead, title="Call", assignee=w.lead, due_on=TODAY)
    client.force_login(w.lead)
    page = Page(client.get(url("case", w.case.pk)).content.decode())
    case_forms = [a for a in page.actions if a.startswith(url("case", w.case.pk))]
    # details, team add, goal status, intervention update and add, goal add, note, meeting,
    # follow-up done, cancel and add, close
    assert len(case_forms) >= 12
    assert all(action.endswith("#case-error") for action in case_forms), case_forms


@pytest.mark.django_db
def test_a_refused_note_is_explained_inside_the_note_form(client, w):
    client.force_login(w.lead)
    response = client.post(url("case_note_add", w.case.pk), {"level": "team", "body": ""})
    page = refused(response, inside="note-form")
    html = response.content.decode()
    assert 'see <a href="#case-error">the note form</a>' in html
    assert '<a href="#note-form-body">Note: This field is required.</a>' in html
    assert 'id="note-form-body"' in html
    assert "notes" in page.error_in and "closing" not in page.error_in
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_refused_meeting_points_at_the_action_row_to_fix(client, w):
    client.force_login(w.lead)
    data = {
        "held_on": TODAY.isoformat(),
        "summary": "Met",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-1-title": "Call home",
    }
    response = client.post(url("case_meeting_add", w.case.pk), data)
    refused(response, inside="meeting-form")
    html = response.content.decode()
    assert 'href="#meeting-form-actions-1-assignee">Action 2, Who:' in html
    assert 'id="meeting-form-actions-1-assignee"' in html
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_refused_closing_is_explained_inside_the_closing_form(client, w):
    follow_up_add(case=w.case, by=w.lead, title="Call", assignee=w.lead, due_on=TODAY)
    client.force_login(w.lead)
    response = client.post(url("case_close", w.case.pk), {"summary": "All done"})
    refused(response, inside="close-form")
    assert "1 follow-up is still open" in response.content.decode()
    w.case.refresh_from_db()
    assert w.case.is_open


@pytest.mark.django_db
def test_a_refused_intervention_update_is_explained_in_its_row(client, w):
    goal = goal_add(case=w.case, by=w.lead, description="Attend")
    iv = intervention_add(
        goal=goal,
        by=w.lead,
        kind=Intervention.Kind.MENTORING,
        owner=w.lead,
        start_date=TODAY,
        frequency=Intervention.Frequency.WEEKLY,
        review_date=TODAY,
    )
    client.force_login(w.lead)
    data = {f"iv{iv.pk}-status": "active", f"iv{iv.pk}-frequency": "weekly"}
    response = client.post(url("case_intervention_update", w.case.pk, iv.pk), data)
    refused(response, inside=f"intervention-{iv.pk}-form")
    assert f'href="#id_iv{iv.pk}-review_date"' in response.content.decode()


@pytest.mark.django_db
def test_a_refused_button_is_explained_beside_it(client, w):
    goal = goal_add(case=w.case, by=w.lead, description="Attend")
    follow_up = follow_up_add(case=w.case, by=w.lead, title="Call", assignee=w.lead, due_on=TODAY)
    follow_up_complete(follow_up=follow_up, by=w.lead)
    client.force_login(w.lead)
    response = client.post(url("case_follow_up_cancel", w.case.pk, follow_up.pk))
    refused(response, inside=f"follow-up-{follow_up.pk}")
    assert "This follow-up is already done." in response.content.decode()
    assert FollowUp.objects.get().done_at is not None
    response = client.post(url("case_goal_update", w.case.pk, goal.pk), {"status": "??"})
    refused(response, inside=f"goal-{goal.pk}")
    assert "Choose where the goal stands from the list." in response.content.decode()
    assert Goal.objects.get().status == Goal.Status.ACTIVE


@pytest.mark.django_db
def test_a_refused_reopen_is_explained_in_the_closing_section(client, w):
    case_close(case=w.case, by=w.lead, summary="Done")
    client.force_login(w.nurse)  # may not reopen
    response = client.post(url("case_reopen", w.case.pk))
    refused(response, inside="closing")


@pytest.mark.django_db
def test_a_form_the_page_no_longer_shows_has_its_reason_at_the_top(client, w):
    client.force_login(w.lead)
    case_close(case=w.case, by=w.lead, summary="Done")  # in another tab, meanwhile
    response = client.post(url("case_note_add", w.case.pk), {"level": "team", "body": "Hi"})
    page = refused(response, inside="main")
    assert "notes" not in page.error_in
    assert "This case is closed. Reopen it to change it." in response.content.decode()


@pytest.mark.django_db
def test_a_close_by_someone_without_the_close_form_is_explained_at_the_top(client, w):
    client.force_login(w.nurse)
    response = client.post(url("case_close", w.case.pk), {"summary": "Done"})
    page = refused(response, inside="main")
    assert "closing" not in page.error_in and "close-form" not in page.error_in
    assert "Only the case lead or the safeguarding lead can close the case." in (
        response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, words",
    [
        ("case_update", {"tier": "9"}, "the case details form"),
        ("case_member_add", {"user": "0"}, "the team form"),
        ("case_goal_add", {}, "the goal form"),
        ("case_intervention_add", {}, "the intervention form"),
        ("case_follow_up_add", {}, "the follow-up form"),  # a form with a field named title
    ],
)
def test_the_top_message_names_the_refused_form(client, w, name, data, words):
    goal_add(case=w.case, by=w.lead, description="Attend")  # so the intervention form shows
    client.force_login(w.lead)
    response = client.post(url(name, w.case.pk), data)
    assert f'see <a href="#case-error">{words}</a>.' in response.content.decode()

"""The queue page (its order is in test_queue_order.py, time left and the tab title in
test_queue_time_left.py): filters as URL parameters (the live rows follow
them), categories, badges, presence (who else has an item open), the urgent cue, and a query
count that does not grow with the rows."""

import datetime
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns.services import concern_create
from schoolwell import realtime
from schoolwell.models import Category, Discipline, Membership, Role
from support_team import selectors
from support_team.models import Intake
from support_team.services import intake_claim, intake_open
from support_team.services.triage import intake_escalate, intake_presence_mark
from tests.factories import enrolled_student, member

QUEUE = reverse("support_team:queue")


def open_intake(school, student, urgency=Intake.Urgency.NORMAL, source="staff_note", **kw):
    return intake_open(
        school=school, student=student, source=source, summary="x", urgency=urgency, **kw
    )


def row_ids(response) -> list[int]:
    return [i.pk for i in response.context["intakes"]]


@pytest.fixture
def events(monkeypatch):
    sent = []

    class RecordingLayer:
        async def group_send(self, group, message):
            sent.append(message)

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: RecordingLayer())
    return sent


# --- grouping and what a row shows ---------------------------------------------------------


@pytest.mark.django_db
def test_a_concern_row_shows_its_categories_and_links_to_the_intake_page(
    client, school_a, team_a, teacher_a, student_a
):
    concern_create(
        reporter=teacher_a,
        school=school_a,
        student=student_a,
        categories=list(Category.objects.filter(slug__in=["attendance", "bullying"])),
        severity="moderate",
        narrative="never shown on the queue",
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
    )
    intake = Intake.objects.get()
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    names = dict(Category.objects.values_list("slug", "name"))
    assert f"<li>{names['attendance']}</li>" in html and f"<li>{names['bullying']}</li>" in html
    assert reverse("support_team:intake", args=[intake.pk]) in html
    assert "never shown on the queue" not in html


@pytest.mark.django_db
def test_escalated_and_overdue_items_wear_their_badges(client, school_a, team_a, student_a):
    intake = open_intake(school_a, student_a, Intake.Urgency.URGENT)
    intake_escalate(intake=intake, by=team_a)
    Intake.objects.filter(pk=intake.pk).update(
        target_at=intake.opened_at - datetime.timedelta(minutes=1)
    )
    client.force_login(team_a)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert "Escalated" in row and '<strong class="badge overdue">overdue by' in row


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def two_school_member(school_a, school_b, team_a):
    Membership.objects.create(
        user=team_a, role=Role.SUPPORT, school=school_b, discipline=Discipline.SOCIAL_WORKER
    )
    return team_a


@pytest.mark.django_db
def test_the_filters_narrow_the_queue_by_school_urgency_source_and_unclaimed(
    client, school_a, school_b, two_school_member, student_a, student_b
):
    a_urgent = open_intake(school_a, student_a, Intake.Urgency.URGENT)
    a_self = open_intake(school_a, enrolled_student(school_a), source="self_report")
    b_normal = open_intake(school_b, student_b)
    intake_claim(intake=b_normal, by=two_school_member)
    client.force_login(two_school_member)
    assert set(row_ids(client.get(QUEUE))) == {a_urgent.pk, a_self.pk, b_normal.pk}
    assert row_ids(client.get(QUEUE, {"school": school_b.pk})) == [b_normal.pk]
    assert row_ids(client.get(QUEUE, {"urgency": 0})) == [a_urgent.pk]
    assert row_ids(client.get(QUEUE, {"source": "self_report"})) == [a_self.pk]
    unclaimed = row_ids(client.get(QUEUE, {"unclaimed": "1", "school": school_a.pk}))
    assert set(unclaimed) == {a_urgent.pk, a_self.pk}
    assert "School B" in client.get(QUEUE).content.decode()  # the school filter is offered


@pytest.mark.django_db
def test_invalid_filter_values_are_ignored_and_the_form_shows_what_applies(
    client, school_a, school_b, team_a, student_a, student_b
):
    mine = open_intake(school_a, student_a)
    open_intake(school_b, student_b)
    client.force_login(team_a)
    response = client.get(
        QUEUE,
        {"school": school_b.pk, "urgency": "9", "source": "<script>", "unclaimed": "1"},
    )
    assert response.status_code == 200
    assert row_ids(response) == [mine.pk]
    form = response.context["filter_form"]
    assert form.filters == selectors.QueueFilters(unclaimed=True)
    html = response.content.decode()
    assert "<script>" not in html.split('id="queue"')[0]
    assert 'name="unclaimed" id="id_unclaimed" checked' in html


@pytest.mark.django_db
def test_an_empty_filtered_queue_says_the_filters_hide_items(client, school_a, team_a, student_a):
    open_intake(school_a, student_a)
    client.force_login(team_a)
    html = client.get(QUEUE, {"urgency": 0}).content.decode()
    assert "Nothing matches these filters" in html and "Show everything" in html


@pytest.mark.django_db
def test_the_live_row_and_the_rows_refetch_follow_the_pages_filters(
    client, school_a, team_a, student_a
):
    normal = open_intake(school_a, student_a)
    client.force_login(team_a)
    row_url = reverse("support_team:queue_row", args=[normal.pk])
    assert client.get(row_url, {"urgency": 2}).status_code == 200
    assert client.get(row_url, {"urgency": 0}).status_code == 204
    intake_claim(intake=normal, by=team_a)
    assert client.get(row_url, {"unclaimed": "1"}).status_code == 204
    rows = client.get(QUEUE, {"partial": "rows", "unclaimed": "1"}).content.decode()
    assert rows.strip().startswith('<tbody id="queue-rows"')
    assert f'id="intake-{normal.pk}"' not in rows


# --- presence -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_shows_who_else_has_the_item_open_but_not_yourself(
    client, school_a, team_a, student_a
):
    nadia = member(Role.SUPPORT, school=school_a, discipline="nurse", first_name="Nadia")
    intake = open_intake(school_a, student_a)
    intake_presence_mark(intake=intake, user=nadia)
    intake_presence_mark(intake=intake, user=team_a)
    client.force_login(team_a)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert f"Open now by {nadia}" in row
    assert str(team_a) not in row.split("Open now by")[1]
    client.force_login(nadia)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert f"Open now by {team_a}" in row


@pytest.mark.django_db
def test_the_heartbeat_announces_only_changes_in_who_is_looking_and_never_bumps_the_version(
    client, school_a, team_a, student_a, events
):
    intake = open_intake(school_a, student_a)
    events.clear()
    client.force_login(team_a)
    url = reverse("support_team:presence", args=[intake.pk])
    assert client.post(url).status_code == 204
    assert client.post(url).status_code == 204  # a repeat heartbeat changes nothing
    assert events == [
        {"type": "queue.presence", "intake": intake.pk, "viewers": [[team_a.pk, str(team_a)]]}
    ]
    assert client.post(url, {"leaving": "1"}).status_code == 204
    assert len(events) == 2
    assert events[1]["viewers"] == []
    assert selectors.presence_for(intake_ids=[intake.pk], exclude_user_id=None) == {}
    intake.refresh_from_db()
    assert intake.version == 1


@pytest.mark.django_db
def test_someone_whose_heartbeat_ran_out_is_no_longer_shown(
    school_a, team_a, student_a, monkeypatch
):
    intake = open_intake(school_a, student_a)
    intake_presence_mark(intake=intake, user=team_a)
    assert selectors.presence_for(intake_ids=[intake.pk], exclude_user_id=None)
    later = time.time() + selectors.PRESENCE_TTL + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert selectors.presence_for(intake_ids=[intake.pk], exclude_user_id=None) == {}


@pytest.mark.django_db
def test_presence_with_the_cache_down_breaks_neither_the_page_nor_the_heartbeat(
    client, school_a, team_a, student_a, monkeypatch
):
    intake = open_intake(school_a, student_a)

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    for method in ("get", "get_many", "set", "delete"):
        monkeypatch.setattr(cache, method, down)
    client.force_login(team_a)
    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse("support_team:intake", args=[intake.pk])).status_code == 200
    assert client.post(reverse("support_team:presence", args=[intake.pk])).status_code == 204


@pytest.mark.django_db
def test_presence_of_another_schools_item_is_not_found(client, school_b, team_a, student_b):
    intake = open_intake(school_b, student_b)
    client.force_login(team_a)
    assert client.post(reverse("support_team:presence", args=[intake.pk])).status_code == 404
    assert selectors.presence_for(intake_ids=[intake.pk], exclude_user_id=None) == {}


# --- the urgent cue -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_carries_the_urgent_cue_and_the_tone_is_on_by_default_for_the_whole_team(
    client, school_a, team_a
):
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    assert 'aria-live="assertive" data-urgent="New urgent item"' in html
    # Stored per person in the browser: the key carries who it is for.
    assert f'id="sound-toggle" data-default="on" data-user="{team_a.pk}"' in html
    assert "Sound on: play a tone when an urgent item arrives" in html
    assert 'id="sound-blocked" hidden>Your browser holds the tone back' in html
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    client.force_login(lead)
    assert 'id="sound-toggle" data-default="on"' in client.get(QUEUE).content.decode()


# --- query count ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_page_runs_the_same_queries_for_one_row_or_many(
    client, school_a, team_a, teacher_a, django_assert_num_queries
):
    """Grouping, categories and presence included: a page with one row and a page with 55
    rows (concerns with categories, groups, claimed and escalated items, people looking)
    run exactly as many queries."""
    client.force_login(team_a)
    looker = member(Role.SUPPORT, school=school_a, discipline="nurse")
    attendance = Category.objects.get(slug="attendance")

    def add(student, n):
        if n % 3 == 0:
            concern_create(
                reporter=teacher_a,
                school=school_a,
                student=student,
                categories=[attendance],
                severity="moderate",
                narrative="x",
                observed_on=datetime.date(2026, 1, 5),
                idempotency_key=uuid.uuid4(),
            )
            intake = Intake.objects.latest("pk")
        else:
            intake = open_intake(school_a, student, urgency=n % 3)
        if n % 5 == 2:
            intake_escalate(intake=intake, by=team_a)
        if n % 4 == 1:
            intake_claim(intake=intake, by=looker)
        if n % 2 == 0:
            intake_presence_mark(intake=intake, user=looker)

    add(enrolled_student(school_a), 0)
    client.get(QUEUE)  # the sign-in's one session write is behind us
    with CaptureQueriesContext(transaction.get_connection()) as one:
        assert len(row_ids(client.get(QUEUE))) == 1
    students = [enrolled_student(school_a) for _ in range(30)]
    for n in range(1, 55):
        add(students[n % 30], n)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(QUEUE)
    assert len(row_ids(response)) == 55
    assert "Open now by" in response.content.decode()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(QUEUE, {"partial": "rows", "unclaimed": "1"})


@pytest.mark.django_db(transaction=True)
def test_an_open_queue_hears_presence_changes_as_ids_only(school_a, team_a, student_a):
    from asgiref.sync import async_to_sync
    from channels.db import database_sync_to_async

    from tests.support_team.sockets import queue_socket

    intake = open_intake(school_a, student_a)
    nadia = member(Role.SUPPORT, school=school_a, discipline="nurse")
    communicator = queue_socket(team_a)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(intake_presence_mark)(intake=intake, user=nadia)
        event = await communicator.receive_json_from(timeout=2)
        await database_sync_to_async(intake_presence_mark)(intake=intake, user=nadia)
        quiet = await communicator.receive_nothing(0.3)
        await communicator.disconnect()
        return event, quiet

    viewers = [[nadia.pk, str(nadia)]]
    assert async_to_sync(scenario)() == (
        {"type": "queue.presence", "intake": intake.pk, "viewers": viewers},
        True,
    )

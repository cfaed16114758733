"""The queue page: grouping by student, filters as URL parameters (the live rows follow
them), categories, badges, presence (who else has an item open), the urgent cue, and a query
count that does not grow with the rows."""

import datetime
import re
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns.models import Category
from concerns.services import concern_create
from schoolwell import realtime
from schoolwell.models import Discipline, Membership, Role
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
def test_items_about_one_student_sit_together_ordered_by_the_groups_most_urgent_item(
    client, school_a, team_a
):
    anna, ben, cleo = (enrolled_student(school_a) for _ in range(3))
    ben_high = open_intake(school_a, ben, Intake.Urgency.HIGH)
    anna_normal = open_intake(school_a, anna)
    cleo_normal = open_intake(school_a, cleo)
    anna_urgent = open_intake(school_a, anna, Intake.Urgency.URGENT)
    cleo_high = open_intake(school_a, cleo, Intake.Urgency.HIGH)
    client.force_login(team_a)
    response = client.get(QUEUE)
    # Anna's group leads (it holds the only urgent item); Ben's high item has an earlier
    # target than Cleo's, so Ben's group comes next; in each group, urgent first.
    assert row_ids(response) == [
        anna_urgent.pk,
        anna_normal.pk,
        ben_high.pk,
        cleo_high.pk,
        cleo_normal.pk,
    ]
    html = response.content.decode()
    starts = re.findall(r'<tr id="intake-(\d+)" class="group-start"', html)
    assert [int(pk) for pk in starts] == [anna_urgent.pk, ben_high.pk, cleo_high.pk]
    assert "2 open items" in html


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
def test_escalated_and_past_target_items_wear_their_badges(client, school_a, team_a, student_a):
    intake = open_intake(school_a, student_a, Intake.Urgency.URGENT)
    intake_escalate(intake=intake, by=team_a)
    Intake.objects.filter(pk=intake.pk).update(
        target_at=intake.opened_at - datetime.timedelta(minutes=1)
    )
    client.force_login(team_a)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert "Escalated" in row and "Past target" in row


# --- the page boundary and the order across groups -----------------------------------------

# Target times are set by hand so ties and overdue items are exact (intake_open works them out
# from the clock and the school calendar).
BASE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
URGENT, HIGH, NORMAL = Intake.Urgency.URGENT, Intake.Urgency.HIGH, Intake.Urgency.NORMAL


def due(school, student, urgency, hours, source="staff_note"):
    """An open intake whose target is `hours` after BASE (negative: overdue)."""
    intake = open_intake(school, student, urgency, source=source)
    Intake.objects.filter(pk=intake.pk).update(target_at=BASE + datetime.timedelta(hours=hours))
    intake.refresh_from_db()
    return intake


def documented_order(intakes) -> list[int]:
    """The queue's order worked out here from the model fields alone: a student's items sit
    together; groups go by their most urgent item, then their nearest target, then student id
    (a stable tie-break); within a group, urgency, then target, then id."""
    groups: dict[int, list] = {}
    for intake in intakes:
        groups.setdefault(intake.student_id, []).append(intake)

    def group_key(student_id):
        items = groups[student_id]
        return (min(i.urgency for i in items), min(i.target_at for i in items), student_id)

    return [
        i.pk
        for student_id in sorted(groups, key=group_key)
        for i in sorted(groups[student_id], key=lambda i: (i.urgency, i.target_at, i.pk))
    ]


def data_rank(html: str, pk: int) -> str:
    return re.search(rf'<tr id="intake-{pk}" [^>]*data-rank="([^"]*)"', html).group(1)


@pytest.fixture
def page_of_six(monkeypatch):
    monkeypatch.setattr("support_team.selectors.queue.QUEUE_PAGE_SIZE", 6)
    return 6


@pytest.mark.django_db
def test_a_student_cut_by_the_page_end_shows_their_most_pressing_items_last_and_nobody_after(
    client, school_a, team_a, page_of_six
):
    """Page of 6: four single-item students, then Eve's five items, then three more
    students. The page holds exactly 6 rows: the four, then Eve's two most pressing items in
    her own order; nobody after Eve shows, and Eve's rows still say she has 5 open items."""
    ahead = [enrolled_student(school_a) for _ in range(4)]
    eve = enrolled_student(school_a)
    tied, overdue, later = (enrolled_student(school_a) for _ in range(3))
    # Created before Eve's items so an order by id would put them first.
    tied_item = due(school_a, tied, HIGH, 3)  # ties Eve's group, a later student: after her
    overdue_item = due(school_a, overdue, NORMAL, -100)  # long overdue, but only normal
    later_item = due(school_a, later, HIGH, 3.5)
    a1 = due(school_a, ahead[0], URGENT, 1)
    a2 = due(school_a, ahead[1], URGENT, 0.5)
    a3 = due(school_a, ahead[2], HIGH, 1)
    a4 = due(school_a, ahead[3], HIGH, 3)  # ties Eve's group, an earlier student: before her
    e1 = due(school_a, eve, HIGH, 6)
    e2 = due(school_a, eve, NORMAL, 8)
    e3 = due(school_a, eve, HIGH, 3)
    e4 = due(school_a, eve, HIGH, 6)
    e5 = due(school_a, eve, NORMAL, 4)
    client.force_login(team_a)
    response = client.get(QUEUE)
    # Eve in full would read e3, e1, e4, e5, e2: her two earliest targets (e3, e5) or her
    # two oldest items (e1, e2) would be wrong.
    assert row_ids(response) == [a2.pk, a1.pk, a3.pk, a4.pk, e3.pk, e1.pk]
    assert {e2.pk, e4.pk, e5.pk, tied_item.pk, overdue_item.pk, later_item.pk}.isdisjoint(
        row_ids(response)
    )
    html = response.content.decode()
    assert f'<tr id="intake-{e1.pk}" class="group-cont"' in html
    assert html.count("5 open items") == 2
    rows = client.get(QUEUE, {"partial": "rows"}).content.decode()
    assert [int(pk) for pk in re.findall(r'<tr id="intake-(\d+)"', rows)] == row_ids(response)


@pytest.mark.django_db
def test_the_page_end_cuts_only_the_last_student_never_a_less_urgent_item_of_an_earlier_one(
    client, school_a, team_a, page_of_six
):
    """Ada leads with an urgent item and also has a normal one; Eve's high items would sort
    before Ada's normal one in a flat order, yet Ada's group is whole and Eve's is cut."""
    ada, bo, cy, eve = (enrolled_student(school_a) for _ in range(4))
    ada_urgent = due(school_a, ada, URGENT, 1)
    ada_normal = due(school_a, ada, NORMAL, 50)
    bo_urgent = due(school_a, bo, URGENT, 2)
    cy_high = due(school_a, cy, HIGH, 3)
    eve_items = [due(school_a, eve, HIGH, hours) for hours in (4, 5, 6, 7, 8)]
    client.force_login(team_a)
    assert row_ids(client.get(QUEUE)) == [
        ada_urgent.pk,
        ada_normal.pk,
        bo_urgent.pk,
        cy_high.pk,
        eve_items[0].pk,
        eve_items[1].pk,
    ]


@pytest.mark.django_db
def test_groups_with_tied_targets_and_mixed_urgencies_follow_the_documented_order(
    client, school_a, team_a
):
    """Seven students with ties in urgency and target both between groups and inside them;
    the page matches the order worked out in this test from the model fields, and the groups
    start in the order written out by hand."""
    s1, s2, s3, s4, s5, s6, s7 = (enrolled_student(school_a) for _ in range(7))
    # The later student of each tied pair opens first, so neither creation order nor item id
    # can stand in for the student tie-break.
    due(school_a, s2, HIGH, 2)
    due(school_a, s1, NORMAL, 30)
    due(school_a, s1, HIGH, 2)
    due(school_a, s1, NORMAL, 30)  # same urgency and target as the other: by id
    due(school_a, s1, HIGH, 35)  # after s1's first high item, before its earlier normal ones
    due(school_a, s4, URGENT, 1)
    due(school_a, s3, NORMAL, 40)
    due(school_a, s3, URGENT, 1)
    due(school_a, s7, NORMAL, 1)
    due(school_a, s7, NORMAL, -5)
    due(school_a, s5, NORMAL, -5)
    due(school_a, s6, HIGH, 0.5)
    due(school_a, s6, URGENT, 0.5)  # same target as s6's high item: urgent first
    expected = documented_order(Intake.objects.all())
    flat = list(Intake.objects.order_by("urgency", "target_at", "pk").values_list("pk", flat=True))
    assert expected != flat  # grouping matters in this data
    starts = [s6, s3, s4, s1, s2, s5, s7]
    client.force_login(team_a)
    response = client.get(QUEUE)
    assert row_ids(response) == expected
    html = response.content.decode()
    group_starts = [
        int(pk) for pk in re.findall(r'<tr id="intake-(\d+)" class="group-start"', html)
    ]
    assert [Intake.objects.get(pk=pk).student for pk in group_starts] == starts


@pytest.mark.django_db
def test_a_groups_nearest_target_may_come_from_a_less_urgent_item(client, school_a, team_a):
    """The rule as written today (and before the two-query rewrite): a group's place is its
    most urgent item, then the nearest target of any of its items. So Ann, urgent with an hour
    left but also holding an overdue normal item, comes before Ben, urgent with half an hour
    left."""
    ann, ben = enrolled_student(school_a), enrolled_student(school_a)
    ben_urgent = due(school_a, ben, URGENT, 0.5)
    ann_urgent = due(school_a, ann, URGENT, 1)
    ann_overdue = due(school_a, ann, NORMAL, -10)
    client.force_login(team_a)
    response = client.get(QUEUE)
    assert row_ids(response) == [ann_urgent.pk, ann_overdue.pk, ben_urgent.pk]
    html = response.content.decode()
    overdue_at = int(ann_overdue.target_at.timestamp())
    assert (
        data_rank(html, ann_urgent.pk)
        == f"0|{overdue_at}|0|{int(ann_urgent.target_at.timestamp())}"
    )


@pytest.mark.parametrize(
    "narrowed_by", [{"urgency": NORMAL}, {"source": "self_report"}, {"unclaimed": "1"}]
)
@pytest.mark.django_db
def test_a_filter_drops_a_students_other_items_and_places_the_group_by_what_remains(
    client, school_a, team_a, narrowed_by
):
    """Each filter leaves out Xia's urgent and high items (staff notes, claimed). What is left
    of her group (two normal requests, due in 20 and 30 hours) goes after Yan's normal request
    due in 10: the group's place, its figures and its "open items" count come from the
    remaining items only, on the page and in the live row alike."""
    xia, yan = enrolled_student(school_a), enrolled_student(school_a)
    x_urgent = due(school_a, xia, URGENT, 0.1)
    x_high = due(school_a, xia, HIGH, 0.2)
    for intake in (x_urgent, x_high):
        intake_claim(intake=intake, by=team_a)
    x_first = due(school_a, xia, NORMAL, 20, source="self_report")
    x_second = due(school_a, xia, NORMAL, 30, source="self_report")
    y_normal = due(school_a, yan, NORMAL, 10, source="self_report")
    client.force_login(team_a)
    everything = row_ids(client.get(QUEUE))
    assert everything == [x_urgent.pk, x_high.pk, x_first.pk, x_second.pk, y_normal.pk]
    response = client.get(QUEUE, narrowed_by)
    assert row_ids(response) == [y_normal.pk, x_first.pk, x_second.pk]
    html = response.content.decode()
    assert "2 open items" in html and "4 open items" not in html
    figures = f"2|{int(x_first.target_at.timestamp())}"
    assert data_rank(html, x_second.pk) == f"{figures}|2|{int(x_second.target_at.timestamp())}"
    row_url = reverse("support_team:queue_row", args=[x_second.pk])
    live = client.get(row_url, narrowed_by).content.decode()
    assert data_rank(live, x_second.pk) == data_rank(html, x_second.pk)
    assert "2 open items" in live
    hidden = reverse("support_team:queue_row", args=[x_urgent.pk])
    assert client.get(hidden, narrowed_by).status_code == 204


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
    assert rows.strip().startswith('<tbody id="queue-rows">')
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
    assert events == [{"type": "queue.presence", "intake": intake.pk}]
    assert client.post(url, {"leaving": "1"}).status_code == 204
    assert len(events) == 2
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
def test_the_page_carries_the_urgent_cue_and_sound_is_on_by_default_only_for_leads(
    client, school_a, team_a
):
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    assert 'aria-live="assertive" data-urgent="New urgent item"' in html
    assert 'id="sound-toggle" data-default="off"' in html
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
    from channels.testing import WebsocketCommunicator

    from support_team.consumers import QueueConsumer

    intake = open_intake(school_a, student_a)
    nadia = member(Role.SUPPORT, school=school_a, discipline="nurse")

    async def scenario():
        communicator = WebsocketCommunicator(QueueConsumer.as_asgi(), "/ws/team/queue/")
        communicator.scope["user"] = team_a
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(intake_presence_mark)(intake=intake, user=nadia)
        event = await communicator.receive_json_from(timeout=2)
        await database_sync_to_async(intake_presence_mark)(intake=intake, user=nadia)
        quiet = await communicator.receive_nothing(0.3)
        await communicator.disconnect()
        return event, quiet

    assert async_to_sync(scenario)() == ({"type": "queue.presence", "intake": intake.pk}, True)

"""The queue's order: most urgent first, then the least time left to target (overdue first).
A student's items of one urgency sit together, placed by the soonest of them; a student's
less urgent items sit among the less urgent items. So no item is ever below a less urgent
one, whatever the grouping, the filters or the page end."""

import datetime
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support_team.models import Intake
from support_team.services import intake_claim, intake_open
from tests.factories import enrolled_student

QUEUE = reverse("support_team:queue")
URGENT, HIGH, NORMAL = Intake.Urgency.URGENT, Intake.Urgency.HIGH, Intake.Urgency.NORMAL
# Target times are set by hand so ties and overdue items are exact (intake_open works them out
# from the clock and the school calendar).
BASE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def open_intake(school, student, urgency=NORMAL, source="staff_note"):
    return intake_open(school=school, student=student, source=source, summary="x", urgency=urgency)


def due(school, student, urgency, hours, source="staff_note"):
    """An open intake whose target is `hours` after BASE (negative: overdue)."""
    intake = open_intake(school, student, urgency, source=source)
    Intake.objects.filter(pk=intake.pk).update(target_at=BASE + datetime.timedelta(hours=hours))
    intake.refresh_from_db()
    return intake


def row_ids(response) -> list[int]:
    return [i.pk for i in response.context["intakes"]]


def group_starts(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="intake-(\d+)" class="group-start', html)]


def data_rank(html: str, pk: int) -> str:
    return re.search(rf'<tr id="intake-{pk}" [^>]*data-rank="([^"]*)"', html).group(1)


def documented_order(intakes) -> list[int]:
    """The queue's order worked out here from the model fields alone: groups are one student's
    items of one urgency; they go by urgency, then their nearest target, then student id (a
    stable tie-break); within a group, target, then id."""
    groups: dict[tuple[int, int], list] = {}
    for intake in intakes:
        groups.setdefault((intake.urgency, intake.student_id), []).append(intake)

    def group_key(key):
        urgency, student_id = key
        return (urgency, min(i.target_at for i in groups[key]), student_id)

    return [
        i.pk
        for key in sorted(groups, key=group_key)
        for i in sorted(groups[key], key=lambda i: (i.target_at, i.pk))
    ]


@pytest.fixture
def page_of_six(monkeypatch):
    monkeypatch.setattr("support_team.selectors.queue.QUEUE_PAGE_SIZE", 6)
    return 6


# --- the example that was filed ------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_urgent_concern_is_row_one_above_another_students_many_normal_items(
    client, school_a, team_a
):
    """Sam has twelve normal items, several overdue; then an urgent concern about Ria
    arrives. It is row 1."""
    sam, ria = enrolled_student(school_a), enrolled_student(school_a)
    for hours in range(-6, 6):
        due(school_a, sam, NORMAL, hours)
    urgent = open_intake(school_a, ria, URGENT, source="concern")
    client.force_login(team_a)
    assert row_ids(client.get(QUEUE))[0] == urgent.pk


@pytest.mark.django_db
def test_a_students_overdue_normal_items_no_longer_carry_them_above_a_new_urgent_item(
    client, school_a, team_a
):
    """What put the new urgent concern at row 13: Sam's group had an urgent item too, and a
    group went by its most urgent item, then the nearest target of *any* of its items (an
    overdue normal one), so all eleven of Sam's normal items came before Ria's urgent one.
    Now Sam's urgent item and Ria's are rows 1 and 2, in order of time left, and Sam's
    normal items follow them."""
    sam, ria = enrolled_student(school_a), enrolled_student(school_a)
    for hours in range(-11, 0):
        due(school_a, sam, NORMAL, hours)
    sam_urgent = due(school_a, sam, URGENT, 0.5)
    ria_urgent = due(school_a, ria, URGENT, 1, source="concern")
    client.force_login(team_a)
    response = client.get(QUEUE)
    ids = row_ids(response)
    assert ids[:2] == [sam_urgent.pk, ria_urgent.pk]
    assert {i.urgency for i in response.context["intakes"][2:]} == {NORMAL}
    html = response.content.decode()
    assert group_starts(html)[:3] == ids[:3]  # Sam's urgent item and his normal ones: 2 groups
    assert html.count("12 open items") == 12  # each of his rows says he has more elsewhere


# --- grouping and the order across groups ---------------------------------------------------


@pytest.mark.django_db
def test_a_students_items_of_one_urgency_sit_together_and_less_urgent_ones_take_their_place(
    client, school_a, team_a
):
    anna, ben, cleo = (enrolled_student(school_a) for _ in range(3))
    ben_high = due(school_a, ben, HIGH, 5)
    anna_normal = due(school_a, anna, NORMAL, 20)
    cleo_normal = due(school_a, cleo, NORMAL, 30)
    anna_urgent = due(school_a, anna, URGENT, 1)
    cleo_high = due(school_a, cleo, HIGH, 6)
    cleo_high_later = due(school_a, cleo, HIGH, 40)
    ben_normal = due(school_a, ben, NORMAL, 25)
    client.force_login(team_a)
    response = client.get(QUEUE)
    # Cleo's two high items sit together although Ben's normal item is due between them.
    assert row_ids(response) == [
        anna_urgent.pk,
        ben_high.pk,
        cleo_high.pk,
        cleo_high_later.pk,
        anna_normal.pk,
        ben_normal.pk,
        cleo_normal.pk,
    ]
    html = response.content.decode()
    assert group_starts(html) == [
        anna_urgent.pk,
        ben_high.pk,
        cleo_high.pk,
        anna_normal.pk,
        ben_normal.pk,
        cleo_normal.pk,
    ]
    assert "3 open items" in html and "2 open items" in html


@pytest.mark.django_db
def test_groups_with_tied_targets_and_mixed_urgencies_follow_the_documented_order(
    client, school_a, team_a
):
    """Seven students with ties in urgency and target both between groups and inside them;
    the page matches the order worked out in this test from the model fields."""
    s1, s2, s3, s4, s5, s6, s7 = (enrolled_student(school_a) for _ in range(7))
    # The later student of each tied pair opens first, so neither creation order nor item id
    # can stand in for the student tie-break.
    due(school_a, s2, HIGH, 2)
    due(school_a, s1, NORMAL, 30)
    due(school_a, s1, HIGH, 2)
    due(school_a, s1, NORMAL, 30)  # same urgency and target as the other: by id
    due(school_a, s1, HIGH, 35)
    due(school_a, s4, URGENT, 1)
    due(school_a, s3, NORMAL, 40)
    due(school_a, s3, URGENT, 1)
    due(school_a, s7, NORMAL, 1)
    due(school_a, s7, NORMAL, -5)
    due(school_a, s5, NORMAL, -5)
    due(school_a, s6, HIGH, 0.5)
    due(school_a, s6, URGENT, 0.5)
    expected = documented_order(Intake.objects.all())
    client.force_login(team_a)
    assert row_ids(client.get(QUEUE)) == expected


@pytest.mark.django_db
def test_the_page_end_cuts_only_the_last_group_and_in_its_own_order(
    client, school_a, team_a, page_of_six
):
    """Page of 6: three items ahead, then Eve's four high items, then Tia's high item that
    ties Eve's group (a later student: after her). The page holds the three, then Eve's three
    most pressing high items; neither Tia nor Eve's long-overdue normal item shows, and Eve's
    rows still say she has 5 open items."""
    ahead = [enrolled_student(school_a) for _ in range(3)]
    eve, tia = enrolled_student(school_a), enrolled_student(school_a)
    tied = due(school_a, tia, HIGH, 3)  # opened first, so an order by id would put it first
    a1 = due(school_a, ahead[0], URGENT, 1)
    a2 = due(school_a, ahead[1], URGENT, 0.5)
    a3 = due(school_a, ahead[2], HIGH, 1)
    e1 = due(school_a, eve, HIGH, 6)
    e2 = due(school_a, eve, NORMAL, -100)
    e3 = due(school_a, eve, HIGH, 3)
    e4 = due(school_a, eve, HIGH, 6)
    e5 = due(school_a, eve, HIGH, 7)
    client.force_login(team_a)
    response = client.get(QUEUE)
    assert row_ids(response) == [a2.pk, a1.pk, a3.pk, e3.pk, e1.pk, e4.pk]
    assert {e2.pk, e5.pk, tied.pk}.isdisjoint(row_ids(response))
    html = response.content.decode()
    assert f'<tr id="intake-{e1.pk}" class="group-cont' in html
    assert html.count("5 open items") == 3
    rows = client.get(QUEUE, {"partial": "rows"}).content.decode()
    assert [int(pk) for pk in re.findall(r'<tr id="intake-(\d+)"', rows)] == row_ids(response)


@pytest.mark.django_db
def test_an_overdue_normal_item_does_not_pull_its_students_urgent_item_ahead(
    client, school_a, team_a
):
    """Ann, urgent with an hour left and also an overdue normal item, comes after Ben, urgent
    with half an hour left; a group's figures are its own urgency's items only."""
    ann, ben = enrolled_student(school_a), enrolled_student(school_a)
    ben_urgent = due(school_a, ben, URGENT, 0.5)
    ann_urgent = due(school_a, ann, URGENT, 1)
    ann_overdue = due(school_a, ann, NORMAL, -10)
    client.force_login(team_a)
    response = client.get(QUEUE)
    assert row_ids(response) == [ben_urgent.pk, ann_urgent.pk, ann_overdue.pk]
    at = int(ann_urgent.target_at.timestamp())
    assert data_rank(response.content.decode(), ann_urgent.pk) == f"0|{at}|0|{at}"
    live = client.get(reverse("support_team:queue_row", args=[ann_urgent.pk])).content.decode()
    assert data_rank(live, ann_urgent.pk) == f"0|{at}|0|{at}"


@pytest.mark.parametrize(
    "narrowed_by", [{"urgency": NORMAL}, {"source": "self_report"}, {"unclaimed": "1"}]
)
@pytest.mark.django_db
def test_a_filter_drops_a_students_other_items_and_counts_only_what_remains(
    client, school_a, team_a, narrowed_by
):
    """Each filter leaves out Xia's urgent and high items (staff notes, claimed). What is
    left of her (two normal requests, due in 20 and 30 hours) goes after Yan's normal request
    due in 10, and her "open items" count is what remains, on the page and in the live row."""
    xia, yan = enrolled_student(school_a), enrolled_student(school_a)
    x_urgent = due(school_a, xia, URGENT, 0.1)
    x_high = due(school_a, xia, HIGH, 0.2)
    for intake in (x_urgent, x_high):
        intake_claim(intake=intake, by=team_a)
    x_first = due(school_a, xia, NORMAL, 20, source="self_report")
    x_second = due(school_a, xia, NORMAL, 30, source="self_report")
    y_normal = due(school_a, yan, NORMAL, 10, source="self_report")
    client.force_login(team_a)
    everything = client.get(QUEUE)
    assert row_ids(everything) == [x_urgent.pk, x_high.pk, y_normal.pk, x_first.pk, x_second.pk]
    assert "4 open items" in everything.content.decode()
    response = client.get(QUEUE, narrowed_by)
    assert row_ids(response) == [y_normal.pk, x_first.pk, x_second.pk]
    html = response.content.decode()
    assert "2 open items" in html and "4 open items" not in html
    figures = f"2|{int(x_first.target_at.timestamp())}"
    assert data_rank(html, x_second.pk) == f"{figures}|2|{int(x_second.target_at.timestamp())}"
    live = client.get(reverse("support_team:queue_row", args=[x_second.pk]), narrowed_by)
    assert data_rank(live.content.decode(), x_second.pk) == data_rank(html, x_second.pk)
    assert "2 open items" in live.content.decode()
    hidden = reverse("support_team:queue_row", args=[x_urgent.pk])
    assert client.get(hidden, narrowed_by).status_code == 204


# --- for any data ---------------------------------------------------------------------------

items = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4),  # which student
        st.sampled_from([URGENT, HIGH, NORMAL]),
        st.integers(min_value=-60, max_value=60),  # target, hours from BASE
        st.booleans(),  # claimed
    ),
    min_size=1,
    max_size=14,
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=items, unclaimed_only=st.booleans())
def test_no_item_is_ever_below_a_less_urgent_one_and_the_page_is_the_orders_first_rows(
    client, school_a, team_a, page_of_six, data, unclaimed_only
):
    students = getattr(school_a, "_order_students", None)
    if students is None:
        students = school_a._order_students = [enrolled_student(school_a) for _ in range(5)]
    Intake.objects.all().delete()
    Intake.objects.bulk_create(
        Intake(
            school=school_a,
            student=students[who],
            source="staff_note",
            summary="x",
            urgency=urgency,
            status=Intake.Status.CLAIMED if claimed else Intake.Status.NEW,
            claimed_by=team_a if claimed else None,
            opened_at=BASE,
            target_at=BASE + datetime.timedelta(hours=hours),
        )
        for who, urgency, hours, claimed in data
    )
    client.force_login(team_a)
    response = client.get(QUEUE, {"unclaimed": "1"} if unclaimed_only else {})
    shown = response.context["intakes"]
    urgencies = [i.urgency for i in shown]
    assert urgencies == sorted(urgencies)
    for above, below in zip(shown, shown[1:], strict=False):
        if (above.urgency, above.student_id) != (below.urgency, below.student_id):
            assert (above.group_urgency, above.group_target) <= (
                below.group_urgency,
                below.group_target,
            )
    visible = Intake.objects.filter(claimed_by__isnull=True) if unclaimed_only else Intake.objects
    assert [i.pk for i in shown] == documented_order(visible.all())[:page_of_six]

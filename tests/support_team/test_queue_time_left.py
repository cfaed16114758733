"""What each queue row says about its time left against its target (urgent: one hour;
others: two school days), the red overdue rows, when the page re-reads its countdown, and
the tab title's count of unclaimed urgent items."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from schoolwell.models import Holiday
from support_team.models import Intake
from support_team.selectors import time_left
from support_team.services import intake_claim, intake_open
from tests.factories import enrolled_student

QUEUE = reverse("support_team:queue")
CHICAGO = ZoneInfo("America/Chicago")
URGENT, HIGH, NORMAL = Intake.Urgency.URGENT, Intake.Urgency.HIGH, Intake.Urgency.NORMAL
# Wednesday 18 November 2026, 10:00 at the school.
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=CHICAGO)


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, second, tzinfo=CHICAGO)


def measure(now, target, closed=frozenset()):
    return time_left._measure(now=now, target=target, closed=set(closed))


@pytest.fixture
def frozen(monkeypatch):
    """The queue's countdown reads NOW (sign-in and everything else keep the real clock)."""
    monkeypatch.setattr(time_left, "clock", lambda: NOW)
    return NOW


def open_due(school, student, urgency, target):
    intake = intake_open(
        school=school, student=student, source="staff_note", summary="x", urgency=urgency
    )
    Intake.objects.filter(pk=intake.pk).update(target_at=target)
    intake.refresh_from_db()
    return intake


def row_html(html: str, pk: int) -> str:
    return re.search(rf'<tr id="intake-{pk}".*?</tr>', html, re.S).group(0)


# --- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "text", "overdue"),
    [
        (at(18, 10, 42, 30), "43 min left", False),  # rounded up: never "0 min left"
        (at(18, 10, 0, 1), "1 min left", False),
        (at(18, 11), "60 min left", False),  # a new urgent item
        (at(18, 13, 30), "3 h left", False),
        (at(19, 9), "23 h left", False),  # tomorrow, but not yet a whole school day
        (at(19, 10), "1 school day left", False),
        (at(19, 15), "1 school day left", False),  # due tomorrow, counted as a person does
        (at(20, 10), "2 school days left", False),  # a new normal item
        (at(20, 9, 59, 59), "2 school days left", False),  # ... a second later
        (at(18, 10), "overdue by 1 min", True),  # overdue from its first second
        (at(18, 9, 58, 59), "overdue by 1 min", True),
        (at(18, 7, 59), "overdue by 2 h", True),
        (at(17, 10), "overdue by 1 school day", True),
        (at(13, 10), "overdue by 3 school days", True),  # Fri 13th: the weekend does not count
    ],
)
def test_time_left_reads_in_minutes_hours_or_school_days_and_says_when_overdue(
    target, text, overdue
):
    found = measure(NOW, target)
    assert (found.text, found.overdue) == (text, overdue)


def test_the_weekend_and_holidays_do_not_count_as_school_days():
    friday = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=CHICAGO)
    tuesday = datetime.datetime(2026, 11, 24, 16, 0, tzinfo=CHICAGO)
    wednesday = datetime.datetime(2026, 11, 25, 16, 0, tzinfo=CHICAGO)
    assert measure(friday, tuesday).text == "2 school days left"
    assert measure(friday, wednesday, {datetime.date(2026, 11, 23)}).text == "2 school days left"


def test_each_text_says_when_it_next_changes():
    assert measure(NOW, at(18, 10, 42, 30)).changes_in == 30  # "43" becomes "42 min left"
    assert measure(NOW, at(18, 13, 30)).changes_in == 1800  # "3 h" becomes "2 h left"
    assert measure(NOW, at(18, 9, 58, 59)).changes_in == 59  # "by 1 min" becomes "by 2 min"
    assert measure(NOW, at(18, 7, 59)).changes_in == 3540  # "by 2 h" becomes "by 3 h"


# --- on the page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_row_is_red_and_says_so_in_words_and_one_on_time_is_not(
    client, school_a, team_a, frozen
):
    late = open_due(school_a, enrolled_student(school_a), URGENT, at(18, 7, 59))
    on_time = open_due(school_a, enrolled_student(school_a), NORMAL, at(20))
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    late_row, on_time_row = row_html(html, late.pk), row_html(html, on_time.pk)
    assert "row-overdue" in late_row.split(">")[0]
    assert '<strong class="badge overdue">overdue by 2 h</strong>' in late_row
    assert "row-overdue" not in on_time_row and "overdue" not in on_time_row
    assert '<td class="time-left">2 school days left</td>' in on_time_row
    live = client.get(reverse("support_team:queue_row", args=[late.pk])).content.decode()
    assert "row-overdue" in live and "overdue by 2 h" in live


@pytest.mark.django_db
def test_school_days_left_on_the_page_skip_the_schools_holidays(
    client, school_a, team_a, monkeypatch
):
    friday = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=CHICAGO)
    monkeypatch.setattr(time_left, "clock", lambda: friday)
    Holiday.objects.create(
        district=school_a.district, date=datetime.date(2026, 11, 23), name="Closed"
    )
    intake = open_due(school_a, enrolled_student(school_a), NORMAL, friday.replace(day=25))
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    assert "2 school days left" in row_html(html, intake.pk)  # Tue 24th and Wed 25th


@pytest.mark.django_db
def test_the_rows_say_when_the_page_should_re_read_its_countdown(client, school_a, team_a, frozen):
    open_due(school_a, enrolled_student(school_a), NORMAL, at(20))
    open_due(school_a, enrolled_student(school_a), URGENT, at(18, 10, 42, 30))
    client.force_login(team_a)
    assert '<tbody id="queue-rows" data-tick="30">' in client.get(QUEUE).content.decode()
    rows = client.get(QUEUE, {"partial": "rows", "urgency": NORMAL}).content.decode()
    assert f'data-tick="{time_left.IDLE_TICK}"' in rows


# --- the tab title --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_tab_title_counts_unclaimed_urgent_items_whatever_the_filters(
    client, school_a, school_b, team_a, student_b
):
    waiting = [
        intake_open(
            school=school_a,
            student=enrolled_student(school_a),
            source="staff_note",
            summary="x",
            urgency=URGENT,
        )
        for _ in range(3)
    ]
    intake_claim(intake=waiting[0], by=team_a)  # claimed: someone has it
    intake_open(
        school=school_a,
        student=enrolled_student(school_a),
        source="staff_note",
        summary="x",
        urgency=HIGH,
    )
    intake_open(
        school=school_b, student=student_b, source="staff_note", summary="x", urgency=URGENT
    )
    client.force_login(team_a)
    assert "<title>(2) Queue · SchoolWell</title>" in client.get(QUEUE).content.decode()
    # A filter that hides the urgent items does not hide their count.
    narrowed = client.get(QUEUE, {"urgency": NORMAL})
    assert "<title>(2) Queue · SchoolWell</title>" in narrowed.content.decode()
    # Every re-read the live page makes carries the count, answers with no row included.
    assert client.get(QUEUE, {"partial": "rows"})["X-Urgent-Unclaimed"] == "2"
    row = reverse("support_team:queue_row", args=[waiting[1].pk])
    assert client.get(row)["X-Urgent-Unclaimed"] == "2"
    gone = client.get(row, {"urgency": NORMAL})
    assert (gone.status_code, gone["X-Urgent-Unclaimed"]) == (204, "2")
    intake_claim(intake=waiting[1], by=team_a)
    assert client.get(row)["X-Urgent-Unclaimed"] == "1"


@pytest.mark.django_db
def test_with_no_urgent_item_waiting_the_tab_title_has_no_count_and_the_page_has_both_titles(
    client, school_a, team_a
):
    client.force_login(team_a)
    html = client.get(QUEUE).content.decode()
    assert "<title>Queue · SchoolWell</title>" in html
    assert 'data-title-calm="Queue · SchoolWell" data-title-urgent="(#) Queue · SchoolWell"' in html

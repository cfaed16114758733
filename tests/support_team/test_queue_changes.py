"""A queue screen coming back (a reconnect, a skipped version) asks for what changed since its
last read instead of re-reading the whole table (support_team/views/queue.py queue_changes,
static/schoolwell/queue.js refetchChanges)."""

import datetime
import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from support_team.models import Intake
from support_team.selectors import queue as queue_selectors
from support_team.services import intake_claim, intake_open
from support_team.services.triage import intake_close
from tests.factories import enrolled_student

URL = reverse("support_team:queue_changes")


def open_intake(school, student, urgency=Intake.Urgency.NORMAL):
    return intake_open(
        school=school, student=student, source="staff_note", summary="Needs a word", urgency=urgency
    )


def read_at(client, **params) -> float:
    """The server time of a whole read of the table, as the page keeps it."""
    response = client.get(reverse("support_team:queue"), {"partial": "rows", **params})
    return float(response["X-Queue-Read-At"])


def changes(client, since, **params) -> dict:
    response = client.get(URL, {"since": since, **params})
    assert response.status_code == 200
    answer = json.loads(response.content)
    if "full" not in answer:  # a read of the changes: its time, for the next one
        answer["at"] = float(response["X-Queue-Read-At"])
    return answer


def age(intake: Intake, seconds: float) -> None:
    """As if the intake had last changed `seconds` ago."""
    at = timezone.now() - datetime.timedelta(seconds=seconds)
    Intake.objects.filter(pk=intake.pk).update(changed_at=at)


@pytest.mark.django_db
def test_a_new_item_comes_with_its_students_rows_rendered_and_nothing_else(
    client, school_a, student_a, team_a
):
    quiet = open_intake(school_a, enrolled_student(school_a))
    older = open_intake(school_a, student_a)
    for intake in (quiet, older):
        age(intake, 600)
    client.force_login(team_a)
    page = client.get(reverse("support_team:queue"))
    since = float(re.search(r'data-read-at="([\d.]+)"', page.content.decode()).group(1))
    assert since == float(page["X-Queue-Read-At"])
    newer = open_intake(school_a, student_a, urgency=Intake.Urgency.URGENT)
    answer = changes(client, since)
    assert answer["at"] >= since and answer["gone"] == []
    # Both of the student's rows: the new one changed their group's figures.
    assert [row["id"] for row in answer["rows"]] == [newer.pk, older.pk]
    html = answer["rows"][0]["html"]
    assert f'id="intake-{newer.pk}"' in html and 'data-version="1"' in html
    assert "Claim" in html


@pytest.mark.django_db
def test_a_closed_item_is_gone_with_its_version(client, school_a, student_a, team_a):
    intake = open_intake(school_a, student_a)
    client.force_login(team_a)
    since = read_at(client)
    intake_close(intake=intake, by=team_a, reason="no_action", note="")
    intake.refresh_from_db()
    assert changes(client, since)["gone"] == [{"id": intake.pk, "version": intake.version}]


@pytest.mark.django_db
def test_the_pages_filters_apply_a_claimed_item_leaves_an_unclaimed_only_screen(
    client, school_a, student_a, team_a
):
    intake = open_intake(school_a, student_a)
    client.force_login(team_a)
    since = read_at(client, unclaimed="1")
    intake_claim(intake=intake, by=team_a)
    answer = changes(client, since, unclaimed="1")
    assert answer["rows"] == [] and [g["id"] for g in answer["gone"]] == [intake.pk]
    assert [row["id"] for row in changes(client, since)["rows"]] == [intake.pk]


@pytest.mark.django_db
def test_another_schools_changes_are_not_named_at_all(
    client, school_a, school_b, student_b, team_a
):
    client.force_login(team_a)
    since = read_at(client)
    open_intake(school_b, student_b, urgency=Intake.Urgency.URGENT)
    answer = changes(client, since)
    assert answer["rows"] == [] and answer["gone"] == []


@pytest.mark.django_db
def test_changes_from_before_the_margin_are_not_sent_again(client, school_a, student_a, team_a):
    old = open_intake(school_a, student_a)
    recent = open_intake(school_a, enrolled_student(school_a))
    age(old, queue_selectors.CHANGES_MARGIN.total_seconds() + 5)
    age(recent, queue_selectors.CHANGES_MARGIN.total_seconds() - 5)
    client.force_login(team_a)
    answer = changes(client, time.time())
    assert [row["id"] for row in answer["rows"]] == [recent.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "since", ["", "soon", "nan", "inf", "1e9999", "-1", "an hour ago", "in a minute"]
)
def test_a_since_that_is_not_a_recent_read_asks_for_the_whole_table(client, team_a, since):
    relative = {"an hour ago": -3600, "in a minute": 60}
    if since in relative:
        since = str(time.time() + relative[since])
    client.force_login(team_a)
    response = client.get(URL, {"since": since})
    assert response.status_code == 200 and json.loads(response.content) == {"full": True}
    assert "X-Queue-Read-At" not in response  # nothing was read
    assert "X-Urgent-By-School" in response  # the tab title stays true either way


@pytest.mark.django_db
def test_too_many_changes_ask_for_the_whole_table(client, school_a, student_a, team_a, monkeypatch):
    monkeypatch.setattr(queue_selectors, "CHANGES_LIMIT", 2)
    client.force_login(team_a)
    since = read_at(client)
    for _ in range(2):
        open_intake(school_a, student_a)
    assert "rows" in changes(client, since)
    open_intake(school_a, student_a)
    assert changes(client, since) == {"full": True}


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_rows(
    client, school_a, team_a, django_assert_max_num_queries
):
    client.force_login(team_a)
    since = read_at(client)
    for _ in range(3):
        open_intake(school_a, enrolled_student(school_a))
    with django_assert_max_num_queries(20) as few:
        assert len(changes(client, since)["rows"]) == 3
    for _ in range(20):
        open_intake(school_a, enrolled_student(school_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(changes(client, since)["rows"]) == 23

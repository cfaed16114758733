"""Render once, fan out (support_team/live_rows.py): a change's rows are rendered once per
language for every screen of the school and travel with the event; what differs from one
screen to the next is carried as data, never rendered for one person."""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.urls import reverse

from schoolwell import realtime
from schoolwell.models import Role
from support_team import live_rows
from support_team.models import Intake
from support_team.services import intake_claim, intake_open
from support_team.services.triage import intake_close, intake_presence_mark
from tests.factories import enrolled_student, member
from tests.support_team.listen import heard_by_queue, ids_of
from tests.support_team.sockets import PATH, queue_socket


def open_intake(school, student, urgency=Intake.Urgency.NORMAL, summary="Needs a word"):
    return intake_open(
        school=school, student=student, source="staff_note", summary=summary, urgency=urgency
    )


def message(event: dict, language: str = "en") -> dict:
    return json.loads(event["text"][language])


@pytest.mark.django_db(transaction=True)
def test_a_change_brings_the_students_rows_at_the_school_and_the_schools_urgent_count(
    school_a, student_a
):
    older = open_intake(school_a, student_a)
    other = enrolled_student(school_a)
    open_intake(school_a, other, urgency=Intake.Urgency.URGENT)
    newer, [event] = heard_by_queue(school_a, lambda: open_intake(school_a, student_a))
    assert ids_of(event) == {"type": "queue.changed", "intake": newer.pk, "version": 1}
    sent = message(event)
    assert (sent["school"], sent["student"], sent["urgent"], sent["gone"]) == (
        school_a.pk,
        student_a.pk,
        1,
        [],
    )
    assert [row["id"] for row in sent["rows"]] == [older.pk, newer.pk]
    for row in sent["rows"]:  # both carry the group's figures, now two items
        assert 'data-size="2"' in row["html"] and "2 open items" in row["html"]


@pytest.mark.django_db(transaction=True)
def test_each_language_has_its_rendering_and_a_socket_sends_its_own(school_a, student_a, team_a):
    spanish = queue_socket(team_a, path=f"{PATH}?lang=es")
    english = queue_socket(team_a, path=f"{PATH}?lang=xx")  # unknown: the default language

    async def scenario():
        assert (await spanish.connect())[0] and (await english.connect())[0]
        await database_sync_to_async(open_intake)(
            school_a, student_a, urgency=Intake.Urgency.URGENT
        )
        heard = [await s.receive_json_from(timeout=2) for s in (spanish, english)]
        for s in (spanish, english):
            await s.disconnect()
        return heard

    es, en = async_to_sync(scenario)()
    assert "Urgente" in es["rows"][0]["html"] and "Tomar" in es["rows"][0]["html"]
    assert "Urgent" in en["rows"][0]["html"] and "Claim" in en["rows"][0]["html"]


@pytest.mark.django_db(transaction=True)
def test_the_pushed_row_is_rendered_for_nobody_in_particular(school_a, student_a, team_a):
    intake = open_intake(school_a, student_a)
    nadia = member(Role.SUPPORT, school=school_a, discipline="nurse", first_name="Nadia")
    intake_presence_mark(intake=intake, user=nadia)
    _, [event] = heard_by_queue(school_a, lambda: intake_claim(intake=intake, by=team_a))
    html = message(event)["rows"][0]["html"]
    # No form token of anyone's; the claimer's "Give back" is there but hidden, with the
    # claimer's id for each screen to compare with its own; who has it open, with ids.
    assert re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html) == [""]
    assert re.search(r'<form [^>]*class="inline give-back" hidden>', html)
    assert f'data-claimed-by="{team_a.pk}"' in html
    assert json.dumps([[nadia.pk, str(nadia)]]).replace('"', "&quot;") in html


@pytest.mark.django_db
def test_the_page_renders_the_same_row_for_its_own_person(client, school_a, student_a, team_a):
    """The page fills in the same parts on the server, so it needs no script to be right."""
    intake = open_intake(school_a, student_a)
    intake_claim(intake=intake, by=team_a)
    client.force_login(team_a)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row)
    assert token and re.search(r'<form [^>]*class="inline give-back">', row)
    other = member(Role.SUPPORT, school=school_a, discipline="counselor")
    client.force_login(other)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert "give-back" not in row


@pytest.mark.django_db(transaction=True)
def test_a_closed_intake_goes_with_its_version_and_leaves_the_students_others(
    school_a, student_a, team_a
):
    staying = open_intake(school_a, student_a)
    closing = open_intake(school_a, student_a)
    closed, [event] = heard_by_queue(
        school_a, lambda: intake_close(intake=closing, reason="no_action", by=team_a)
    )
    sent = message(event)
    assert sent["gone"] == [{"id": closing.pk, "version": closed.version}]
    assert [row["id"] for row in sent["rows"]] == [staying.pk]
    assert 'data-size="1"' in sent["rows"][0]["html"]


@pytest.mark.django_db(transaction=True)
def test_one_change_is_rendered_once_per_language_whatever_the_number_of_screens(
    school_a, student_a, team_a, monkeypatch
):
    rendered = []
    render = live_rows.render_row
    monkeypatch.setattr(live_rows, "render_row", lambda row: rendered.append(row.pk) or render(row))
    screens = [queue_socket(team_a) for _ in range(5)]

    async def scenario():
        for screen in screens:
            assert (await screen.connect())[0]
        intake = await database_sync_to_async(open_intake)(school_a, student_a)
        heard = [await screen.receive_json_from(timeout=2) for screen in screens]
        for screen in screens:
            await screen.disconnect()
        return intake, heard

    intake, heard = async_to_sync(scenario)()
    assert rendered == [intake.pk, intake.pk]  # English and Spanish, once each
    assert all(h["rows"][0]["id"] == intake.pk for h in heard)


@pytest.mark.django_db(transaction=True)
def test_a_row_that_fails_to_render_still_announces_the_change_for_screens_to_fetch(
    school_a, student_a, team_a, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("template gone")

    monkeypatch.setattr(live_rows.selectors, "school_student_rows", broken)
    screen = queue_socket(team_a)

    async def scenario():
        assert (await screen.connect())[0]
        intake = await database_sync_to_async(open_intake)(school_a, student_a)
        heard = await screen.receive_json_from(timeout=2)
        await screen.disconnect()
        return intake, heard

    intake, heard = async_to_sync(scenario)()
    assert Intake.objects.filter(pk=intake.pk).exists()
    assert heard == {"type": "queue.changed", "intake": intake.pk, "version": 1}
    assert "not rendered" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_rows_for_one_school_never_reach_another_schools_screens(
    school_a, school_b, student_a, student_b, team_a
):
    team_b = member(Role.SUPPORT, school=school_b, discipline="counselor")
    screen_b = queue_socket(team_b)

    async def scenario():
        assert (await screen_b.connect())[0]
        await database_sync_to_async(open_intake)(school_a, student_a, summary="Only for A")
        quiet = await screen_b.receive_nothing(0.5)
        await screen_b.disconnect()
        return quiet

    assert async_to_sync(scenario)()


@pytest.mark.django_db
def test_events_still_refuse_a_field_of_their_own(school_a):
    with pytest.raises(ValueError):
        realtime.send_now(
            realtime.queue_group(school_a.pk),
            {"type": "queue.changed", "intake": 1, "version": 1, "summary": "words"},
        )

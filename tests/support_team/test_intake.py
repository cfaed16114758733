import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwell import realtime
from schoolwell.calendar import add_school_days
from support_team.models import Intake
from support_team.services import intake_open
from tests.factories import enrolled_student
from tests.support_team.listen import heard_by_queue, ids_of


@pytest.mark.django_db(transaction=True)
def test_an_intake_is_announced_after_commit_with_ids_only(school_a, student_a, team_a):
    def submit():
        with transaction.atomic():
            return intake_open(
                school=school_a,
                student=student_a,
                source=Intake.Source.STAFF_NOTE,
                summary="Sentinel words",
                opened_by=team_a,
            )

    intake, events = heard_by_queue(school_a, submit)
    [event] = events
    assert ids_of(event) == {"type": "queue.changed", "intake": intake.pk, "version": 1}
    # The summary travels only inside the row as the queue shows it, rendered once per
    # language for every screen of the school.
    for text in event["text"].values():
        [row] = json.loads(text)["rows"]
        assert row["id"] == intake.pk and "Sentinel words" in row["html"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_intake_is_never_announced(school_a, student_a):
    def submit_and_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            intake_open(
                school=school_a, student=student_a, source=Intake.Source.STAFF_NOTE, summary="x"
            )
            raise RuntimeError

    _, events = heard_by_queue(school_a, submit_and_fail, wait=0.3)
    assert not Intake.objects.exists()
    assert events == []


@pytest.mark.django_db
def test_the_front_door_refuses_a_student_not_enrolled_at_the_school(school_a, student_b):
    with pytest.raises(ValidationError):
        intake_open(
            school=school_a, student=student_b, source=Intake.Source.STAFF_NOTE, summary="x"
        )
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_target_time_is_one_hour_when_urgent_and_two_school_days_otherwise(school_a, student_a):
    urgent = intake_open(
        school=school_a,
        student=student_a,
        source="staff_note",
        summary="x",
        urgency=Intake.Urgency.URGENT,
    )
    assert urgent.target_at - urgent.opened_at == datetime.timedelta(hours=1)
    normal = intake_open(school=school_a, student=student_a, source="staff_note", summary="x")
    assert normal.target_at == add_school_days(school=school_a, start=normal.opened_at, days=2)


@pytest.mark.django_db
def test_the_live_layer_being_down_loses_nothing(school_a, student_a, monkeypatch):
    class DownLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis down")

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: DownLayer())
    assert (
        realtime.send_now("school.1.queue", {"type": "queue.changed", "intake": 1, "version": 1})
        is False
    )
    intake_open(school=school_a, student=student_a, source="staff_note", summary="x")
    assert Intake.objects.count() == 1


def test_events_refuse_anything_but_ids():
    with pytest.raises(ValueError):
        realtime.send_now("school.1.queue", {"type": "queue.changed", "summary": "narrative"})


@pytest.mark.django_db
def test_the_queue_lists_urgent_first_and_only_the_users_schools(
    client, school_a, school_b, team_a, student_a, student_b
):
    normal = intake_open(
        school=school_a, student=student_a, source="staff_note", summary="normal one"
    )
    urgent = intake_open(
        school=school_a,
        student=student_a,
        source="staff_note",
        summary="urgent one",
        urgency=Intake.Urgency.URGENT,
    )
    intake_open(school=school_b, student=student_b, source="staff_note", summary="other school")
    client.force_login(team_a)
    response = client.get(reverse("support_team:queue"))
    assert [i.pk for i in response.context["intakes"]] == [urgent.pk, normal.pk]
    assert "other school" not in response.content.decode()


@pytest.mark.django_db
def test_the_queue_page_runs_the_same_queries_for_one_row_or_many(client, school_a, team_a):
    client.force_login(team_a)
    client.get(reverse("support_team:queue"))  # the sign-in's one session write is behind us

    def queries_with(rows: int) -> int:
        Intake.objects.all().delete()
        for _ in range(rows):
            intake_open(
                school=school_a,
                student=enrolled_student(school_a),
                source="staff_note",
                summary="x",
            )
        with CaptureQueriesContext(transaction.get_connection()) as ctx:
            assert client.get(reverse("support_team:queue")).status_code == 200
        return len(ctx.captured_queries)

    assert queries_with(1) == queries_with(60)


@pytest.mark.django_db
def test_the_empty_queue_says_so(client, team_a):
    client.force_login(team_a)
    assert "The queue is clear" in client.get(reverse("support_team:queue")).content.decode()

import threading

import pytest
from django.db import connection
from django.urls import reverse

from schoolwell.models import Discipline, Role
from support_team.models import Intake, TimelineEntry
from support_team.services import AlreadyClaimed, intake_claim, intake_open, intake_release
from tests.factories import member


@pytest.fixture
def intake(school_a, student_a):
    return intake_open(school=school_a, student=student_a, source="staff_note", summary="Quiet")


@pytest.mark.django_db
def test_claiming_takes_the_item_and_a_second_claim_is_told_who_has_it(intake, team_a, school_a):
    other = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    claimed = intake_claim(intake=intake, by=team_a)
    assert (claimed.status, claimed.claimed_by, claimed.version) == ("claimed", team_a, 2)
    with pytest.raises(AlreadyClaimed) as taken:
        intake_claim(intake=intake, by=other)
    assert taken.value.intake.claimed_by == team_a
    assert TimelineEntry.objects.filter(source="intake", actor=team_a).exists()
    assert claimed.history.count() == 2


@pytest.mark.django_db
def test_only_the_holder_gives_it_back(intake, team_a, school_a):
    other = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    intake_claim(intake=intake, by=team_a)
    with pytest.raises(AlreadyClaimed):
        intake_release(intake=intake, by=other)
    released = intake_release(intake=intake, by=team_a)
    assert (released.status, released.claimed_by) == ("new", None)


@pytest.mark.django_db
def test_the_queue_page_claim_button_tells_the_loser_who_won(client, intake, team_a, school_a):
    other = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Nadia")
    intake_claim(intake=intake, by=other)
    client.force_login(team_a)
    response = client.post(reverse("support_team:claim", args=[intake.pk]), follow=True)
    assert "already has this one" in response.content.decode()
    assert "Nadia" in response.content.decode()


@pytest.mark.django_db
def test_another_school_cannot_claim(client, intake, team_b):
    client.force_login(team_b)
    assert client.post(reverse("support_team:claim", args=[intake.pk])).status_code == 404
    intake.refresh_from_db()
    assert intake.claimed_by is None


@pytest.mark.django_db
def test_the_row_endpoint_serves_the_same_row_and_204_when_closed(client, intake, team_a):
    client.force_login(team_a)
    row = client.get(reverse("support_team:queue_row", args=[intake.pk])).content.decode()
    assert f'id="intake-{intake.pk}"' in row and "<html" not in row
    Intake.objects.filter(pk=intake.pk).update(status="closed")
    assert client.get(reverse("support_team:queue_row", args=[intake.pk])).status_code == 204
    rows = client.get(reverse("support_team:queue"), {"partial": "rows"}).content.decode()
    assert rows.strip().startswith('<tbody id="queue-rows"')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_once_on_postgresql_give_one_winner(school_a, student_a):
    intake = intake_open(school=school_a, student=student_a, source="staff_note", summary="x")
    people = [member(Role.SUPPORT, school=school_a, discipline=d) for d in ("nurse", "counselor")]
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(person):
        try:
            barrier.wait()
            intake_claim(intake=intake, by=person)
            outcomes.append("won")
        except AlreadyClaimed:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["lost", "won"]
    intake.refresh_from_db()
    assert intake.claimed_by in people and intake.version == 2

"""Who reads which case note: the team level for the school's team, health-only for nurses,
psychologists and counselors, lead-only for the case lead; the school's safeguarding lead
reads everything at their school, and an author always reads what they wrote. The route
matrix (tests/test_role_matrix.py) proves the same per role through the note's own URL."""

import pytest
from django.urls import reverse

from schoolwell.models import AccessLog
from support_team.models import Note
from support_team.services.cases import note_add
from tests.support_team.case_helpers import case_world

BODIES = {
    Note.Level.TEAM: "TEAM-SENTINEL attendance dipped",
    Note.Level.HEALTH: "HEALTH-SENTINEL medication changed",
    Note.Level.LEAD: "LEAD-SENTINEL disclosure details",
}
# reader -> the levels whose bodies they may see on the page (the lead is a social worker)
CAN_READ = {
    "lead": {"team", "lead"},
    "social_worker": {"team"},
    "team_admin": {"team"},
    "nurse": {"team", "health"},
    "counselor": {"team", "health"},
    "psychologist": {"team", "health"},
    "safeguarding_lead": {"team", "health", "lead"},
}


@pytest.fixture
def w(school_a):
    world = case_world(school_a)
    world.notes = {
        Note.Level.TEAM: note_add(
            case=world.case, by=world.lead, level="team", body=BODIES["team"]
        ),
        Note.Level.HEALTH: note_add(
            case=world.case, by=world.nurse, level="health", body=BODIES["health"]
        ),
        Note.Level.LEAD: note_add(
            case=world.case, by=world.lead, level="lead", body=BODIES["lead"]
        ),
    }
    return world


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("support_team:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("reader", sorted(CAN_READ))
def test_the_case_page_shows_only_the_notes_at_the_readers_levels(client, w, reader):
    html = page(client, getattr(w, reader), w.case)
    for level, body in BODIES.items():
        assert (body in html) is (level in CAN_READ[reader]), (reader, level)


@pytest.mark.django_db
def test_a_social_worker_never_gets_a_health_only_note_body(client, w):
    html = page(client, w.social_worker, w.case)
    assert "HEALTH-SENTINEL" not in html
    note = w.notes["health"]
    response = client.get(reverse("support_team:case_note", args=[w.case.pk, note.pk]))
    assert response.status_code == 404
    assert "HEALTH-SENTINEL" not in response.content.decode()


@pytest.mark.django_db
def test_a_teacher_never_sees_case_notes(client, w):
    client.force_login(w.teacher)
    assert client.get(reverse("support_team:case", args=[w.case.pk])).status_code == 403
    for note in w.notes.values():
        response = client.get(reverse("support_team:case_note", args=[w.case.pk, note.pk]))
        assert response.status_code == 403
        assert "SENTINEL" not in response.content.decode()


@pytest.mark.django_db
def test_a_lead_only_note_follows_the_lead_when_the_case_is_handed_over(client, w):
    from support_team.services.cases import case_update

    case_update(case=w.case, by=w.lead, lead=w.counselor)
    note = w.notes["lead"]
    note_url = reverse("support_team:case_note", args=[w.case.pk, note.pk])
    client.force_login(w.counselor)  # the new lead reads it
    assert client.get(note_url).status_code == 200
    client.force_login(w.lead)  # the old lead still reads what they wrote themselves
    assert client.get(note_url).status_code == 200
    client.force_login(w.nurse)
    assert client.get(note_url).status_code == 404


@pytest.mark.django_db
def test_a_lead_only_note_written_by_the_safeguarding_lead_is_hidden_from_the_team(client, w):
    note = note_add(case=w.case, by=w.safeguarding_lead, level="lead", body="SG-ONLY")
    note_url = reverse("support_team:case_note", args=[w.case.pk, note.pk])
    for reader in (w.lead, w.safeguarding_lead):
        client.force_login(reader)
        assert client.get(note_url).status_code == 200
    for reader in (w.nurse, w.counselor, w.social_worker, w.team_admin):
        client.force_login(reader)
        assert client.get(note_url).status_code == 404
        assert "SG-ONLY" not in page(client, reader, w.case)


@pytest.mark.django_db
def test_reading_one_note_is_logged_and_shows_its_level(client, w):
    note = w.notes["health"]
    client.force_login(w.psychologist)
    response = client.get(reverse("support_team:case_note", args=[w.case.pk, note.pk]))
    html = response.content.decode()
    assert "HEALTH-SENTINEL" in html and "Health only" in html
    assert AccessLog.objects.filter(
        user=w.psychologist, object_type="support_team.note", object_id=str(note.pk)
    ).exists()


@pytest.mark.django_db
def test_a_note_of_another_case_is_not_found_through_this_case(client, w, school_a):
    other = case_world(school_a)
    foreign = note_add(case=other.case, by=other.lead, level="team", body="OTHER")
    client.force_login(w.safeguarding_lead)
    response = client.get(reverse("support_team:case_note", args=[w.case.pk, foreign.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("writer", "offered"),
    [
        ("social_worker", ["team"]),
        ("nurse", ["team", "health"]),
        ("lead", ["team", "lead"]),
        ("safeguarding_lead", ["team", "health", "lead"]),
    ],
)
def test_the_note_form_offers_only_the_levels_the_writer_may_use(client, w, writer, offered):
    html = page(client, getattr(w, writer), w.case)
    shown = [
        level for level in ("team", "health", "lead") if f'name="level" value="{level}"' in html
    ]
    assert shown == offered


@pytest.mark.django_db
def test_a_crafted_post_at_a_forbidden_level_is_refused_and_saves_nothing(client, w):
    client.force_login(w.social_worker)
    before = Note.objects.count()
    response = client.post(
        reverse("support_team:case_note_add", args=[w.case.pk]),
        {"level": "health", "body": "Should not be saved"},
    )
    assert response.status_code == 400
    assert "You cannot write notes at that level." in response.content.decode()
    assert Note.objects.count() == before


@pytest.mark.django_db
def test_a_note_from_the_page_lands_at_its_level(client, w):
    client.force_login(w.nurse)
    response = client.post(
        reverse("support_team:case_note_add", args=[w.case.pk]),
        {"level": "health", "body": "Inhaler kept at the office"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    note = Note.objects.get(body="Inhaler kept at the office")
    assert (note.level, note.author) == ("health", w.nurse)
    assert "Inhaler" not in page(client, w.social_worker, w.case)

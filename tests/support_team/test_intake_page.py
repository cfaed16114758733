"""The intake page: what it shows, that the read is logged, and the triage forms (each a POST
that comes back with a message; bad input shows the errors and changes nothing)."""

import datetime
import uuid

import pytest
from django.urls import reverse
from wagtail.models import Locale

from concerns.services import concern_create
from schoolwell.models import AccessLog, Category, Discipline, Role, Service
from support_team.models import Case, CloseReason, Intake
from support_team.services import intake_claim, intake_open
from support_team.services.cases import case_open_or_join
from tests.factories import member


def page(intake) -> str:
    return reverse("support_team:intake", args=[intake.pk])


def action(name, intake) -> str:
    return reverse(f"support_team:{name}", args=[intake.pk])


@pytest.fixture
def intake(school_a, student_a):
    return intake_open(school=school_a, student=student_a, source="staff_note", summary="Quiet")


@pytest.fixture
def nurse_a(school_a):
    return member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Nadia")


@pytest.mark.django_db
def test_the_page_shows_the_item_the_students_other_items_and_case_and_logs_the_read(
    client, school_a, student_a, team_a, teacher_a
):
    concern, _ = concern_create(
        reporter=teacher_a,
        school=school_a,
        student=student_a,
        categories=[Category.objects.get(slug="housing")],
        severity="high",
        narrative="stays on the concern page",
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
    )
    intake = Intake.objects.get(source="concern")
    other = intake_open(school=school_a, student=student_a, source="staff_note", summary="Other")
    case, _ = case_open_or_join(school=school_a, student=student_a, by=team_a)
    client.force_login(team_a)
    response = client.get(page(intake))
    html = response.content.decode()
    assert response.status_code == 200
    assert intake.summary in html
    assert Category.objects.get(slug="housing").name in html
    assert reverse("concerns:detail", args=[concern.pk]) in html
    assert "stays on the concern page" not in html
    assert page(other) in html and "Other" in html
    assert reverse("support_team:case", args=[case.pk]) in html
    assert "Add to the open case" in html
    assert AccessLog.objects.filter(
        user=team_a, object_type="support_team.intake", object_id=str(intake.pk), student=student_a
    ).exists()


@pytest.mark.django_db
def test_a_student_with_nothing_else_open_gets_sentences_not_blanks(client, intake, team_a):
    client.force_login(team_a)
    html = client.get(page(intake)).content.decode()
    assert "Nothing else about this student is waiting." in html
    assert "The student has no open case at this school." in html


@pytest.mark.django_db
def test_the_page_heartbeats_its_presence_while_the_item_is_open(client, intake, team_a):
    client.force_login(team_a)
    html = client.get(page(intake)).content.decode()
    assert f'hx-post="{action("presence", intake)}"' in html
    assert 'hx-trigger="load, every 30s"' in html
    assert "vendor/htmx.min.js" in html and "schoolwell/intake.js" in html


@pytest.mark.django_db
def test_someone_elses_item_shows_who_has_it_and_no_decision_forms(client, intake, team_a, nurse_a):
    intake_claim(intake=intake, by=nurse_a)
    client.force_login(team_a)
    html = client.get(page(intake)).content.decode()
    assert "Nadia" in html and "has this item" in html
    assert action("close", intake) not in html
    response = client.post(action("close", intake), {"reason": "handled"}, follow=True)
    assert "has this one" in response.content.decode()
    intake.refresh_from_db()
    assert intake.status == "claimed"


@pytest.mark.django_db
def test_claiming_from_the_intake_page_comes_back_to_it(client, intake, team_a):
    client.force_login(team_a)
    response = client.post(action("claim", intake), {"next": "intake"})
    assert response["Location"] == page(intake)
    intake.refresh_from_db()
    assert intake.claimed_by == team_a


# --- each action through its form ------------------------------------------------------------


@pytest.mark.django_db
def test_assign_from_the_page(client, intake, team_a, nurse_a):
    client.force_login(team_a)
    response = client.post(action("assign", intake), {"to": nurse_a.pk}, follow=True)
    assert response.redirect_chain == [(page(intake), 302)]
    assert "Assigned." in response.content.decode()
    intake.refresh_from_db()
    assert intake.claimed_by == nurse_a


@pytest.mark.django_db
def test_urgency_from_the_page(client, intake, team_a):
    client.force_login(team_a)
    response = client.post(action("set_urgency", intake), {"urgency": "0"}, follow=True)
    assert "Urgency changed" in response.content.decode()
    intake.refresh_from_db()
    assert intake.urgency == Intake.Urgency.URGENT


@pytest.mark.django_db
def test_case_from_the_page(client, intake, team_a):
    client.force_login(team_a)
    need = Category.objects.get(slug="food-insecurity")
    response = client.post(action("to_case", intake), {"tier": "3", "needs": [need.pk]})
    assert response["Location"] == page(intake)
    intake.refresh_from_db()
    case = Case.objects.get()
    assert (intake.case, case.tier, list(case.needs.all())) == (case, 3, [need])


@pytest.mark.django_db
def test_route_from_the_page(client, intake, team_a):
    service = Service.objects.create(
        locale=Locale.get_default(), name="Tutoring", description="Help", discipline="counselor"
    )
    client.force_login(team_a)
    assert "Tutoring" in client.get(page(intake)).content.decode()
    client.post(action("route", intake), {"service": service.pk})
    intake.refresh_from_db()
    assert (intake.routed_service, intake.closed_reason) == (service, CloseReason.ROUTED)


@pytest.mark.django_db
def test_escalate_from_the_page(
    client, intake, team_a, school_a, mailoutbox, django_capture_on_commit_callbacks
):
    member(Role.SAFEGUARDING_LEAD, school=school_a, email="lead@a.example")
    client.force_login(team_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action("escalate", intake), follow=True)
    assert "Escalated" in response.content.decode()
    intake.refresh_from_db()
    assert intake.escalated_by == team_a
    assert [m.to for m in mailoutbox] == [["lead@a.example"]]


@pytest.mark.django_db
def test_close_from_the_page(client, intake, team_a):
    client.force_login(team_a)
    response = client.post(
        action("close", intake), {"reason": "other", "note": "Parent is handling it"}, follow=True
    )
    assert "Closed." in response.content.decode()
    intake.refresh_from_db()
    assert (intake.status, intake.closed_note) == ("closed", "Parent is handling it")
    html = client.get(page(intake)).content.decode()
    assert "Parent is handling it" in html and action("close", intake) not in html


# --- bad input: a clear message, nothing changed --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("close", {"reason": "other", "note": ""}, "Say why, when the reason is Other."),
        ("close", {"reason": "case"}, "Select a valid choice."),
        ("assign", {"to": "99999999999999999999999"}, "Select a valid choice."),
        ("set_urgency", {"urgency": "urgent!"}, "Select a valid choice."),
        ("to_case", {"tier": "1", "needs": ["x"]}, "Select a valid choice."),
        ("route", {"service": "-1"}, "Select a valid choice."),
    ],
)
def test_bad_input_shows_the_error_by_the_field_and_changes_nothing(
    name, data, error, client, intake, team_a
):
    Service.objects.create(
        locale=Locale.get_default(), name="Tutoring", description="Help", discipline="counselor"
    )
    client.force_login(team_a)
    response = client.post(action(name, intake), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was changed" in html and error in html
    intake.refresh_from_db()
    assert (intake.version, intake.status, intake.urgency) == (1, "new", Intake.Urgency.NORMAL)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_assigning_to_someone_on_another_schools_team_is_refused(client, intake, team_a, team_b):
    client.force_login(team_a)
    response = client.post(action("assign", intake), {"to": team_b.pk})
    assert response.status_code == 400
    intake.refresh_from_db()
    assert intake.claimed_by is None


@pytest.mark.django_db
def test_a_service_error_comes_back_as_a_message(client, intake, team_a):
    client.force_login(team_a)
    client.post(action("escalate", intake))
    response = client.post(action("escalate", intake), follow=True)
    assert "already been escalated" in response.content.decode()
    intake.refresh_from_db()
    assert intake.version == 2


@pytest.mark.django_db
def test_another_schools_item_is_not_found_for_every_action(client, team_b, intake):
    client.force_login(team_b)
    assert client.get(page(intake)).status_code == 404
    for name in ("assign", "set_urgency", "to_case", "route", "escalate", "close", "presence"):
        assert client.post(action(name, intake), {}).status_code == 404, name
    intake.refresh_from_db()
    assert intake.version == 1

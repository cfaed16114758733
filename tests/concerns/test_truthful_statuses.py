"""A teacher's statuses tell the truth: triage closes an intake whatever it decided, but the
teacher reads what became of their concern (followed up, passed on, reviewed), in their
language, on their page, in the e-mail and in the header's count, and never the case, the
service or anything the team wrote."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from concerns.services import concern_intake
from schoolwell.models import Role, Service
from support_team import selectors
from support_team.models import CloseReason
from support_team.services import intake_claim
from support_team.services.triage import (
    intake_assign,
    intake_close,
    intake_route,
    intake_set_urgency,
    intake_to_case,
)
from tests.concerns.test_concerns import make_concern
from tests.factories import member

FOLLOWED = "The support team is following this up"
PASSED = "Passed on to a service by the support team"
REVIEWED = "Reviewed and closed by the support team"


@pytest.fixture
def concern(teacher_a, school_a, student_a):
    return make_concern(teacher_a, school_a, student_a)


def school_service(name="Quillfeather tutoring") -> Service:
    return Service.objects.create(
        locale=Locale.get_default(), name=name, description="Help", discipline="counselor"
    )


def trail_labels(concern) -> list[str]:
    trail = selectors.reporter_status_trails(source="concern", source_ids=[str(concern.pk)])
    return [label for label, _when in trail[str(concern.pk)]]


def status_cell(client, concern) -> str:
    page = client.get(reverse("concerns:mine")).content.decode()
    row = page[page.index(reverse("concerns:detail", args=[concern.pk])) :]
    return row[: row.index("</tr>")]


@pytest.mark.django_db
def test_a_concern_taken_into_a_case_reads_followed_up_not_closed(
    client, concern, teacher_a, team_a
):
    intake = concern_intake(concern)
    intake_claim(intake=intake, by=team_a)
    intake_to_case(intake=intake, by=team_a)
    assert trail_labels(concern) == ["Received", "Being looked at", FOLLOWED]
    client.force_login(teacher_a)
    cell = status_cell(client, concern)
    assert f"<strong>{FOLLOWED}</strong>" in cell
    assert "Closed" not in cell
    detail = client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert FOLLOWED in detail
    case = concern_intake(concern).case
    for secret in (reverse("support_team:case", args=[case.pk]), str(case.lead), "case"):
        assert secret not in cell


@pytest.mark.django_db
def test_joining_an_open_case_reads_the_same_as_opening_one(concern, teacher_a, team_a):
    intake_to_case(intake=concern_intake(concern), by=team_a)
    assert trail_labels(concern)[-1] == FOLLOWED


@pytest.mark.django_db
def test_a_routed_concern_is_passed_on_without_naming_the_service(
    client, concern, teacher_a, team_a
):
    intake_route(intake=concern_intake(concern), service=school_service(), by=team_a)
    assert trail_labels(concern) == ["Received", PASSED]
    client.force_login(teacher_a)
    page = client.get(reverse("concerns:mine")).content.decode()
    assert PASSED in page and "Quillfeather" not in page


@pytest.mark.parametrize(
    "reason, label",
    [
        (CloseReason.NO_FURTHER_ACTION, REVIEWED),
        (CloseReason.HANDLED, REVIEWED),
        (CloseReason.DUPLICATE, REVIEWED),
        (CloseReason.LEFT_SCHOOL, REVIEWED),
        (CloseReason.REFERRED_OUT, PASSED),
        # Part of work already going on: followed up, in the words a new case gets, so the
        # teacher does not learn the student was already known to the team.
        (CloseReason.ALREADY_KNOWN, FOLLOWED),
    ],
)
@pytest.mark.django_db
def test_a_concern_closed_with_a_reason_says_so_honestly(concern, team_a, reason, label):
    intake_close(intake=concern_intake(concern), reason=reason, by=team_a)
    assert trail_labels(concern)[-1] == label


@pytest.mark.django_db
def test_a_reason_of_other_shows_the_outcome_never_the_note(client, concern, teacher_a, team_a):
    note = "Mum phoned: Kestrel-note-77"
    intake_close(intake=concern_intake(concern), reason=CloseReason.OTHER, note=note, by=team_a)
    client.force_login(teacher_a)
    page = client.get(reverse("concerns:mine")).content.decode()
    assert REVIEWED in page and "Kestrel" not in page


@pytest.mark.django_db
def test_the_teacher_reads_the_outcome_in_spanish(client, concern, teacher_a, team_a):
    intake_to_case(intake=concern_intake(concern), by=team_a)
    client.force_login(teacher_a)
    client.cookies["django_language"] = "es"
    cell = status_cell(client, concern)
    assert "El equipo de apoyo está dando seguimiento a esto" in cell
    assert "Cerrado" not in cell


@pytest.mark.parametrize(
    "decide, words",
    [
        (lambda intake, by: intake_to_case(intake=intake, by=by), FOLLOWED),
        (
            lambda intake, by: intake_route(intake=intake, service=school_service(), by=by),
            PASSED,
        ),
    ],
    ids=["case", "routed"],
)
@pytest.mark.django_db
def test_the_e_mail_says_what_the_page_says(
    concern, team_a, mailoutbox, django_capture_on_commit_callbacks, decide, words
):
    # In English whatever an earlier test's request left active in this thread.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        decide(concern_intake(concern), team_a)
    mail = mailoutbox[-1]
    assert words in mail.subject and words in mail.body
    assert "Closed" not in mail.subject + mail.body


@pytest.mark.django_db
def test_the_teachers_labels_are_in_spanish_when_spanish_is_active():
    with translation.override("es"):
        assert selectors.reporter_label("closed", CloseReason.CASE) == (
            "El equipo de apoyo está dando seguimiento a esto"
        )
        assert selectors.reporter_label("closed", CloseReason.ROUTED) == (
            "El equipo de apoyo lo pasó a un servicio"
        )
        assert selectors.reporter_label("closed", CloseReason.NO_FURTHER_ACTION) == (
            "Revisado y cerrado por el equipo de apoyo"
        )


# --- the header's count -------------------------------------------------------------------


def updates(client) -> str:
    return client.get(reverse("concerns:new")).content.decode()


@pytest.mark.django_db
def test_the_count_shows_a_concern_taken_into_a_case(client, concern, teacher_a, team_a):
    client.force_login(teacher_a)
    client.get(reverse("concerns:mine"))  # seen
    intake_to_case(intake=concern_intake(concern), by=team_a)
    assert "1 update" in updates(client)


@pytest.mark.django_db
def test_the_count_ignores_changes_the_teacher_cannot_see(
    client, concern, teacher_a, team_a, school_a
):
    """Assigning and a new urgency write history but change nothing on the teacher's page:
    the badge must not announce an update that is not there."""
    intake = concern_intake(concern)
    intake_claim(intake=intake, by=team_a)
    client.force_login(teacher_a)
    client.get(reverse("concerns:mine"))  # seen: being looked at
    other = member(Role.SUPPORT, school=school_a)
    intake_assign(intake=intake, to=other, by=team_a)
    intake_set_urgency(intake=concern_intake(concern), urgency=1, by=other)
    assert "1 update" not in updates(client)
    intake_to_case(intake=concern_intake(concern), by=other)
    assert "1 update" in updates(client)

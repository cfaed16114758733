"""A student's statuses tell the truth: a check-in the team routed to a school service reads
"passed to" that service, by name and in the student's language, not "Done"; one taken into
a case reads followed up; one closed with a reason reads reviewed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwell.models import Service
from self_report.models import SelfReport
from support_team.models import CloseReason, Intake
from support_team.services import intake_claim
from support_team.services.triage import intake_close, intake_route, intake_to_case
from tests.self_report.test_self_report import answers, service_pks


@pytest.fixture
def checkin(client, check_in_page, pupil):
    """The pupil asks for help with schoolwork and food, and is left signed in."""
    user, _student = pupil
    client.force_login(user)
    client.post("/self-report/", answers(services=service_pks("Help with schoolwork", "Food")))
    return Intake.objects.get(source="self_report")


def statuses(client) -> str:
    page = client.get("/self-report/").content.decode()
    section = page[page.index('id="my-requests"') :]
    return section[: section.index("</section>")]


def tutoring() -> Service:
    return Service.objects.get(locale__language_code="en", name="Help with schoolwork")


@pytest.mark.django_db
def test_a_routed_check_in_names_the_service_not_done(client, checkin, team_a):
    intake_claim(intake=checkin, by=team_a)
    intake_route(intake=checkin, service=tutoring(), by=team_a)
    shown = statuses(client)
    assert shown.count("Passed to Help with schoolwork.") == 2  # both requests it carried
    assert "Done." not in shown


@pytest.mark.django_db
def test_in_spanish_the_service_is_named_in_spanish(client, checkin, team_a):
    intake_route(intake=checkin, service=tutoring(), by=team_a)
    client.cookies["django_language"] = "es"
    shown = statuses(client)
    assert shown.count("Lo pasamos a Ayuda con las tareas.") == 2
    assert "Help with schoolwork" not in shown and "Listo." not in shown


@pytest.mark.django_db
def test_a_check_in_taken_into_a_case_is_followed_up(client, checkin, team_a):
    intake_to_case(intake=checkin, by=team_a)
    shown = statuses(client)
    assert shown.count("The support team is following this up.") == 2
    client.cookies["django_language"] = "es"
    assert statuses(client).count("El equipo de apoyo está dando seguimiento a esto.") == 2


@pytest.mark.parametrize(
    "reason, words",
    [
        (CloseReason.NO_FURTHER_ACTION, "Reviewed by the support team."),
        (CloseReason.DUPLICATE, "Reviewed by the support team."),
        (CloseReason.REFERRED_OUT, "Passed to a service outside the school."),
    ],
)
@pytest.mark.django_db
def test_a_check_in_closed_with_a_reason_says_so(client, checkin, team_a, reason, words):
    intake_close(intake=checkin, reason=reason, by=team_a)
    shown = statuses(client)
    assert shown.count(words) == 2 and "Done." not in shown


@pytest.mark.django_db
def test_a_service_deleted_since_routing_still_reads_passed_on(client, checkin, team_a):
    service = Service.objects.create(
        locale=tutoring().locale, name="Quillfeather club", description="x", discipline="counselor"
    )
    intake_route(intake=checkin, service=service, by=team_a)
    service.delete()  # routed_service is SET_NULL: the decision stays, the name goes
    assert statuses(client).count("Passed to a school service.") == 2


def queries_for_statuses(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get("/self-report/")
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_page_costs_no_query_per_routed_check_in(client, checkin, team_a):
    """Five check-ins routed to one service cost what one does: its name is looked up once."""
    intake_route(intake=checkin, service=tutoring(), by=team_a)
    one = queries_for_statuses(client)
    for _ in range(4):  # the hourly limit allows five
        client.post("/self-report/", answers(services=service_pks("Help with schoolwork")))
        newest = SelfReport.objects.order_by("-pk").first().requests.get().intake
        intake_route(intake=newest, service=tutoring(), by=team_a)
    assert statuses(client).count("Passed to Help with schoolwork.") == 6
    assert queries_for_statuses(client) == one

"""The student's words reach the team: the school's support team reads the whole check-in
(each read logged), the intake page and the chronology lead to it, and one check-in is one
queue item listing its requests. Nobody else reads it."""

import pytest
from django.urls import reverse

from schoolwell.models import AccessLog, Role
from self_report.models import SelfReport, SelfReportRequest
from support_team.models import Intake
from support_team.services import intake_claim
from support_team.services.triage import intake_close
from tests.factories import member
from tests.self_report.test_self_report import answers, service_pks

WORDS = "My little brother has no coat and I skip lunch so he can eat. Ostrich-Lamp-51"
WHOLE = {
    "wellbeing": "2",
    "sleep": "no",
    "eating": "sometimes",
    "trusted_adult": "yes",
    "unsafe_at_home": "on",
    "talk_when": "today",
    "talk_with": "counselor",
    "own_words": WORDS,
}


@pytest.fixture
def checkin(client, check_in_page, pupil):
    """A whole check-in sent by the pupil at school A: every answer, three services, a talk
    today, a safety box and their own words."""
    user, _student = pupil
    client.force_login(user)
    services = service_pks("Food", "Help with schoolwork", "Talk with a counselor")
    client.post("/self-report/", answers(**WHOLE, services=services))
    client.logout()
    return SelfReport.objects.get()


def page_url(report):
    return reverse("self_report:checkin", args=[report.pk])


def panel_url(report):
    return reverse("self_report:checkin_panel", args=[report.pk])


@pytest.mark.django_db
def test_the_schools_team_reads_every_answer_and_the_students_own_words(client, checkin, team_a):
    client.force_login(team_a)
    response = client.get(page_url(checkin))
    assert response.status_code == 200
    page = response.content.decode()
    assert WORDS in page
    facts = {
        "How they are": "Not great",
        "Sleeping OK": "No",
        "Enough to eat": "Sometimes",
        "An adult at school to talk to": "Yes",
        "Does not feel safe at home": "Yes (ticked)",
        "Has thought about hurting themselves": "Not ticked",
        "Wants to talk": "Today · A counselor",
    }
    for question, answer in facts.items():
        assert f"<dt>{question}</dt><dd>{answer}" in page.replace("<strong>", "").replace(
            "</strong>", ""
        ), question
    for service in ("Food", "Help with schoolwork", "Talk with a counselor"):
        assert service in page
    assert "It signals risk of harm." in page


@pytest.mark.django_db
def test_each_read_of_a_check_in_is_logged_without_its_content(client, checkin, team_a):
    client.force_login(team_a)
    client.get(page_url(checkin))
    client.get(panel_url(checkin))
    rows = AccessLog.objects.filter(object_type="self_report.selfreport", object_id=checkin.pk)
    assert rows.count() == 2
    assert {(r.user_id, r.student_id, r.action) for r in rows} == {
        (team_a.pk, checkin.student_id, "view")
    }
    assert not any(WORDS in f"{r.reason}{r.actor}" for r in rows)


@pytest.mark.django_db
def test_the_panel_the_intake_page_loads_shows_the_same_words(client, checkin, team_a):
    client.force_login(team_a)
    panel = client.get(panel_url(checkin)).content.decode()
    assert WORDS in panel and "<html" not in panel  # a fragment, not a page


@pytest.mark.django_db
def test_another_schools_team_gets_not_found_and_nothing_is_logged(client, checkin, team_b):
    client.force_login(team_b)
    for url in (page_url(checkin), panel_url(checkin)):
        assert client.get(url).status_code == 404
    assert not AccessLog.objects.filter(object_type="self_report.selfreport").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TEACHER, Role.SCHOOL_ADMIN, Role.STUDENT])
def test_nobody_else_at_the_school_reads_the_check_in(client, checkin, school_a, role):
    client.force_login(member(role, school=school_a))
    for url in (page_url(checkin), panel_url(checkin)):
        response = client.get(url)
        assert response.status_code == 403
        assert WORDS not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTNER, Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN])
def test_nobody_at_the_district_reads_the_check_in(client, checkin, school_a, role):
    client.force_login(member(role, district=school_a.district))
    assert client.get(page_url(checkin)).status_code == 403


@pytest.mark.django_db
def test_the_student_who_wrote_it_reads_it_only_on_their_own_pages(client, checkin, pupil):
    user, _student = pupil
    client.force_login(user)
    assert client.get(page_url(checkin)).status_code == 403
    assert client.get(reverse("self_report:done", args=[checkin.pk])).status_code == 200


@pytest.mark.django_db
def test_the_intake_page_loads_the_check_in_and_links_to_it(client, checkin, team_a):
    intake = Intake.objects.get(source=Intake.Source.SELF_REPORT)
    client.force_login(team_a)
    page = client.get(reverse("support_team:intake", args=[intake.pk])).content.decode()
    assert f'hx-get="{panel_url(checkin)}"' in page
    assert f'href="{page_url(checkin)}"' in page


@pytest.mark.django_db
def test_the_chronology_links_to_the_check_in(client, checkin, team_a):
    client.force_login(team_a)
    page = client.get(reverse("support_team:student", args=[checkin.student_id]))
    assert f'href="{page_url(checkin)}"' in page.content.decode()


@pytest.mark.django_db
def test_one_check_in_with_three_services_a_talk_and_a_safety_answer_is_one_queue_item(
    client, checkin, team_a
):
    intake = Intake.objects.get()
    assert intake.source_id == str(checkin.pk)
    assert intake.urgency == Intake.Urgency.URGENT  # the most urgent of its parts
    assert intake.summary.startswith("Check-in: safety answer, see now · asked for ")
    for service in ("Food", "Help with schoolwork", "Talk with a counselor"):
        assert service in intake.summary
    assert "wants to talk: Today" in intake.summary and WORDS not in intake.summary
    requests = SelfReportRequest.objects.filter(report=checkin)
    assert sorted(requests.values_list("kind", flat=True)) == [
        "safety",
        "service",
        "service",
        "service",
        "talk",
    ]
    assert set(requests.values_list("intake_id", flat=True)) == {intake.pk}
    client.force_login(team_a)
    queue = client.get(reverse("support_team:queue")).content.decode()
    assert queue.count('<tr id="intake-') == 1


@pytest.mark.django_db
def test_the_student_sees_the_state_of_the_queue_item_for_each_request(
    client, checkin, pupil, team_a
):
    user, _student = pupil
    intake = Intake.objects.get()
    client.force_login(user)
    before = client.get("/self-report/").content.decode()
    assert before.count("We got it. Someone will find you today.") == 2  # safety, talk
    intake_claim(intake=intake, by=team_a)
    claimed = client.get("/self-report/").content.decode()
    assert claimed.count("Someone is working on it.") == 5
    intake_close(intake=Intake.objects.get(), reason="handled", note="", by=team_a)
    closed = client.get("/self-report/").content.decode()
    assert closed.count("Reviewed by the support team.") == 5


@pytest.mark.django_db
def test_a_check_in_that_asks_for_nothing_reaches_the_chronology_not_the_queue(
    client, check_in_page, pupil, team_a
):
    user, student = pupil
    client.force_login(user)
    client.post("/self-report/", answers(wellbeing="4", own_words="Good week, thanks"))
    report = SelfReport.objects.get()
    assert not Intake.objects.exists()
    client.force_login(team_a)
    chronology = client.get(reverse("support_team:student", args=[student.pk]))
    assert f'href="{page_url(report)}"' in chronology.content.decode()
    assert "Good week, thanks" in client.get(page_url(report)).content.decode()


@pytest.mark.django_db
def test_the_students_words_are_shown_as_text_never_as_markup(client, check_in_page, pupil, team_a):
    user, _student = pupil
    client.force_login(user)
    client.post("/self-report/", answers(own_words='<script>alert("x")</script>\nline two'))
    client.force_login(team_a)
    page = client.get(page_url(SelfReport.objects.get())).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>line two" in page

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from schoolwell.models import Role, Service
from self_report.models import SelfReport, SelfReportRequest
from support_team.models import Intake
from tests.factories import enrolled_student, member

SENTINEL = "Qwxyz-sentinel-words"


def answers(**overrides):
    data = {
        "wellbeing": "2",
        "idempotency_key": str(uuid.uuid4()),
        "talk_when": "",
        "own_words": "",
    }
    data.update(overrides)
    return data


def service_pks(*names):
    return [Service.objects.get(locale__language_code="en", name=n).pk for n in names]


@pytest.mark.django_db
def test_a_student_opts_in_to_two_services_and_asks_to_talk_today(
    client, check_in_page, pupil, school_a
):
    user, student = pupil
    client.force_login(user)
    page = client.get("/self-report/")
    assert page.status_code == 200
    assert "How are you this week?" in page.content.decode()
    response = client.post(
        "/self-report/",
        answers(
            services=service_pks("Food", "Help with schoolwork"),
            talk_when="today",
            talk_with="counselor",
            own_words=SENTINEL,
        ),
    )
    report = SelfReport.objects.get()
    assert response["Location"] == reverse("self_report:done", args=[report.pk])
    kinds = sorted(report.requests.values_list("kind", flat=True))
    assert kinds == ["service", "service", "talk"]
    intake = Intake.objects.get(source="self_report")  # one check-in, one queue item
    assert intake.urgency == Intake.Urgency.HIGH  # the talk today is the most urgent part
    assert "asked for Help with schoolwork, Food" in intake.summary  # in the catalogue's order
    assert "wants to talk: Today, prefers A counselor" in intake.summary
    assert SENTINEL not in intake.summary
    done = client.get(response["Location"]).content.decode()
    assert "What happens next" in done and "You are not alone" not in done
    again = client.get("/self-report/").content.decode()
    assert "We got it. Someone will see you by" in again  # the two services
    assert "We got it. Someone will find you today." in again  # the talk, asked for today


@pytest.mark.django_db
def test_a_risk_answer_shows_crisis_help_next_and_opens_an_urgent_intake(
    client, check_in_page, pupil, school_a, django_capture_on_commit_callbacks
):
    user, _student = pupil
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/self-report/", answers(hurting_self="on"))
    done = client.get(response["Location"]).content.decode()
    assert "You are not alone" in done and "988" in done
    assert Intake.objects.get(urgency=Intake.Urgency.URGENT).source == "self_report"
    assert [m.to for m in mail.outbox] == [[lead.email]]


@pytest.mark.django_db
@pytest.mark.parametrize("words", ["sometimes I want to die", "a veces QUIERO MORÍR", "He hits me"])
def test_risk_phrases_in_the_students_own_words_count_in_english_and_spanish(
    client, check_in_page, pupil, words
):
    user, _student = pupil
    client.force_login(user)
    client.post("/self-report/", answers(own_words=words))
    assert SelfReport.objects.get().risk_flagged
    assert SelfReportRequest.objects.filter(kind="safety").exists()


@pytest.mark.django_db
def test_the_page_is_in_spanish_when_the_student_chooses_spanish(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "es", "next": "/self-report/"})
    page = client.get("/self-report/").content.decode()
    assert "¿Cómo estás esta semana?" in page
    assert "Comida" in page and "Food" not in page
    comida = Service.objects.get(locale__language_code="es", name="Comida")
    client.post("/self-report/", answers(services=[comida.pk]))
    report = SelfReport.objects.get()
    assert report.language == "es"
    assert report.requests.get().service.name == "Food"  # the team sees one catalogue


@pytest.mark.django_db
def test_only_services_for_the_students_grade_are_offered(client, check_in_page, school_a):
    user = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=user, grade="KG")
    client.force_login(user)
    page = client.get("/self-report/").content.decode()
    assert "Food" in page and "A mentor" not in page  # mentors are for grade 4 and up


@pytest.mark.django_db
def test_a_double_submit_makes_one_report(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    data = answers(talk_when="week")
    client.post("/self-report/", data)
    client.post("/self-report/", data)
    assert SelfReport.objects.count() == 1
    assert Intake.objects.count() == 1


@pytest.mark.django_db
def test_too_many_submissions_get_a_clear_message_not_an_error(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    for _ in range(5):
        client.post("/self-report/", answers())
    response = client.post("/self-report/", answers())
    assert response.status_code == 200
    assert "a lot of check-ins" in response.content.decode()
    assert SelfReport.objects.count() == 5


@pytest.mark.django_db
def test_a_student_sees_only_their_own_reports(client, check_in_page, pupil, school_a):
    user, _student = pupil
    other_user = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=other_user)
    client.force_login(other_user)
    client.post("/self-report/", answers(talk_when="today"))
    theirs = SelfReport.objects.get()
    client.force_login(user)
    assert client.get(reverse("self_report:done", args=[theirs.pk])).status_code == 404
    assert "What you asked for" not in client.get("/self-report/").content.decode()


@pytest.mark.django_db
def test_staff_cannot_use_the_student_page(client, check_in_page, teacher_a, team_a):
    for user in (teacher_a, team_a):
        client.force_login(user)
        assert client.get("/self-report/").status_code == 403


@pytest.mark.django_db
def test_oversized_text_is_refused_with_a_message_and_nothing_saved(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    response = client.post("/self-report/", answers(own_words="x" * 2001))
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not SelfReport.objects.exists()


@pytest.mark.django_db
def test_a_guardian_consent_rule_is_recorded_on_the_request(client, check_in_page, pupil, school_a):
    from self_report.models import ConsentRule

    user, _student = pupil  # born 2012: 14 or younger
    service = Service.objects.get(locale__language_code="en", name="A mentor")
    rule = ConsentRule.objects.create(
        district=school_a.district,
        service=service,
        min_age_without_consent=16,
        consent_text="We ask home first.",
    )
    client.force_login(user)
    response = client.post("/self-report/", answers(services=[service.pk]))
    request = SelfReportRequest.objects.get()
    assert (request.consent_rule, request.consent_needed) == (rule, True)
    assert "guardian consent needed (under 16)" in Intake.objects.get().summary
    assert "We ask home first." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_editors_change_the_page_and_catalogue_without_a_deploy(client, check_in_page, pupil):
    user, _student = pupil
    check_in_page.wellbeing_question = "How has your week been?"
    check_in_page.save_revision().publish()
    Service.objects.filter(name="Food").update(name="Free breakfast")
    client.force_login(user)
    page = client.get("/self-report/").content.decode()
    assert "How has your week been?" in page and "Free breakfast" in page


@pytest.mark.django_db
def test_no_ip_address_or_device_data_is_stored(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    client.post(
        "/self-report/",
        answers(talk_when="today"),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Phone/1.0",
    )
    values = " ".join(str(v) for v in SelfReport.objects.values_list().get())
    history = " ".join(str(v) for v in SelfReport.history.values_list().get())
    for trace in ("203.0.113.9", "Phone/1.0"):
        assert trace not in values and trace not in history

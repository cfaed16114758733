"""A check-in that signals risk is never refused: whatever the hourly limit says, and whatever
else was wrong with the form, it is saved, shows crisis help and reaches the queue as urgent.
A check-in that signals no risk, over the limit, is not lost silently: the student is told it
was not sent, and the form keeps what they filled in."""

import uuid

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from schoolwell.models import Role
from self_report import services
from self_report.models import OWN_WORDS_MAX, SelfReport
from support_team.models import Intake
from tests.factories import member
from tests.self_report.test_self_report import answers, service_pks

CRISIS = "You are not alone. Help is here now."
LIMIT = services.SUBMISSIONS_PER_HOUR


def fill_the_hour(client, times: int) -> None:
    """Check-ins that signal no risk: the first LIMIT are saved, the rest refused."""
    for _ in range(times):
        client.post("/self-report/", answers(wellbeing="3"))


def sent_and_urgent(client, response) -> SelfReport:
    report = SelfReport.objects.order_by("-pk").first()
    assert response.status_code == 302
    assert response["Location"] == reverse("self_report:done", args=[report.pk])
    assert CRISIS in client.get(response["Location"]).content.decode()
    intake = Intake.objects.get(source=Intake.Source.SELF_REPORT, source_id=str(report.pk))
    assert intake.urgency == Intake.Urgency.URGENT
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("nth", [LIMIT + 1, 20])
def test_a_check_in_saying_i_do_not_feel_safe_at_home_is_saved_over_the_limit(
    client, check_in_page, pupil, school_a, nth, django_capture_on_commit_callbacks
):
    user, _student = pupil
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    client.force_login(user)
    fill_the_hour(client, nth - 1)
    assert SelfReport.objects.count() == LIMIT  # the limit is in force
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/self-report/", answers(unsafe_at_home="on"))
    report = sent_and_urgent(client, response)
    assert report.unsafe_at_home and report.risk_flagged
    assert [m.to for m in mail.outbox] == [[lead.email]]  # the safeguarding lead is alerted


@pytest.mark.django_db
def test_a_risk_phrase_in_the_students_words_is_saved_over_the_limit(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    fill_the_hour(client, LIMIT + 3)
    response = client.post("/self-report/", answers(own_words="My dad hits me when he drinks"))
    assert sent_and_urgent(client, response).own_words == "My dad hits me when he drinks"


@pytest.mark.django_db
def test_a_safety_box_with_the_first_question_skipped_is_saved(client, check_in_page, pupil):
    """The form asks "How are you this week?" first and the page does not let the browser
    insist (novalidate): a student may tick a safety box and skip it."""
    user, _student = pupil
    client.force_login(user)
    data = answers(hurting_self="on", services=service_pks("Food"))
    del data["wellbeing"]
    report = sent_and_urgent(client, client.post("/self-report/", data))
    assert report.wellbeing is None and report.hurting_self
    assert report.requests.filter(kind="service").count() == 1  # the valid answers are kept


@pytest.mark.django_db
def test_risk_words_longer_than_the_form_takes_are_saved(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    words = "I want to die. " + "x" * OWN_WORDS_MAX
    report = sent_and_urgent(client, client.post("/self-report/", answers(own_words=words)))
    assert report.own_words == words[:OWN_WORDS_MAX]


@pytest.mark.django_db
def test_a_refused_form_that_signals_no_risk_still_saves_nothing(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    data = answers(own_words="I am fine")
    del data["wellbeing"]
    response = client.post("/self-report/", data)
    assert response.status_code == 200
    assert "Choose how you are this week." in response.content.decode()
    assert not SelfReport.objects.exists()


@pytest.mark.django_db
def test_over_the_limit_a_check_in_is_not_sent_says_so_and_keeps_the_form(
    client, check_in_page, pupil
):
    user, _student = pupil
    client.force_login(user)
    fill_the_hour(client, LIMIT)
    (food,) = service_pks("Food")
    data = answers(services=[food], talk_when="week", own_words="Can someone help with lunch")
    response = client.post("/self-report/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your check-in was not sent" in page
    assert "Can someone help with lunch</textarea>" in page
    assert f'value="{food}" checked' in page
    assert data["idempotency_key"] in page  # sent again later, it is still one check-in
    assert SelfReport.objects.count() == LIMIT
    cache.clear()  # an hour later
    assert client.post("/self-report/", data).status_code == 302
    assert SelfReport.objects.filter(own_words="Can someone help with lunch").count() == 1


@pytest.mark.django_db
def test_a_double_submit_is_not_counted_against_the_limit(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    data = answers(talk_when="week")
    for _ in range(LIMIT + 1):
        assert client.post("/self-report/", data).status_code == 302
    assert client.post("/self-report/", answers()).status_code == 302
    assert SelfReport.objects.count() == 2


@pytest.mark.django_db
def test_the_service_itself_never_refuses_risk_whoever_calls_it(pupil, school_a):
    _user, student = pupil
    for _ in range(LIMIT):
        services.self_report_submit(
            student=student,
            school=school_a,
            language="en",
            answers=services.Answers(wellbeing=3),
            idempotency_key=uuid.uuid4(),
        )
    with pytest.raises(services.CheckInNotSent):
        services.self_report_submit(
            student=student,
            school=school_a,
            language="en",
            answers=services.Answers(wellbeing=3),
            idempotency_key=uuid.uuid4(),
        )
    report, created = services.self_report_submit(
        student=student,
        school=school_a,
        language="en",
        answers=services.Answers(wellbeing=3, hurting_self=True),
        idempotency_key=uuid.uuid4(),
    )
    assert created and report.risk_flagged
    assert Intake.objects.get(source_id=str(report.pk)).urgency == Intake.Urgency.URGENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "words",
    [
        "I do not feel safe at home",
        "i don't feel safe at home anymore",
        "I don’t feel safe at home",
        "No me siento segura en casa",
        "no me siento seguro en casa",
    ],
)
def test_the_safety_question_written_in_the_students_own_words_signals_risk(check_in_page, words):
    """The catalogue's phrases catch the safety box's own words typed out, in both languages
    ("not safe at home" alone does not: "do not feel safe at home" does not contain it)."""
    assert services.risk_in_words(words)

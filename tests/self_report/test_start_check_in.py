"""A new district's students can check in once `manage.py start_check_in` has run: before it,
only the demo seed made the check-in page and its catalogue, and on a new installation
/check-in/ led back to the home page. Running it again changes nothing an editor changed."""

from io import StringIO

import pytest
from django.core.management import call_command

from schoolwell.models import Service
from self_report import demo, risk_phrases
from self_report.models import RiskPhrase, SelfReportPage


def start() -> str:
    out = StringIO()
    call_command("start_check_in", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_new_installation_gets_the_page_in_both_languages_the_services_and_the_phrases():
    assert not SelfReportPage.objects.exists()
    RiskPhrase.objects.all().delete()

    said = start()

    pages = SelfReportPage.objects.live()
    assert sorted(pages.values_list("locale__language_code", flat=True)) == ["en", "es"]
    for language in ("en", "es"):
        names = Service.objects.filter(locale__language_code=language).values_list("name")
        assert len(names) == len(demo.SERVICES)
    assert RiskPhrase.objects.count() == len(risk_phrases.DEFAULTS)
    assert "Check-in page at /self-report/: made" in said
    assert f"{len(demo.SERVICES)} services added" in said


@pytest.mark.django_db
def test_a_student_reaches_the_check_in_on_a_new_installation(client, pupil):
    user, _student = pupil
    client.force_login(user)
    assert client.get("/check-in/")["Location"] == "/"  # nothing to check in on yet

    start()

    response = client.get("/check-in/")
    assert response["Location"] == "/self-report/"
    assert "How are you this week?" in client.get("/self-report/").content.decode()


@pytest.mark.django_db
def test_running_it_again_changes_nothing_an_editor_changed():
    start()
    page = SelfReportPage.objects.get(locale__language_code="en")
    page.wellbeing_question = "How has your week been?"
    page.save_revision().publish()
    food = Service.objects.get(locale__language_code="en", name="Food")
    food.description = "Breakfast club every morning."
    food.save()

    said = start()

    assert SelfReportPage.objects.count() == 2
    assert SelfReportPage.objects.get(pk=page.pk).wellbeing_question == "How has your week been?"
    assert Service.objects.get(pk=food.pk).description == "Breakfast club every morning."
    assert "already there; 0 services added (English and Spanish); 0 risk phrases added" in said

"""A new installation knows the words of a cry for help before anyone has edited a list: a
student who writes one in their own words, without ticking a safety box, gets crisis help
at once and the team an urgent item. Until the defaults shipped, only the demo data had risk
phrases; found on a walk, where a Spanish check-in saying "No quiero seguir viviendo" was
told it would be read within two school days; and, once flagged, its page said both "an adult
will find you today" and "read within two school days"."""

import importlib

import pytest
from django.apps import apps

from self_report import risk_phrases
from self_report.models import RiskPhrase, SelfReport
from self_report.services import risk_in_words
from tests.self_report.test_risk_never_refused import sent_and_urgent
from tests.self_report.test_self_report import answers

MIGRATION = importlib.import_module("self_report.migrations.0005_default_risk_phrases")

CRIES = [
    "I don't want to live anymore",
    "I don’t want to live like this",  # a phone's curly apostrophe
    "sometimes I think about suicide",
    "everyone would be better off without me",
    "I've been cutting myself again",
    "I'm scared to go home tonight",
    "No quiero seguir viviendo, ya no puedo más",
    "Me quiero morir",
    "a veces pienso en suicidarme",
    "quiero quitarme la vida",
    "tengo miedo de volver a casa",
]
ORDINARY_WEEKS = [
    "I studied hard for the math test and I'm tired",
    "The diet at lunch is boring, can we have more fruit?",
    "I'd like help with homework",
    "Me gusta mi clase de arte",
    "Estoy cansado pero bien, quiero ayuda con las tareas",
]


def new_installation() -> None:
    """The phrases table as the migration leaves a database that had none."""
    RiskPhrase.objects.all().delete()
    MIGRATION.forwards(apps, None)


@pytest.mark.django_db
def test_the_migration_gives_a_new_installation_every_default_phrase():
    new_installation()
    assert set(RiskPhrase.objects.values_list("phrase", "language")) == set(risk_phrases.DEFAULTS)


@pytest.mark.django_db
@pytest.mark.parametrize("words", CRIES)
def test_a_cry_for_help_in_the_students_own_words_is_urgent_on_a_new_installation(
    client, check_in_page, pupil, words
):
    new_installation()
    user, _student = pupil
    client.force_login(user)
    response = client.post("/self-report/", answers(own_words=words))
    report = sent_and_urgent(client, response)
    assert report.risk_flagged and report.own_words == words
    # The alert says an adult will find them today; the usual "what happens next" (within two
    # school days) is not shown beside it.
    done = client.get(response["Location"]).content.decode()
    assert "within two school days" not in " ".join(done.split())


@pytest.mark.django_db
@pytest.mark.parametrize("words", ORDINARY_WEEKS)
def test_an_ordinary_week_in_the_students_words_is_not_a_risk(words):
    new_installation()
    assert not risk_in_words(words)


@pytest.mark.django_db
def test_adding_the_defaults_adds_only_the_missing_and_keeps_what_the_leads_edited():
    new_installation()
    RiskPhrase.objects.filter(phrase="me toca").delete()  # too noisy for this district
    RiskPhrase.objects.filter(phrase="hits me").update(language="es")
    RiskPhrase.objects.create(phrase="nobody would miss me", language="en")
    before = set(RiskPhrase.objects.values_list("phrase", "language"))

    added = risk_phrases.add_defaults(RiskPhrase)

    assert added == 1  # "me toca", the only default missing; the rest as the leads left it
    after = set(RiskPhrase.objects.values_list("phrase", "language"))
    assert after == before | {("me toca", "es")}
    assert risk_phrases.add_defaults(RiskPhrase) == 0
    assert SelfReport.objects.count() == 0

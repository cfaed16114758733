"""Journey: a student checks in, opts in to two services and asks to talk to someone today,
in English and in Spanish, with and without JavaScript, on a 360 px phone; sees the
confirmation and later where each request is. A risk answer shows crisis help at once."""

import re

import pytest
from playwright.sync_api import expect

from schoolwell.models import Role
from self_report import demo
from self_report.models import SelfReport
from support_team.models import Intake
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}
EN = {
    "lang": "en",
    "wellbeing": "How are you this week?",
    "not_great": "Not great",
    "services": ("Food", "Help with schoolwork"),
    "talk_when": "I'd like to talk to someone",
    "today": "Today",
    "talk_with": "Who would you like to talk to?",
    "counselor": "A counselor",
    "send": "Send",
    "required": "Choose how you are this week.",
    "thanks": "Thank you. We got it.",
    "asked_for": "What you asked for",
    "talk": "Talk to someone",
    "back": "Back to my check-in page",
    "status": "We got it. Someone will see you by",
    "got_it": "We got it.",
    "hurting": "I have thought about hurting myself",
    "crisis": "You are not alone. Help is here now.",
}
ES = {
    "lang": "es",
    "wellbeing": "¿Cómo estás esta semana?",
    "not_great": "No muy bien",
    "services": ("Comida", "Ayuda con las tareas"),
    "talk_when": "Me gustaría hablar con alguien",
    "today": "Hoy",
    "talk_with": "¿Con quién te gustaría hablar?",
    "counselor": "Un consejero",
    "send": "Enviar",
    "required": None,  # checked in English only
    "thanks": "Gracias. Lo recibimos.",
    "asked_for": "Lo que pediste",
    "talk": "Hablar con alguien",
    "back": "Volver a mi página de registro",
    "status": "Lo recibimos. Alguien te verá a más tardar el",
    "got_it": "Lo recibimos.",
    "hurting": "He pensado en hacerme daño",
    "crisis": "No estás solo/a. Hay ayuda ahora mismo.",
}


@pytest.fixture(autouse=True)
def check_in_content(transactional_db):
    """A transactional test flushes every table, Wagtail's root page and site included:
    build the page (and the root it needs) and the catalogue again."""
    demo.ensure_catalogue()
    demo.ensure_page()


@pytest.fixture
def student(school_a):
    user = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=user, grade="07")
    return user


def fits(page, width: int) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def step(page, name: str, *, width: int | None = None, axe: bool = True) -> None:
    """Every step: a screenshot, fits the screen, no serious accessibility violation.

    Playwright's evaluate still works with the page's JavaScript off (it measures the
    width), but axe-core never finishes there (its run waits on timers that do not fire):
    the JS-on 360 px test runs axe on the same pages."""
    screenshot(page, name)
    if width:
        fits(page, width)
    if axe:
        assert serious_violations(page) == [], name


def choose_not_great(form, t: dict) -> None:
    group = form.get_by_role("group", name=t["wellbeing"])
    group.get_by_label(t["not_great"]).check()


def check_in(page, t: dict, *, shot: str, **how) -> None:
    """From the check-in page: choose, tick two services, ask to talk today, send."""
    form = page.locator("form.check-in")
    choose_not_great(form, t)
    for service in t["services"]:
        form.get_by_label(service).check()
    form.get_by_role("group", name=t["talk_when"]).get_by_label(t["today"], exact=True).check()
    form.get_by_role("group", name=t["talk_with"]).get_by_label(t["counselor"]).check()
    step(page, f"{shot}-filled", **how)
    form.get_by_role("button", name=t["send"]).click()


def sees_the_confirmation_then_the_statuses(page, t: dict, *, shot: str, **how) -> None:
    page.wait_for_url("**/check-in/sent/*/")
    assert page.locator("html").get_attribute("lang") == t["lang"]
    assert page.get_by_role("heading", level=1).inner_text() == t["thanks"]
    asked = page.get_by_role("heading", name=t["asked_for"]).locator(
        "xpath=following-sibling::ul[1]"
    )
    for service in t["services"]:
        assert asked.get_by_text(service).is_visible()
    assert asked.get_by_text(t["talk"]).is_visible()
    step(page, f"{shot}-sent", **how)
    page.get_by_role("link", name=t["back"]).click()
    page.wait_for_url(re.compile(r".*/self-report/$"))
    rows = page.get_by_role("region", name=t["asked_for"]).get_by_role("listitem")
    assert rows.count() == 3  # two services and a talk
    for service in t["services"]:
        assert t["status"] in rows.filter(has_text=service).inner_text()
    assert t["got_it"] in rows.filter(has_text=t["talk"]).inner_text()
    step(page, f"{shot}-statuses", **how)


def switch_to_spanish(page) -> None:
    """With the header's switcher. By value: the option reads "Spanish", see
    test_the_language_switcher_names_each_language_in_its_own_language."""
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_a_student_checks_in_in_english(page, student):
    sign_in(page, student, with_code=False)
    page.wait_for_url("**/self-report/")  # home sends a student to /check-in/, then here
    assert page.locator("html").get_attribute("lang") == "en"
    step(page, "self-report-en-form")
    page.get_by_role("button", name=EN["send"]).click()  # nothing chosen: asked again
    # Said twice: in the summary at the top (a link to the question) and at the question.
    assert page.get_by_role("link", name=EN["required"]).is_visible()
    assert page.locator("#id_wellbeing_error").inner_text() == EN["required"]
    step(page, "self-report-en-error")
    check_in(page, EN, shot="self-report-en")
    sees_the_confirmation_then_the_statuses(page, EN, shot="self-report-en")
    report = SelfReport.objects.get()
    assert (report.language, report.talk_when, report.talk_with) == ("en", "today", "counselor")
    assert Intake.objects.filter(source="self_report").count() == 1  # one check-in, one item


def test_a_student_checks_in_in_spanish(page, student):
    sign_in(page, student, with_code=False)
    page.wait_for_url("**/self-report/")
    switch_to_spanish(page)
    assert page.get_by_role("heading", level=1).inner_text() == "¿Cómo estás?"
    assert page.get_by_text("Food").count() == 0
    step(page, "self-report-es-form")
    check_in(page, ES, shot="self-report-es")
    sees_the_confirmation_then_the_statuses(page, ES, shot="self-report-es")
    report = SelfReport.objects.get()
    assert report.language == "es"
    names = sorted(r.service.name for r in report.requests.filter(kind="service"))
    assert names == ["Food", "Help with schoolwork"]  # the team sees one catalogue


@pytest.mark.parametrize("t", [EN, ES], ids=["en", "es"])
def test_the_journey_works_without_javascript_on_a_phone(browser, live_server, student, t):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        assert page.evaluate("1 + 1") == 2  # Playwright's evaluate runs with page JS off
        sign_in(page, student, with_code=False)
        page.wait_for_url("**/self-report/")
        fits(page, PHONE["width"])
        if t is ES:
            switch_to_spanish(page)
        assert page.locator("html").get_attribute("lang") == t["lang"]
        shot = f"self-report-{t['lang']}-no-js-360"
        how = {"width": PHONE["width"], "axe": False}
        step(page, f"{shot}-form", **how)
        check_in(page, t, shot=shot, **how)
        sees_the_confirmation_then_the_statuses(page, t, shot=shot, **how)
        assert SelfReport.objects.get().language == t["lang"]
    finally:
        context.close()


@pytest.mark.parametrize("t", [EN, ES], ids=["en", "es"])
def test_the_check_in_fits_a_phone_with_javascript_and_passes_axe(browser, live_server, student, t):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, student, with_code=False)
        page.wait_for_url("**/self-report/")
        if t is ES:
            switch_to_spanish(page)
        shot = f"self-report-{t['lang']}-360"
        step(page, f"{shot}-form", width=PHONE["width"])
        check_in(page, t, shot=shot, width=PHONE["width"])
        sees_the_confirmation_then_the_statuses(page, t, shot=shot, width=PHONE["width"])
    finally:
        context.close()


@pytest.mark.parametrize("t", [EN, ES], ids=["en", "es"])
def test_a_risk_answer_shows_crisis_help_on_the_very_next_page(page, student, t):
    sign_in(page, student, with_code=False)
    page.wait_for_url("**/self-report/")
    if t is ES:
        switch_to_spanish(page)
    form = page.locator("form.check-in")
    choose_not_great(form, t)
    form.get_by_label(t["hurting"]).check()
    form.get_by_role("button", name=t["send"]).click()
    page.wait_for_url("**/check-in/sent/*/")
    crisis = page.get_by_role("alert")
    assert crisis.get_by_role("heading", level=1).inner_text() == t["crisis"]
    assert crisis.get_by_text("988").is_visible()
    step(page, f"self-report-{t['lang']}-crisis")
    assert SelfReport.objects.get().risk_flagged
    assert Intake.objects.filter(urgency=Intake.Urgency.URGENT).count() == 1


def test_the_language_switcher_names_each_language_in_its_own_language(page, student):
    sign_in(page, student, with_code=False)
    page.wait_for_url("**/self-report/")
    options = page.get_by_label("Language").locator("option")
    assert options.all_inner_texts() == ["English", "Español"]
    switch_to_spanish(page)
    assert page.get_by_label("Idioma").locator("option").all_inner_texts() == [
        "English",
        "Español",
    ]


def test_the_wellbeing_choices_are_in_spanish(page, student):
    sign_in(page, student, with_code=False)
    page.wait_for_url("**/self-report/")
    switch_to_spanish(page)
    group = page.get_by_role("group", name=ES["wellbeing"])
    assert group.get_by_label(ES["not_great"]).count() == 1
    assert group.get_by_label("Not great").count() == 0

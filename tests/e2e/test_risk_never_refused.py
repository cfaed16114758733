"""Journey: a risk answer is never refused. A student who has already sent the most check-ins
the hour allows sends one more on a 360 px phone: one that signals no risk is refused with a
clear message and comes back as they filled it in; one that signals risk (the safety box, or
"I do not feel safe at home" in their own words) is saved, shows crisis help at once and
reaches the team's queue as urgent."""

import uuid

import pytest
from playwright.sync_api import expect

from schoolwell.models import Discipline, Role
from self_report import demo, services
from self_report.models import SelfReport
from support_team.models import Intake
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 800}
LAPTOP = {"width": 1280, "height": 900}
LIMIT = services.SUBMISSIONS_PER_HOUR
NOT_SENT = "Your check-in was not sent: you have sent a lot of check-ins in the last hour."
CRISIS = "You are not alone. Help is here now."
PLAIN_WORDS = "Can someone help me with fractions before the test on Friday?"
RISK_WORDS = "I do not feel safe at home"


@pytest.fixture(autouse=True)
def check_in_content(transactional_db):
    demo.ensure_catalogue()
    demo.ensure_page()


@pytest.fixture
def student(school_a):
    """A student who has already sent the hour's allowance of check-ins (through the
    service, which counts them against the limit as the page does)."""
    user = member(Role.STUDENT, school=school_a)
    record = enrolled_student(school_a, user=user, grade="07", legal_first_name="Noor")
    for _ in range(LIMIT):
        services.self_report_submit(
            student=record,
            school=school_a,
            language="en",
            answers=services.Answers(wellbeing=3),
            idempotency_key=uuid.uuid4(),
        )
    # Asking counts one more attempt, as a refused page submit would: still over the limit.
    assert not services.submission_allowed(record)
    return user


def phone_page(browser, live_server, viewport=PHONE):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def choose_ok(form) -> None:
    form.get_by_role("group", name="How are you this week?").get_by_label("OK").check()


def test_at_the_limit_a_plain_check_in_is_refused_and_kept_and_a_risk_box_is_saved(
    browser, live_server, student
):
    page = phone_page(browser, live_server)
    try:
        sign_in(page, student, with_code=False)
        page.wait_for_url("**/self-report/")
        form = page.locator("form.check-in")
        choose_ok(form)
        form.get_by_label("Help with schoolwork").check()
        form.get_by_label("Anything else you want to tell us?").fill(PLAIN_WORDS)
        form.get_by_role("button", name="Send").click()
        page.wait_for_load_state()
        expect(page.get_by_text(NOT_SENT)).to_be_visible()
        form = page.locator("form.check-in")
        expect(form.get_by_label("Anything else you want to tell us?")).to_have_value(PLAIN_WORDS)
        expect(form.get_by_label("Help with schoolwork")).to_be_checked()
        expect(
            form.get_by_role("group", name="How are you this week?").get_by_label("OK")
        ).to_be_checked()
        assert SelfReport.objects.count() == LIMIT  # refused: nothing saved
        fits(page, PHONE["width"])
        assert serious_violations(page) == []
        screenshot(page, "risk-limit-plain-refused-360")

        # The same student, on the form that came back, ticks the safety box and sends again.
        form.get_by_label("I do not feel safe at home").check()
        form.get_by_role("button", name="Send").click()
        page.wait_for_url("**/check-in/sent/*/")
        crisis = page.get_by_role("alert")
        expect(crisis.get_by_role("heading", level=1)).to_have_text(CRISIS)
        expect(crisis.get_by_text("988")).to_be_visible()
        fits(page, PHONE["width"])
        assert serious_violations(page) == []
        screenshot(page, "risk-limit-box-crisis-help-360")
        report = SelfReport.objects.order_by("-pk").first()
        assert SelfReport.objects.count() == LIMIT + 1
        assert report.unsafe_at_home and report.risk_flagged and report.own_words == PLAIN_WORDS
    finally:
        page.context.close()


def test_at_the_limit_risk_words_are_saved_and_reach_the_queue_as_urgent(
    browser, live_server, student, school_a
):
    counselor = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    page = phone_page(browser, live_server)
    try:
        sign_in(page, student, with_code=False)
        page.wait_for_url("**/self-report/")
        form = page.locator("form.check-in")
        choose_ok(form)
        form.get_by_label("Anything else you want to tell us?").fill(RISK_WORDS)
        form.get_by_role("button", name="Send").click()
        page.wait_for_url("**/check-in/sent/*/")
        crisis = page.get_by_role("alert")
        expect(crisis.get_by_role("heading", level=1)).to_have_text(CRISIS)
        fits(page, PHONE["width"])
        screenshot(page, "risk-limit-words-crisis-help-360")
    finally:
        page.context.close()
    report = SelfReport.objects.order_by("-pk").first()
    assert report.own_words == RISK_WORDS and report.risk_flagged
    intake = Intake.objects.get(source="self_report", source_id=str(report.pk))
    assert intake.urgency == Intake.Urgency.URGENT

    team = phone_page(browser, live_server, LAPTOP)
    try:
        sign_in(team, counselor)
        team.goto("/team/queue/")
        row = team.locator(f"#intake-{intake.pk}")
        expect(row.locator(".badge.urgency-0")).to_have_text("Urgent")
        # Urgent first (the earlier check-ins asked for nothing, so they are not queued).
        expect(team.locator("#queue-rows tr").first).to_have_id(f"intake-{intake.pk}")
        screenshot(team, "risk-limit-queue-urgent")
        team.set_viewport_size(PHONE)
        expect(row.locator(".badge.urgency-0")).to_be_visible()
        screenshot(team, "risk-limit-queue-urgent-360")
    finally:
        team.context.close()

"""Journey: a student's words reach the team. The student checks in and writes in their own
words; a counselor of that school opens the queue, sees one item for the check-in, opens it
and reads every answer and the student's words on the intake page (loaded into it) and on
the check-in's own page; on a laptop and on a 360 px phone, and without JavaScript."""

import pytest

from schoolwell.models import Discipline, Role
from self_report import demo
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "Since my dad left, my mum works nights and I look after my sisters. I am tired all day."
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}


@pytest.fixture(autouse=True)
def check_in_content(transactional_db):
    demo.ensure_catalogue()
    demo.ensure_page()


@pytest.fixture
def people(school_a):
    student = member(Role.STUDENT, school=school_a)
    enrolled_student(
        school_a, user=student, grade="07", legal_first_name="Noor", legal_last_name="Haddad"
    )
    counselor = member(Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR)
    return student, counselor


def browser_page(browser, live_server, viewport, **options):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def student_checks_in(browser, live_server, student) -> None:
    page = browser_page(browser, live_server, PHONE)
    try:
        sign_in(page, student, with_code=False)
        page.wait_for_url("**/self-report/")
        form = page.locator("form.check-in")
        form.get_by_role("group", name="How are you this week?").get_by_label("Not great").check()
        form.get_by_label("Food").check()
        form.get_by_label("Help with schoolwork").check()
        talk = form.get_by_role("group", name="I'd like to talk to someone")
        talk.get_by_label("This week").check()
        form.get_by_label("Anything else you want to tell us?").fill(WORDS)
        form.get_by_role("button", name="Send").click()
        page.wait_for_url("**/check-in/sent/*/")
    finally:
        page.context.close()


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "360"])
def test_a_counselor_reads_the_students_own_words_from_the_queue(
    browser, live_server, people, viewport
):
    student, counselor = people
    student_checks_in(browser, live_server, student)
    width = viewport["width"]
    page = browser_page(browser, live_server, viewport)
    try:
        sign_in(page, counselor)
        page.goto("/team/queue/")
        rows = page.locator("#queue-rows tr")
        assert rows.count() == 1  # one check-in, one queue item
        item = rows.first.get_by_role("link", name="Check-in:")
        assert "asked for Help with schoolwork, Food" in item.inner_text()
        screenshot(page, f"checkin-queue-{width}")
        item.click()
        page.wait_for_url("**/team/queue/*/")
        panel = page.locator("section#checkin")
        panel.get_by_text(WORDS).wait_for()  # loaded into the intake page
        assert "Not great" in panel.inner_text()
        fits(page, width)
        assert serious_violations(page) == []
        screenshot(page, f"checkin-intake-{width}")
        page.get_by_role("link", name="Noor Haddad").first.click()  # the chronology
        page.wait_for_url("**/team/students/*/")
        page.get_by_role("link", name="Student check-in (Not great)").click()
        page.wait_for_url("**/check-in/team/*/")
        assert page.get_by_text(WORDS).is_visible()
        fits(page, width)
        assert serious_violations(page) == []
        screenshot(page, f"checkin-page-{width}")
    finally:
        page.context.close()


def test_without_javascript_the_intake_page_links_to_the_check_in(browser, live_server, people):
    student, counselor = people
    student_checks_in(browser, live_server, student)
    page = browser_page(browser, live_server, PHONE, java_script_enabled=False)
    try:
        sign_in(page, counselor)
        page.goto("/team/queue/")
        page.locator("#queue-rows").get_by_role("link", name="Check-in:").click()
        page.wait_for_url("**/team/queue/*/")
        assert page.get_by_text(WORDS).count() == 0  # nothing loads the panel
        page.get_by_role("link", name="Read the check-in").click()
        page.wait_for_url("**/check-in/team/*/")
        assert page.get_by_text(WORDS).is_visible()
        fits(page, PHONE["width"])
        screenshot(page, "checkin-page-no-js-360")
    finally:
        page.context.close()

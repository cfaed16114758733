"""Journey: statuses tell the truth. A teacher logs a concern, a counselor takes it into a
case from the intake page, and the teacher's "My concerns" says the support team is
following it up (not "Closed"), with nothing of the case. A student asks for help with
schoolwork on a 360 px phone, the counselor routes the check-in to that school service, and
the student's page says it was passed to that service by name (not "Done"), in English and,
after the language switcher, in Spanish."""

import re

import pytest
from playwright.sync_api import expect

from concerns.models import Concern
from schoolwell.models import Discipline, Role
from self_report import demo
from support_team.models import CloseReason, Intake
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}
FOLLOWED = "The support team is following this up"
ROUTED = {"en": "Passed to Help with schoolwork.", "es": "Lo pasamos a Ayuda con las tareas."}


@pytest.fixture(autouse=True)
def check_in_content(transactional_db):
    demo.ensure_catalogue()
    demo.ensure_page()


@pytest.fixture
def counselor(school_a):
    return member(
        Role.SUPPORT, school=school_a, discipline=Discipline.COUNSELOR, first_name="Carmen"
    )


def new_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def open_from_the_queue(page, intake: Intake) -> None:
    """The counselor finds the item in the queue and opens it."""
    page.goto("/team/queue/")
    page.locator(f"#intake-{intake.pk}").get_by_role("link", name=intake.summary).click()
    page.wait_for_url(f"**/team/queue/{intake.pk}/")


def test_a_teacher_sees_the_team_following_up_a_concern_taken_into_a_case(
    browser, live_server, school_a, counselor
):
    teacher = member(Role.TEACHER, school=school_a)
    enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero")
    mine = new_page(browser, live_server, LAPTOP)
    team = new_page(browser, live_server, LAPTOP)
    try:
        sign_in(mine, teacher)
        mine.wait_for_url("**/concerns/new/")
        mine.get_by_label("Type part of a name or student ID").press_sequentially("Quint", delay=40)
        mine.get_by_label("Marisol Quintero").check()
        mine.get_by_label("Emotional wellbeing").check()
        mine.get_by_label("Worried", exact=True).check()
        mine.get_by_label("What happened?").fill("Crying in the corridor before maths.")
        mine.get_by_role("button", name="Send to the support team").click()
        mine.wait_for_url("**/concerns/mine/")
        row = mine.locator("table tbody tr").first
        expect(row.locator("strong")).to_have_text("Received")

        intake = Intake.objects.get(source="concern")
        sign_in(team, counselor)
        open_from_the_queue(team, intake)
        team.get_by_role("button", name="Claim").click()
        team.get_by_role("button", name="Open the case").click()
        expect(team.get_by_text("Taken into the student's case.")).to_be_visible()
        screenshot(team, "truthful-status-team-took-into-case")
        intake.refresh_from_db()
        assert intake.closed_reason == CloseReason.CASE and intake.case is not None

        mine.goto("/concerns/new/")  # the header's link carries the count
        expect(mine.get_by_role("link", name=re.compile(r"My concerns\s+1 update"))).to_be_visible()
        mine.get_by_role("link", name=re.compile("My concerns")).click()
        mine.wait_for_url("**/concerns/mine/")
        row = mine.locator("table tbody tr").first
        expect(row.locator("strong")).to_have_text(FOLLOWED)
        trail = row.locator("ol.status-trail li").all_inner_texts()
        assert [item.split(" · ")[0] for item in trail] == [
            "Received",
            "Being looked at",
            FOLLOWED,
        ]
        page_text = mine.locator("main").inner_text()
        assert "Closed" not in page_text
        assert "Carmen" not in page_text and f"Case {intake.case.pk}" not in page_text
        assert serious_violations(mine) == []
        screenshot(mine, "truthful-status-teacher-followed-up")
        mine.set_viewport_size(PHONE)  # a teacher checks from a phone too
        fits(mine, PHONE["width"])
        screenshot(mine, "truthful-status-teacher-followed-up-360")
        mine.set_viewport_size(LAPTOP)
        mine.get_by_role("link", name=re.compile(r"\d+ \w+ \d{4}")).first.click()
        expect(mine.locator("ol.status-trail")).to_contain_text(FOLLOWED)
        screenshot(mine, "truthful-status-teacher-concern-detail")
        assert Concern.objects.count() == 1
    finally:
        mine.context.close()
        team.context.close()


def student_asks_for_help_with_schoolwork(page) -> None:
    form = page.locator("form.check-in")
    form.get_by_role("group", name="How are you this week?").get_by_label("OK").check()
    form.get_by_label("Help with schoolwork").check()
    form.get_by_role("button", name="Send").click()
    page.wait_for_url("**/check-in/sent/*/")
    page.get_by_role("link", name="Back to my check-in page").click()
    page.wait_for_url(re.compile(r".*/self-report/$"))


def requests_region(page, heading: str):
    return page.get_by_role("region", name=heading)


def test_a_student_sees_a_routed_request_passed_to_that_service_in_english_and_spanish(
    browser, live_server, school_a, counselor
):
    user = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=user, grade="07", legal_first_name="Noor")
    phone = new_page(browser, live_server, PHONE)
    team = new_page(browser, live_server, LAPTOP)
    try:
        sign_in(phone, user, with_code=False)
        phone.wait_for_url("**/self-report/")
        student_asks_for_help_with_schoolwork(phone)
        mine = requests_region(phone, "What you asked for").get_by_role("listitem")
        expect(mine).to_have_count(1)
        expect(mine.first).to_contain_text("We got it.")
        screenshot(phone, "truthful-status-student-received-360")

        intake = Intake.objects.get(source="self_report")
        sign_in(team, counselor)
        open_from_the_queue(team, intake)
        team.get_by_role("button", name="Claim").click()
        team.get_by_role("combobox", name="School service").select_option(
            label="Help with schoolwork"
        )
        team.get_by_role("button", name="Route").click()
        expect(team.get_by_text("Routed to the service.")).to_be_visible()
        screenshot(team, "truthful-status-team-routed")

        phone.reload()
        mine = requests_region(phone, "What you asked for").get_by_role("listitem")
        expect(mine.first).to_contain_text(ROUTED["en"])
        assert "Done" not in mine.first.inner_text()
        fits(phone, PHONE["width"])
        assert serious_violations(phone) == []
        screenshot(phone, "truthful-status-student-routed-en-360")

        phone.get_by_label("Language").select_option("es")
        phone.get_by_role("button", name="Change").click()
        expect(phone.locator("html")).to_have_attribute("lang", "es")
        mine = requests_region(phone, "Lo que pediste").get_by_role("listitem")
        expect(mine.first).to_contain_text(ROUTED["es"])
        assert "Ayuda con las tareas" in mine.first.locator("strong").inner_text()
        assert "Listo" not in mine.first.inner_text()
        fits(phone, PHONE["width"])
        assert serious_violations(phone) == []
        screenshot(phone, "truthful-status-student-routed-es-360")
    finally:
        phone.context.close()
        team.context.close()

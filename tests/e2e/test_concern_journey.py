"""Journey 1: a teacher logs a concern in at most three screens and sees it received."""

import pytest

from concerns.models import Concern
from schoolwell.models import Role
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_concern(page):
    page.get_by_label("Attendance").check()
    page.get_by_label("Worried", exact=True).check()
    page.get_by_label("What happened?").fill("What I saw: asleep in class three days running.")
    page.get_by_label("Where").fill("Room 12")


def test_a_teacher_logs_a_concern_with_live_search(page, school_a):
    teacher = member(Role.TEACHER, school=school_a)
    enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero")
    sign_in(page, teacher)
    page.wait_for_url("**/concerns/new/")  # screen 1: the form, straight after sign-in
    assert serious_violations(page) == []
    page.get_by_label("Type part of a name or student ID").press_sequentially("Quint", delay=40)
    page.get_by_label("Marisol Quintero").check()  # results appeared as we typed
    fill_concern(page)
    screenshot(page, "concern-form")
    page.get_by_role("button", name="Send to the support team").click()
    page.wait_for_url("**/concerns/mine/")  # screen 2: My concerns
    assert page.get_by_text("Received. The support team will look at it.").is_visible()
    assert page.locator("table").get_by_text("Received").first.is_visible()
    assert serious_violations(page) == []
    screenshot(page, "my-concerns")
    assert Concern.objects.count() == 1


def test_the_same_journey_works_without_javascript(browser, live_server, school_a):
    teacher = member(Role.TEACHER, school=school_a)
    enrolled_student(school_a, legal_first_name="Marisol", legal_last_name="Quintero")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, teacher)
    page.wait_for_url("**/concerns/new/")  # screen 1
    page.get_by_label("Type part of a name or student ID").fill("Quint")
    page.get_by_role("button", name="Search").click()  # screen 2: the same form with results
    screenshot(page, "concern-search-no-js-360")
    page.get_by_label("Marisol Quintero").check()
    fill_concern(page)
    screenshot(page, "concern-form-no-js-360")
    page.get_by_role("button", name="Send to the support team").click()
    page.wait_for_url("**/concerns/mine/")  # screen 3
    assert page.locator("table").get_by_text("Received").first.is_visible()
    screenshot(page, "my-concerns-no-js-360")
    assert Concern.objects.count() == 1
    context.close()

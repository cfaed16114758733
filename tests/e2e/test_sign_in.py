import pytest

from schoolwell.models import Role
from support_team.services import intake_open
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_member_signs_in_with_a_code_and_lands_on_the_queue(page, school_a, student_a):
    team = member(Role.SUPPORT, school=school_a, discipline="counselor")
    intake_open(school=school_a, student=student_a, source="staff_note", summary="Seemed withdrawn")
    page.goto("/accounts/login/")
    assert serious_violations(page) == []
    screenshot(page, "sign-in")
    sign_in(page, team)
    page.wait_for_url("**/team/queue/")
    assert page.get_by_role("heading", name="Queue").is_visible()
    assert page.get_by_text("Seemed withdrawn").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "queue")


def test_a_teacher_without_mfa_is_walked_through_setting_it_up(page, school_a):
    teacher = member(Role.TEACHER, school=school_a, mfa=False)
    sign_in(page, teacher, with_code=False)
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/totp/activate/")
    screenshot(page, "mfa-setup")
    assert page.get_by_label("Authenticator code").is_visible()


def test_the_spanish_sign_in_page_is_usable_on_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="es-ES"
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    screenshot(page, "sign-in-es-360")
    context.close()

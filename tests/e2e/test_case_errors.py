"""A team member on a long case page sends a form far down with a mistake: the page opens at
the reason, inside that form, focused, on a laptop and on a phone (issue 15, item 10)."""

import pytest

from tests.e2e.conftest import ARTIFACTS, serious_violations, sign_in
from tests.support_team.case_helpers import case_world
from tests.support_team.case_page_helpers import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def viewport_shot(page, name: str) -> None:
    """What the person sees after the post (a full-page shot would hide where it opened)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def assert_reason_in_view_and_focused(page, form_id: str) -> None:
    page.wait_for_url("**#case-error")
    error = page.locator(f"#{form_id} #case-error")
    error.wait_for()
    assert page.evaluate("document.activeElement.id") == "case-error"
    box = error.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
    # Far down a long page: without the fragment it would have opened at the top.
    assert page.evaluate("window.scrollY") > 1500


def long_case(school):
    w = case_world(school)
    fill(w, w.case, size=5)  # goals, interventions, notes, meetings, follow-ups: ~10,000 px
    return w


def test_a_follow_up_without_a_title_is_explained_beside_its_form(page, school_a):
    w = long_case(school_a)
    sign_in(page, w.lead)
    page.goto(f"/team/cases/{w.case.pk}/")
    page.get_by_text("Add a follow-up", exact=True).click()
    page.get_by_role("button", name="Add the follow-up").click()
    assert_reason_in_view_and_focused(page, "follow-up-form")
    viewport_shot(page, "case-error-follow-up-1280")
    error = page.locator("#case-error")
    assert "Nothing was saved." in error.inner_text()
    assert "What needs doing: This field is required." in error.inner_text()
    # The summary's link takes the keyboard to the input to fix.
    error.get_by_role("link", name="What needs doing: This field is required.").click()
    assert page.evaluate("document.activeElement.id") == "follow-up-form-title"
    # The message at the top says only where to look, and goes there.
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("link", name="the follow-up form").click()
    assert page.evaluate("window.scrollY") > 1500
    assert serious_violations(page) == []


def test_a_refused_closing_is_explained_beside_it_on_a_phone(page, school_a):
    w = long_case(school_a)
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, w.lead)
    page.goto(f"/team/cases/{w.case.pk}/")
    page.get_by_text("Close this case", exact=True).click()
    page.get_by_label("Closing summary").fill("Attendance is back to normal.")
    page.get_by_role("button", name="Close the case").click()  # follow-ups are still open
    assert_reason_in_view_and_focused(page, "close-form")
    assert "follow-ups are still open" in page.locator("#case-error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    viewport_shot(page, "case-error-closing-360")

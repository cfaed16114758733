"""Journey 5: the team finds a food resource open now within 3 miles that speaks Spanish and
refers a student with consent; the partner signs in to the portal, accepts and marks "got
help"; the case shows each step."""

import pytest
from playwright.sync_api import expect

from community_links.models import Referral
from schoolwell.models import Disclosure, Role
from tests.community_links.helpers import open_case, partner_for, place, resource
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_closes_the_loop(browser, live_server, school_a):
    place(school_a)
    student = enrolled_student(school_a, legal_first_name="Lucia", legal_last_name="Marquez")
    lead = member(Role.SUPPORT, school=school_a, discipline="social_worker")
    case, _ = open_case(school_a, student=student, lead=lead)
    pantry = resource(name="Family Food Pantry", languages=",en,es,")  # ~0.5 km, open all day
    resource(name="Valley Food Pantry", at=(38.6801, -121.3903))  # ~13 km away
    resource(name="English Food Pantry", languages=",en,")
    partner = partner_for(pantry.organization, school_a.district)

    team = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = team.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, lead)
    page.wait_for_url("**/team/**")
    page.goto(f"/resources/?case={case.pk}")
    page.get_by_label("Need").select_option(label="Food insecurity")
    page.get_by_label("Language spoken").select_option("es")
    page.get_by_label("Open now").check()
    page.get_by_label("Distance from").select_option("school")
    page.get_by_label("Within (miles)").fill("3")  # a US district: about 5 km
    page.get_by_role("button", name="Search").click()
    results = page.locator(".directory-results")
    results.get_by_text("1 resource matches").wait_for()
    assert results.get_by_text("Staff speak Spanish").is_visible()
    assert results.get_by_text("Open now, until").is_visible()
    assert "Valley Food Pantry" not in results.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "referral-1-directory-search")

    page.get_by_label("Family Food Pantry").check()
    page.get_by_role("button", name="Refer to the ticked resources").click()
    page.get_by_label("The family (parent or guardian)").check()
    page.get_by_label("Name of the person who consented").fill("Maria Marquez")
    page.get_by_role("combobox", name="The need").select_option(label="Food insecurity")
    page.get_by_label("Note:", exact=True).fill("Family needs weekend groceries.")
    # Private to the team unless ticked: the partner reads it below because it is.
    page.get_by_label("The note below (the partner reads it only if ticked)").check()
    assert serious_violations(page) == []
    screenshot(page, "referral-2-consent")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(f"**/team/cases/{case.pk}/**")
    assert Disclosure.objects.filter(student=student).count() == 1

    portal = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    ppage = portal.new_page()
    ppage.set_default_timeout(15_000)
    sign_in(ppage, partner)
    ppage.wait_for_url("**/partners/**")
    screenshot(ppage, "referral-3-partner-portal")
    ppage.get_by_role("link", name="Lucia Marquez").click()
    expect(ppage.get_by_text("Family needs weekend groceries.")).to_be_visible()
    ppage.get_by_label("New status").select_option("accepted")
    ppage.get_by_role("button", name="Save the update").click()
    ppage.get_by_text("the school can see your update").wait_for()
    ppage.get_by_label("New status").select_option("got_help")
    ppage.get_by_label("Note").fill("Picked up groceries on Saturday.")
    ppage.get_by_role("button", name="Save the update").click()
    ppage.get_by_text("Picked up groceries on Saturday.").wait_for()
    assert serious_violations(ppage) == []
    screenshot(ppage, "referral-4-partner-got-help")
    assert Referral.objects.get().status == "got_help"

    page.goto(f"/team/cases/{case.pk}/")
    panel = page.locator("#referrals")
    if not panel.locator(".referral-steps").count():
        # The case page loads the panel by URL (htmx); wait for it to arrive.
        panel.locator(".referral-steps").wait_for()
    steps = panel.locator(".referral-steps").inner_text()
    assert "Sent" in steps and "Accepted (pending)" in steps and "Got help" in steps
    assert str(partner) in steps and str(lead) in steps
    panel.scroll_into_view_if_needed()
    screenshot(page, "referral-5-case-shows-each-step")
    team.close()
    portal.close()

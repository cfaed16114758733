"""Journey 5, the directory's side: a counselor opens a case, searches the directory, opens a
resource's own page (open now, hours, who it is for, when it was last checked), refers from
it, and the consent form offers the guardian on file and starts from the case's need."""

import datetime

import pytest

from community_links.models import Location, Phone, Referral
from schoolwell.models import Category, Role
from tests.community_links.helpers import open_case, place, resource
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import GuardianFactory, enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_directory_answers_what_a_family_asks(page, school_a):
    place(school_a)
    student = enrolled_student(school_a, legal_first_name="Lucia", legal_last_name="Marquez")
    mother = GuardianFactory(first_name="Maria", last_name="Marquez", relationship="mother")
    mother.students.add(student)
    counselor = member(Role.SUPPORT, school=school_a, discipline="counselor")
    case, _ = open_case(school_a, student=student, lead=counselor)
    case.needs.add(Category.objects.get(slug="food-insecurity"))
    pantry = resource(
        name="Family Food Pantry",
        minimum_age=0,
        maximum_age=120,
        url="https://pantry.example/",
        application_process="Walk in with any photo ID; no referral letter needed.",
        last_verified=datetime.date(2026, 3, 3),
        district=school_a.district,
    )  # open all day, every day
    Location.objects.filter(name="Family Food Pantry").update(address="12 Elm St, Riverbend")
    Phone.objects.create(resource=pantry, number="(555) 010-2000")
    resource(name="Valley Food Pantry", at=(38.6801, -121.3903), maximum_age=17)

    sign_in(page, counselor)
    page.wait_for_url("**/team/**")
    page.goto(f"/team/cases/{case.pk}/")
    page.get_by_role("link", name="Find a resource and refer").click()
    page.get_by_label("Need").select_option(label="Food insecurity")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".directory-results")
    results.get_by_text("2 resources match").wait_for()
    card = page.locator(f"#resource-{pantry.pk}")
    assert "12 Elm St, Riverbend" in card.inner_text()
    assert card.get_by_role("link", name="(555) 010-2000").get_attribute("href") == (
        "tel:5550102000"
    )
    assert "Open now, until 23:59" in card.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "directory-1-results")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "directory-1-results-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    card.get_by_role("link", name="More about Family Food Pantry").click()
    page.get_by_role("heading", name="Family Food Pantry").wait_for()
    facts = page.locator(".resource-facts")
    assert page.locator(".open-status").inner_text().startswith("Open now")
    assert "All ages" in facts.inner_text() and "Ages 0 to 120" not in page.content()
    assert "Walk in with any photo ID" in facts.inner_text()
    assert page.get_by_text("Last checked 3 March 2026").is_visible()
    assert page.locator(".hours-table dd").all_inner_texts() == ["00:00–23:59"] * 7
    website = page.get_by_role("link", name="https://pantry.example/")
    assert website.get_attribute("rel") == "noopener noreferrer"
    assert serious_violations(page) == []
    screenshot(page, "directory-2-resource-page")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "directory-3-resource-page-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Refer to this service").first.click()
    page.get_by_role("heading", name="Refer Lucia Marquez to a community partner").wait_for()
    assert page.get_by_label("Family Food Pantry").is_checked()
    need = page.get_by_role("combobox", name="The need")
    assert need.locator("option:checked").inner_text() == "Food insecurity"
    page.get_by_label("Maria Marquez (mother)").check()
    assert page.get_by_label("Name of the person who consented").input_value() == "Maria Marquez"
    assert page.get_by_label("The family (parent or guardian)").is_checked()
    assert serious_violations(page) == []
    screenshot(page, "directory-4-consent")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "directory-5-consent-phone")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(f"**/team/cases/{case.pk}/**")
    referral = Referral.objects.get()
    assert (referral.resource, referral.consent_by, referral.consent_name) == (
        pantry,
        Referral.ConsentBy.FAMILY,
        "Maria Marquez",
    )
    assert referral.need.slug == "food-insecurity"

"""Links and words are right, walked in a browser (issue 15, item 7): e-mailed links use the
configured public address, /cms/ without editor rights is a clear 403 with a way home, the
Spanish sign-in says "Iniciar sesión", and the directory speaks the district's units."""

import re
from urllib.parse import urlsplit

import pytest

from schoolwell.models import Role
from tests.community_links.helpers import place, resource
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = "https://schoolwell.example.org"
NEW_PASSWORD = "a long new passphrase for spring 2026"
# About 4.3 km (2.7 miles) north of the school (tests/community_links/helpers.py SCHOOL_AT).
FOUR_KM_AWAY = (38.6190, -121.4900)


def test_a_password_reset_mail_links_to_the_public_address_and_the_link_works(
    page, school_a, settings, mailoutbox
):
    settings.SITE_URL = PUBLIC
    teacher = member(Role.TEACHER, school=school_a)
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot your password", re.I)).click()
    page.wait_for_url("**/accounts/password/reset/")
    page.get_by_label("Email").fill(teacher.email)
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    (mail,) = mailoutbox
    texts = [mail.body] + [content for content, _type in getattr(mail, "alternatives", [])]
    for text in texts:
        assert "127.0.0.1" not in text and "localhost" not in text and "testserver" not in text
    links = [link for text in texts for link in re.findall(r"https?://[^\s\"'<>]+", text)]
    assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links
    reset = next(link for link in links if "/accounts/password/reset/key/" in link)
    # The same path on this server (the public address is not this test's server).
    page.goto(urlsplit(reset).path)
    assert page.get_by_role("heading", name="Change Password").is_visible()
    page.get_by_label("New Password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)
    screenshot(page, "links-password-reset-done")


def test_a_teacher_opening_the_cms_is_told_it_is_not_for_them_and_finds_the_way_home(
    page, school_a
):
    teacher = member(Role.TEACHER, school=school_a)
    sign_in(page, teacher)
    response = page.goto("/cms/")
    assert response.status == 403
    assert page.get_by_role(
        "heading", name="You don't have access to the content editor"
    ).is_visible()
    assert serious_violations(page) == []
    screenshot(page, "links-cms-403")
    page.get_by_role("link", name="Go to your home page").click()
    page.wait_for_url("**/concerns/new/")
    assert page.get_by_role("heading", name="Log a concern").is_visible()


def test_the_spanish_sign_in_page_says_iniciar_sesion_on_a_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 800}, locale="es-ES"
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    assert page.get_by_role("heading", name="Iniciar sesión").is_visible()
    assert page.get_by_role("button", name="Iniciar sesión").is_visible()
    assert "Cerrar sesión" not in page.content()
    assert page.title().startswith("Iniciar sesión")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "links-sign-in-es-360")
    context.close()


@pytest.mark.parametrize(
    "country, unit, postcode, other",
    [("US", "miles", "ZIP code", "Postcode"), ("AU", "km", "Postcode", "ZIP code")],
)
def test_the_directory_speaks_the_districts_units(page, school_a, country, unit, postcode, other):
    school_a.district.country = country
    school_a.district.full_clean()
    school_a.district.save()
    place(school_a)
    resource(name="Far pantry", at=FOUR_KM_AWAY)
    team = member(Role.SUPPORT, school=school_a, discipline="social_worker")
    sign_in(page, team)
    page.goto("/resources/")
    assert page.get_by_label(re.compile(rf"^{postcode}:?$")).is_visible()
    assert page.get_by_label(f"Within ({unit})").is_visible()
    page.get_by_label("Distance from").select_option("school")
    page.get_by_label(f"Within ({unit})").fill("3")  # 3 miles (4.8 km) holds it, 3 km not
    page.get_by_role("button", name="Search").click()
    results = page.locator(".directory-results")
    results.wait_for()
    if unit == "miles":
        assert re.search(r"2\.7 miles from", results.inner_text())
    else:
        assert "No resource matches" in results.inner_text()
        page.get_by_label("Within (km)").fill("5")
        page.get_by_role("button", name="Search").click()
        page.locator(".directory-results").get_by_text("km from").first.wait_for()
        assert re.search(r"4\.3 km from", page.locator(".directory-results").inner_text())
    text = page.locator("main").inner_text()
    assert other not in text and ("miles" in text) == (unit == "miles")
    screenshot(page, f"links-directory-{country.lower()}")

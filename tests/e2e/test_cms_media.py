"""An editor's uploads, seen in a browser: the image library's thumbnail is drawn from the
database through /media/, and the document opens through Wagtail's own view (issue 18, item
3: no node-local files)."""

import pytest
from playwright.sync_api import expect

from schoolwell.models import Role
from tests.e2e.conftest import screenshot, serious_violations, sign_in
from tests.factories import member
from tests.schoolwell.test_media import uploaded_document, uploaded_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sees_the_uploaded_image_and_opens_the_document(page, school_a):
    editor = member(Role.SCHOOL_ADMIN, school=school_a, is_staff=True, is_superuser=True)
    image = uploaded_image()
    document = uploaded_document(b"Food pantry: open Saturdays 9 to 12.")
    sign_in(page, editor)

    page.goto("/cms/images/")
    thumbnail = page.get_by_role("figure", name=image.title).locator("img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.get_attribute("src").startswith("/media/images/")
    # Drawn, not a broken-image box: the browser decoded what /media/ served.
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    assert serious_violations(page) == []
    screenshot(page, "cms-image-library")

    response = page.request.get(document.url)
    assert response.status == 200 and response.body() == b"Food pantry: open Saturdays 9 to 12."
    # Nothing but renditions under /media/: the original and the document are not there.
    for name in (image.file.name, document.file.name):
        assert page.request.get(f"/media/{name}").status == 404

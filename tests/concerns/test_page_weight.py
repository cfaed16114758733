"""The teacher's concern form, with everything it loads, travels compressed and under 30 KB:
the HTML gzip-compressed by GZipMiddleware, CSS and JS as WhiteNoise's precompressed .br
copies from collectstatic. Bytes are counted as sent, never decoded (bench/page_weight.py
measures the same against a running server)."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

BUDGET = 30 * 1024


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def sent(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic as production runs it, served by WhiteNoise from STATIC_ROOT, of the
    project's own static/ only: the form loads nothing from an app's static folder (a file
    it did load from one would answer 404 here), and brotli over Wagtail's and the admin's
    files took 16 s of CPU. Plotly is left out too: the form does not load it, and
    compressing it takes seconds."""
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["plotly*"])
    return tmp_path


@pytest.mark.django_db
def test_the_concern_form_and_what_it_loads_travel_compressed_under_30_kb(collected, teacher_a):
    client = Client(HTTP_ACCEPT_ENCODING="gzip, br")  # a new client loads WhiteNoise anew
    client.force_login(teacher_a)
    page = client.get("/concerns/new/")
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip"
    assets = Assets()
    assets.feed(_plain(teacher_a))  # the same page, readable
    assert any(url.endswith(".css") for url in assets.urls), "no stylesheet: is the parser right?"
    sizes = {"/concerns/new/": len(sent(page))}
    for url in assets.urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Encoding"] in ("br", "gzip"), url
        sizes[url] = len(sent(response))
    total = sum(sizes.values())
    assert total < BUDGET, sizes


def _plain(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/concerns/new/").content.decode()

"""The student check-in page stays small: HTML + CSS + JS, gzip-compressed, under 60 KB (the
issue's budget), and every file it loads comes from this server."""

import gzip
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

BUDGET = 60 * 1024


class References(HTMLParser):
    """Stylesheets, scripts and every other src/href in the page."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.stylesheets.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def compressed(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def fetch(client, url: str) -> tuple[bytes, str]:
    """A static file through the test client (WhiteNoise with finders), else from the finders."""
    response = client.get(url)
    if response.status_code == 200:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return body, "served"
    path = urlsplit(url).path
    assert path.startswith(settings.STATIC_URL), f"{url} is not a static file ({response})"
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    assert found, f"{url} answered {response.status_code} and no finder has it"
    return Path(found).read_bytes(), "from finders"


@pytest.mark.django_db
def test_the_check_in_page_is_under_the_weight_budget(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    response = client.get("/self-report/")
    assert response.status_code == 200
    html = response.content
    refs = References()
    refs.feed(html.decode())
    assert refs.stylesheets, "the page links no stylesheet: is the parser right?"
    sizes = {"/self-report/ (HTML)": (len(html), compressed(html))}
    for url in refs.stylesheets + refs.scripts:
        body, source = fetch(client, url)
        sizes[f"{url} ({source})"] = (len(body), compressed(body))
    total = sum(gz for _raw, gz in sizes.values())
    report = "\n".join(f"  {url}: {raw} B raw, {gz} B gzip" for url, (raw, gz) in sizes.items())
    print(f"\nCheck-in page weight (gzip -6): {total} B of {BUDGET} B budget\n{report}")
    assert total < BUDGET, report


@pytest.mark.django_db
def test_the_check_in_page_loads_nothing_from_another_origin(client, check_in_page, pupil):
    user, _student = pupil
    client.force_login(user)
    refs = References()
    refs.feed(client.get("/self-report/").content.decode())
    # Relative or same-origin only: a URL with a host of its own ("https://cdn...", "//cdn...")
    # would load or leak something from elsewhere.
    external = [url for url in refs.urls if urlsplit(url).netloc not in ("", "testserver")]
    assert refs.urls, "the page has no src/href at all: is the parser right?"
    assert external == []

"""Bytes over the wire for the teacher's concern form, with everything it loads.

Against a running server (`make demo`, or any deployment sharing this database): signs the
demo teacher in by creating a session in the database, then fetches /concerns/new/ and every
stylesheet, script and icon it links, asking for `Accept-Encoding: gzip, br` as a browser
does, and counts the bytes of each body as sent (never decoded). The issue's budget is 30 KB.

    make demo &                                  # in another terminal
    .venv/bin/python bench/page_weight.py        # http://127.0.0.1:8000
    .venv/bin/python bench/page_weight.py --url http://127.0.0.1:8000 --path /concerns/new/
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module (Django needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import os  # noqa: E402
import urllib.request  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from urllib.parse import urljoin  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BUDGET = 30 * 1024


class Assets(HTMLParser):
    """The files a browser fetches for the page: stylesheets, icons and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def session_cookie() -> str:
    """A session for the demo teacher, made in the database the server reads."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from schoolwell.demo import demo_email
    from schoolwell.models import User

    client = Client()
    client.force_login(User.objects.get(email=demo_email("teacher")))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def fetch(url: str, cookie: str) -> tuple[int, str, int]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br", "Cookie": cookie})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (a URL we were given)
        body = response.read()  # urllib does not decode: these are the bytes sent
        return response.status, response.headers.get("Content-Encoding", "-"), len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--path", default="/concerns/new/")
    args = parser.parse_args()
    cookie = session_cookie()
    page = urljoin(args.url, args.path)
    request = urllib.request.Request(page, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assets = Assets()
        assets.feed(response.read().decode())
    rows = [(page, *fetch(page, cookie))]
    rows += [(urljoin(page, url), *fetch(urljoin(page, url), cookie)) for url in assets.urls]
    total = 0
    for url, status, encoding, size in rows:
        total += size
        print(f"{size:>8} B  {encoding:<5} {status}  {url}")
    print(f"{total:>8} B  total over the wire ({total / 1024:.1f} KB; budget {BUDGET // 1024} KB)")


if __name__ == "__main__":
    main()

"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
against pytest-django's live server. Screenshots go to test-artifacts/ for a human to see."""

import importlib
import os
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from tests.conftest import CHROMIUM
from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session. Browser tests are collected last (tests/conftest.py):
    Playwright's sync API keeps an event loop in this thread, which the test's own ORM calls
    must be allowed to run beside."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Transactional tests flush every table, the rows data migrations made included; put
    back what the journeys need (concern categories) the way the migration made them."""
    from django.apps import apps

    importlib.import_module("concerns.migrations.0002_categories").add_categories(apps, None)


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def totp_code(user) -> str:
    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, user, *, with_code: bool = True) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if with_code:
        page.get_by_label("Code").fill(totp_code(user))
        page.get_by_role("button", name="Sign In").click()

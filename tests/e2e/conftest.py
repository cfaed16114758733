"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
against pytest-django's live server. Screenshots go to test-artifacts/ for a human to see."""

import importlib
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from tests.conftest import CHROMIUM
from tests.e2e.sso import local_idp, riverbend_sso  # noqa: F401  (fixtures of the SSO tests)
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
    back what the journeys need (concern categories) the way the migration made them (it
    names the model where it lived then; it is the core's now)."""
    from schoolwell.models import Category

    migration = importlib.import_module("concerns.migrations.0002_categories")
    migration.add_categories(SimpleNamespace(get_model=lambda *_: Category), None)


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
        code_field = page.get_by_label("Code")
        code_field.wait_for()  # the code is worked out only once its page is there
        code_field.fill(totp_code(user))
        page.get_by_role("button", name="Sign In").click()
    # Wait until the sign-in has landed: a navigation started straight after the click
    # could overtake the POST and arrive signed out.
    page.wait_for_url(
        lambda url: "/accounts/login/" not in url and "/accounts/2fa/authenticate/" not in url
    )


# --- a live server that speaks websockets ---------------------------------------------------
#
# pytest-django's live_server is a WSGI server: it cannot serve /ws/. This one serves the
# project's ASGI application (schoolwell.asgi) with daphne, the stack's own server, inside
# this process, in one thread, for the whole session. Why in-process: the test database and
# the InMemoryChannelLayer are then the ones the test sees (an in-memory SQLite database
# cannot be opened by another process, and the in-memory layer does not cross processes),
# and a sync view's async_to_sync(group_send) hops back to the server's event loop, as under
# `runserver`. Why one thread for the session: daphne runs Twisted's reactor, which cannot be
# started again once stopped. channels' ChannelsLiveServerTestCase instead forks a
# DaphneProcess, which needs a file-based test database and shares no in-memory layer.


class _SharedConnections:
    """ASGI wrapper that hands the server the test's in-memory SQLite connection, as
    Django's LiveServerThread does for WSGI: each request runs in a fresh context (Django's
    connections are context-local under ASGI), so it is set at the start of every scope.

    One SQLite connection cannot hold two transactions at once ("database table is locked"
    when two requests write together), so with a shared connection HTTP requests take turns.
    On PostgreSQL nothing is shared and requests run concurrently (row locks decide races)."""

    def __init__(self, application, connections_override: dict):
        import asyncio

        self.application = application
        self.connections_override = connections_override
        self.one_at_a_time = asyncio.Lock()

    async def __call__(self, scope, receive, send):
        from django.db import connections

        if not self.connections_override:
            return await self.application(scope, receive, send)
        for alias, conn in self.connections_override.items():
            connections[alias] = conn
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        async with self.one_at_a_time:
            return await self.application(scope, receive, send)


class AsgiLiveServer:
    def __init__(self, host: str, port: int, loop=None, shared: _SharedConnections | None = None):
        self.host, self.port = host, port
        self.url = f"http://{host}:{port}"
        self.ws_url = f"ws://{host}:{port}"
        self.loop, self.shared = loop, shared

    def __str__(self) -> str:
        return self.url

    def call(self, function, /, **kwargs):
        """Run `function(**kwargs)` as one of this server's sync views would, and return
        what it returns: on the server's loop, through sync_to_async, so the events it sends
        leave through that loop as a request's do. (This thread runs Playwright's loop,
        where a service's async_to_sync cannot run.)"""
        import asyncio

        from asgiref.sync import sync_to_async
        from django.db import connections

        shared = self.shared

        async def run():
            for alias, conn in shared.connections_override.items():
                connections[alias] = conn
            async with shared.one_at_a_time:
                return await sync_to_async(function)(**kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(30)


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup):
    import threading

    import daphne.server  # installs the asyncio Twisted reactor: first, before twisted.internet
    from django.conf import settings
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    from schoolwell.asgi import application

    shared = {}
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            shared[conn.alias] = conn
            conn.inc_thread_sharing()
        else:
            # A real server's connections close after each request (Django's advice under
            # ASGI), so none is left open when the test database is flushed or dropped.
            connections.settings[conn.alias]["CONN_MAX_AGE"] = 0
    host = "127.0.0.1"
    added_host = host not in settings.ALLOWED_HOSTS
    if added_host:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    ready = threading.Event()
    wrapped = _SharedConnections(ASGIStaticFilesHandler(application), shared)
    server = daphne.server.Server(
        application=wrapped,
        endpoints=[f"tcp:port=0:interface={host}"],
        signal_handlers=False,
        verbosity=0,
        ready_callable=ready.set,
    )
    thread = threading.Thread(target=server.run, name="daphne-live-server", daemon=True)
    thread.start()
    if not ready.wait(10):
        pytest.fail("daphne did not start")
    deadline = time.monotonic() + 10
    while not server.listening_addresses and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.listening_addresses:
        pytest.fail("daphne did not bind a port")
    # The server touches the database only while a test runs, and the tests that use it are
    # transactional (their data must be committed for the server's connections to see it).
    from twisted.internet import reactor

    loop = reactor._asyncioEventloop  # the asyncio reactor daphne installed
    yield AsgiLiveServer(host, server.listening_addresses[0][1], loop, wrapped)

    reactor.callFromThread(server.stop)
    thread.join(10)
    for conn in shared.values():
        conn.dec_thread_sharing()
    if added_host:
        settings.ALLOWED_HOSTS = [h for h in settings.ALLOWED_HOSTS if h != host]


def new_page(browser, server, **context_options):
    """A page in a browser context of its own (its own cookies: one signed-in person)."""
    options = {"viewport": {"width": 1280, "height": 900}, **context_options}
    context = browser.new_context(base_url=server.url, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page

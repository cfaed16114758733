"""Shared fixtures: the access trio (teacher at A, team member at A, team member at B) and
the rule for tests that need a real server.

Tests marked postgres, redis or browser run against the real thing. Locally they skip with a
message saying what is missing; in a run that lists the marker in SCHOOLWELL_REQUIRE (CI sets
it), a missing server is a failure, never a silent skip.
"""

import logging
import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

import tests.quick_settings  # noqa: F401  (first: before tests/factories.py hashes)
from schoolwell.models import Discipline, Role
from tests import quick_flush, template_db
from tests.factories import SchoolFactory, enrolled_student, member
from tests.hypothesis_profiles import profile_name  # noqa: F401  (loads the profile first)
from tests.reused_db import (  # noqa: F401
    django_db_modify_db_settings,
    django_db_setup,
    pristine_database,
)

# The app moves' checks live beside their apps' tests (tests/test_app_moves.py runs them).
pytest.register_assert_rewrite(
    "tests.schoolwell.catalogue_move", "tests.transfers.app_move", "tests.trends.app_move"
)

REQUIRED = {m.strip() for m in os.environ.get("SCHOOLWELL_REQUIRE", "").split(",") if m.strip()}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(marker: str) -> str | None:
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/schoolwell"
    in_memory = settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    if marker == "redis" and in_memory:
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
    if marker == "browser":
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs Playwright for Python (pip install -e .[dev])"
    return None


NO_DATABASE = 2


def _django_group(item) -> int:
    """pytest-django's order (it sorts first): tests in a rolled-back transaction, then the
    ones that empty the tables when they end, then those without the database."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return 1
    if {"transactional_db", "live_server"} & fixtures:
        return 1
    return 0 if marker or "db" in fixtures else NO_DATABASE


def pytest_configure(config):
    quick_flush.install()
    template_db.start(config)


def pytest_unconfigure(config):
    template_db.stop(config)


def pytest_collection_modifyitems(items):
    # Browser tests last: Playwright's event loop must not be alive while others run. Tests
    # without the database first: they run while the run's template database is built
    # (tests/template_db.py), on a core that would otherwise wait; the database ones then
    # keep pytest-django's order. A test marked long (the app-move test takes about a
    # minute) starts first within its group: last, it would keep one worker busy while the
    # other has nothing left to run.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None,
            _django_group(item) != NO_DATABASE,
            _django_group(item),
            item.get_closest_marker("long") is None,
        )
    )


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is None:
            continue
        if marker in REQUIRED:
            pytest.fail(f"{marker} is required in this run (SCHOOLWELL_REQUIRE) but {reason}")
        pytest.skip(reason)


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_widget_fallbacks = _Collected()
logging.getLogger("schoolwell.form_renderer").addHandler(_widget_fallbacks)


@pytest.fixture(autouse=True)
def _widgets_written_by_the_writer():
    """Any page any test renders, the admin's included: a widget writer that broke on a
    context (schoolwell/form_renderer.py) fails the test, though the page came out right."""
    _widget_fallbacks.records.clear()
    yield
    broken = [record.getMessage() for record in _widget_fallbacks.records]
    assert not broken, f"form_renderer fell back to the template: {broken}"


@pytest.fixture(autouse=True)
def _language_put_back():
    """A request activates its language in the thread that serves it, and in a test that is
    the worker's own thread: a Spanish request would leave the next test on that worker in
    Spanish. Every test starts as the first did, in the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache; on Redis they would
    otherwise outlive the test (and the run) that made them. The same goes for the sign-in
    limits' in-process fallback (schoolwell/signin_cache.py)."""
    from django.core.cache import cache

    from schoolwell.signin_cache import signin_cache

    cache.clear()
    signin_cache.reset()
    yield


@pytest.fixture
def school_a(db):
    return SchoolFactory(name="School A")


@pytest.fixture
def school_b(db):
    return SchoolFactory(name="School B")


@pytest.fixture
def teacher_a(school_a):
    return member(Role.TEACHER, school=school_a)


@pytest.fixture
def team_a(school_a):
    return member(Role.SUPPORT, school=school_a, discipline=Discipline.SOCIAL_WORKER)


@pytest.fixture
def team_b(school_b):
    return member(Role.SUPPORT, school=school_b, discipline=Discipline.COUNSELOR)


@pytest.fixture
def student_a(school_a):
    return enrolled_student(school_a)


@pytest.fixture
def student_b(school_b):
    return enrolled_student(school_b)

"""A test database kept between runs (`make test` passes --reuse-db locally) starts each run
as it was just after its migrations, not as the last run left it.

Transactional tests (live servers, sockets, real commits) empty every table when they end,
the rows data migrations made included (concern categories, Wagtail's root page and
locales); in one run that is harmless, because pytest-django runs them last, but a kept
database would start the next run without those rows. So a kept SQLite file is copied aside
once its migrations are applied (`<name>.pristine`, a few MB) and copied back before the
next run applies any new ones. CI builds fresh in-memory databases and skips all this. A
kept PostgreSQL database is not copied: the Makefile reuses only SQLite ones.

On PostgreSQL, a run that holds a test asking for `pristine_database` (tests/test_load.py
starts bench/load.py's own servers on a database of their own) gets a copy of the freshly
migrated test database, made before any test runs (CREATE DATABASE ... TEMPLATE, about a
second), so the bench starts from it instead of migrating again (about 45 s)."""

import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import template_db


def _kept_sqlite_file(name: str | None) -> Path | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.sqlite3" or not name or name == ":memory:":
        return None
    if name.startswith("file:"):  # an in-memory database by URI
        return None
    return Path(name)


def _pristine(path: Path) -> Path:
    return path.with_name(f"{path.name}.pristine")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings, django_db_keepdb: bool, django_db_createdb: bool
) -> None:
    """Runs once the worker's suffix (_gw0, ...) is on the name, before the database is set
    up: put the copy made after migrating back in place, or start from the run's template
    (tests/template_db.py) when the database is built fresh."""
    template_db.use(settings.DATABASES["default"])
    path = _kept_sqlite_file(settings.DATABASES["default"].get("TEST", {}).get("NAME"))
    if path is None or not django_db_keepdb or django_db_createdb:
        return
    if _pristine(path).exists():
        for leftover in (f"{path}-journal", f"{path}-wal", f"{path}-shm"):
            Path(leftover).unlink(missing_ok=True)
        shutil.copyfile(_pristine(path), path)


PRISTINE = "pristine_database"


_copy_key = pytest.StashKey[str]()


def _postgres_copy() -> str:
    """A copy of the migrated test database; the template may have no other session open."""
    name = f"{connection.settings_dict['NAME']}_pristine"
    quote = connection.ops.quote_name
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(
            f"CREATE DATABASE {quote(name)} TEMPLATE {quote(connection.settings_dict['NAME'])}"
        )
    return name


def _postgres_drop(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb: bool, request):
    """The test database, migrated; a kept one is copied aside before any test runs, and so
    is a PostgreSQL one a test of this run will start a server of its own on."""
    wanted = any(PRISTINE in getattr(item, "fixturenames", ()) for item in request.session.items)
    if connection.vendor == "postgresql" and wanted:
        with django_db_blocker.unblock():
            request.config.stash[_copy_key] = _postgres_copy()
        yield
        with django_db_blocker.unblock():
            _postgres_drop(request.config.stash[_copy_key])
        return
    path = _kept_sqlite_file(connection.settings_dict["NAME"])
    if path is not None and django_db_keepdb:
        with django_db_blocker.unblock():
            connection.ensure_connection()
            copy = sqlite3.connect(_pristine(path))
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
    yield


@pytest.fixture(scope="session")
def pristine_database(django_db_setup, request) -> str:
    """The name of a PostgreSQL database as migrations left it, for a server a test starts."""
    if _copy_key not in request.config.stash:
        pytest.fail("pristine_database needs PostgreSQL (DATABASE_URL)")
    return request.config.stash[_copy_key]

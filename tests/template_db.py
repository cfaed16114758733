"""One migration per run: under pytest-xdist, a run that builds fresh test databases (CI, a
first local run, --create-db, PostgreSQL) migrates once, in a process the controller starts
before its workers, and each worker's test database starts as a copy of that one.

Migrating takes about 35 s of CPU (254 migrations, most of it Django rendering model
states). Each worker used to do it after importing and collecting the suite, both cores busy
with the same work; now the build overlaps the workers' start, and the workers' own `migrate`
finds every migration applied and only runs the post_migrate handlers.

The copy is the same database: the builder runs Django's own create_test_db under the
settings the workers use (tests/quick_settings.py, the test environment), on a template of
its own. A worker copies it the way each backend copies databases: PostgreSQL's CREATE
DATABASE ... TEMPLATE (Django's TEST["TEMPLATE"]), SQLite's online backup into the worker's
database as it opens. If the build failed, a worker migrates for itself, so a broken
migration is reported where it always was.

The builder stays up until the run ends (the controller closes its stdin), then drops the
PostgreSQL template; a killed run closes the pipe too."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ENV = "SCHOOLWELL_TEST_DB_TEMPLATE"  # the builder's folder, as the workers inherit it
DONE, FAILED, SQLITE_FILE = "done", "failed", "template.sqlite3"
ROOT = Path(__file__).resolve().parent.parent
_builder = pytest.StashKey[subprocess.Popen]()


def start(config: pytest.Config) -> None:
    """In the xdist controller, before the workers start: begin the build if they will create
    their databases (not --reuse-db without --create-db, not --nomigrations)."""
    option = config.option
    if hasattr(config, "workerinput") or not getattr(option, "numprocesses", None):
        return
    if option.collectonly or getattr(option, "nomigrations", False):
        return
    if getattr(option, "reuse_db", False) and not getattr(option, "create_db", False):
        return
    folder = Path(tempfile.mkdtemp(prefix="schoolwell-test-db-"))
    with open(folder / "build.log", "wb") as log:
        config.stash[_builder] = subprocess.Popen(
            [sys.executable, "-m", "tests.template_db", str(folder)],
            cwd=ROOT,
            env=os.environ,  # with DJANGO_SETTINGS_MODULE, as pytest-django set it
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    (folder / "pid").write_text(str(config.stash[_builder].pid))
    os.environ[ENV] = str(folder)


def stop(config: pytest.Config) -> None:
    """In the controller, once the workers are done: the builder drops its template."""
    builder = config.stash.get(_builder, None)
    if builder is None:
        return
    folder = Path(os.environ.pop(ENV))
    if not (folder / DONE).exists():  # no test needed the database: do not wait for a build
        builder.kill()
    builder.stdin.close()
    try:
        builder.wait(timeout=60)
    except subprocess.TimeoutExpired:
        builder.kill()
    shutil.rmtree(folder, ignore_errors=True)


def use(database: dict) -> None:
    """In a worker, before its test database is created: start it from the template, once the
    build is done. `database` is settings.DATABASES["default"] with the worker's name on."""
    folder = os.environ.get(ENV)
    if not folder or not _wait(Path(folder)):
        return
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("TEST", {})["TEMPLATE"] = template_name(database)
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        _restore_when_opened(Path(folder) / SQLITE_FILE)


def template_name(database: dict) -> str:
    return f"test_{database['NAME']}_template"


def _wait(folder: Path) -> bool:
    """True once the template is there; False if the build failed or its process is gone."""
    pid = int((folder / "pid").read_text()) if (folder / "pid").exists() else None
    while not (folder / DONE).exists():
        if (folder / FAILED).exists() or (pid is not None and not _alive(pid)):
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _restore_when_opened(template: Path) -> None:
    """The worker's SQLite test database (in memory in CI, a file with --create-db) gets the
    template's pages when its first connection opens, before `migrate` reads what is
    applied. Only that connection: the one to the database the settings name is left alone."""
    from django.db import connection as default
    from django.db.backends.signals import connection_created

    def restore(sender, connection, **kwargs):
        if connection.alias != "default":
            return
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            return
        connection_created.disconnect(restore)
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    assert default.vendor == "sqlite"
    connection_created.connect(restore, weak=False)


def build(folder: Path) -> None:
    """Create the template exactly as a worker would create its test database."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    import tests.quick_settings  # noqa: F401  (the settings the workers migrate under)

    setup_test_environment()
    database = connection.settings_dict
    test = database.setdefault("TEST", {})
    name = None
    if connection.vendor == "sqlite":
        test["NAME"] = None  # in memory, as in CI, then written out: no fsync per migration
    else:
        name = test["NAME"] = template_name(database)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if name is None:
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    connection.close()  # a PostgreSQL template may have no session open while it is copied
    (folder / DONE).write_text("ok")
    sys.stdin.read()  # until the run ends
    if name is not None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the run: clean up on stdin's end
    folder = Path(sys.argv[1])
    try:
        build(folder)
    except BaseException:
        (folder / FAILED).write_text("see build.log")
        raise

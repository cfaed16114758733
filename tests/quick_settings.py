"""What makes the suite quick without changing what any test checks. Imported by
tests/conftest.py first of the project's modules, before tests/factories.py hashes its one
password.

- Passwords hash with MD5: every sign-in checks one, and PBKDF2's million rounds take a third
  of a second each time. PBKDF2 stays next in the list, so a hash made on the real settings
  (a subprocess, the demo seed before this ran) still checks. No test is about the hasher.
- On PostgreSQL, test connections commit without waiting for the disk
  (synchronous_commit=off): the live servers' and transactional tests' commits (emptying
  the tables after such a test took 3.5 s waiting for the disk). A crash could lose the
  last commits, which in a test database nobody keeps is nothing.
- On PostgreSQL, a transactional test empties the tables with DELETE, not TRUNCATE: TRUNCATE
  gives each of the ~250 tables and their indexes new files, about 0.7 s on a quiet machine
  and 2.5 s per browser test in a full run; DELETE of the few rows a test leaves takes 0.08
  s. Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED and the flush
  runs in one transaction, so the order of the tables does not matter. A test that asks for
  reset sequences still gets TRUNCATE ... RESTART IDENTITY.
- Static URLs keep their source names, whatever a local `make demo` collected: the live test
  servers serve static files from the sources, which have no content-hashed names
  (tests/test_deploy.py checks the hashed names production serves).
- Nor are they served from that collected folder: WhiteNoise indexes STATIC_ROOT whenever a
  test client loads the middleware, and after `make demo` (1,325 files) that was 66 ms per
  fresh client, a tenth of tests/support_team's time. Tests see an empty folder, as in a
  fresh clone and in CI; the tests about collected files collect into their own."""

from django.conf import settings
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test.signals import setting_changed

MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
NO_WAIT = "-c synchronous_commit=off"

_storages = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
settings.STORAGES = _storages
# As override_settings does: storages already built from the old value are dropped.
setting_changed.send(sender=None, setting="STORAGES", value=_storages, enter=True)

settings.STATIC_ROOT = settings.BASE_DIR / "var" / "test-static-root"
settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)

if settings.PASSWORD_HASHERS[0] != MD5:
    settings.PASSWORD_HASHERS = [MD5, *settings.PASSWORD_HASHERS]

# A connection option, not a SET after connecting: no query for assertNumQueries to count.
_database = settings.DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.postgresql":
    _options = _database.setdefault("OPTIONS", {})
    if NO_WAIT not in _options.get("options", ""):
        _options["options"] = f"{_options.get('options', '')} {NO_WAIT}".strip()


_truncate = DatabaseOperations.sql_flush


def _delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};" for t in tables
    ]


DatabaseOperations.sql_flush = _delete_rows

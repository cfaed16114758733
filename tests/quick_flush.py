"""A transactional test (live server, sockets, a real commit) empties every table when it ends:
Django's flush, after which Django fills the content types and permissions back in by sending
post_migrate. That refill is most of the cost: on PostgreSQL a flush took 0.4-0.7 s, two
thirds of it recreating about 250 content types and 1,000 permissions that the test never
touched (create_permissions, create_contenttypes and Wagtail's snippet permissions are the
only post_migrate handlers that write).

So when those two tables are exactly as the last full flush left them, every other table is
emptied the way flush empties it and they are kept, which is the state the refill would have
made (the same rows; only their ids would have been new). When a test changed them (the
app-move test relabels content types), or in any case Django's own flush treats differently
(available_apps, serialized rollback, a second database), the full flush runs as before."""

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import TransactionTestCase

from tests import snapshots

# The tables post_migrate fills, by snapshot key.
REFILLED = {"contenttype": "django_content_type", "permission": "auth_permission"}

_django_teardown = TransactionTestCase._fixture_teardown
_after_full_flush: dict[str, object] = {}


def _fixture_teardown(self: TransactionTestCase) -> None:
    databases = set(self._databases_names(include_mirrors=False))
    if self.available_apps is not None or self.serialized_rollback or databases != {"default"}:
        return _django_teardown(self)
    if _after_full_flush and snapshots.snapshot(REFILLED) == _after_full_flush:
        _empty_all_but_refilled(connections[DEFAULT_DB_ALIAS])
        return None
    _django_teardown(self)
    _after_full_flush.clear()
    _after_full_flush.update(snapshots.snapshot(REFILLED))
    return None


def _empty_all_but_refilled(connection) -> None:
    """What `manage.py flush` runs, without the refilled tables and without post_migrate."""
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in REFILLED.values()
    ]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))


def install() -> None:
    TransactionTestCase._fixture_teardown = _fixture_teardown

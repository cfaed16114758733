"""Every row of a set of tables, read raw (no ORM in between), to prove that a refused request
wrote nothing: the write matrix and the form fuzzers compare one before and one after.

One query gives each table's rows as one value, a round trip instead of about 130: on
PostgreSQL the md5 of its rows' text, sorted (the same rows give the same digest whatever order
they were written in); on SQLite every field of every row, quoted as SQL literals (so NULL, ''
and 0 differ), in rowid order. Any changed field changes its table's value."""

from functools import cache

from django.apps import apps
from django.db import connection

# Every app of ours with tables: a request may write any of them, so a refused one is
# checked against all (tests/test_snapshots.py fails when an app with models is missing).
OUR_APPS = (
    "schoolwell",
    "support_team",
    "transfers",
    "concerns",
    "community_links",
    "self_report",
    "trends",
    "sso",
)


@cache
def tables(labels: tuple[str, ...], also: tuple[str, ...] = ()) -> dict[str, str]:
    """Table names by snapshot key: every model of the apps `labels` (history and link tables
    included) by its model name, and of the apps `also` as "label.model"."""
    found = {}
    for label in (*labels, *also):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            name = model._meta.model_name
            found[name if label in labels else f"{label}.{name}"] = model._meta.db_table
    return found


def snapshot(tables: dict[str, str]) -> dict[str, object]:
    names = tuple(tables.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_digests(names))
        else:
            cursor.execute(_quoted_rows(names))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@cache
def _digests(names: tuple[str, ...]) -> str:
    """One row: per table, the md5 of its rows' text, sorted."""
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(  # noqa: S608 (our own table names)
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {quote(table)} t)"
        for table in names
    )


@cache
def _quoted_rows(names: tuple[str, ...]) -> str:
    """One row: per table, its rows one after another, each field as an SQL literal."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        columns = {
            table: [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for table in names
        }
    return "SELECT " + ", ".join(  # noqa: S608 (our own table and column names)
        "(SELECT group_concat("
        + " || char(31) || ".join(f"quote({quote(c)})" for c in fields)
        + f", char(30)) FROM (SELECT * FROM {quote(table)} ORDER BY rowid))"
        for table, fields in columns.items()
    )

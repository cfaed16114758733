"""Every row of a set of tables, read raw (no ORM in between), to prove that a refused request
wrote nothing: the write matrix and the form fuzzers compare one before and one after.

On PostgreSQL one query gives each table's rows as one digest (a round trip instead of about
130); elsewhere the rows themselves, a small query per table. Either way the same rows give
the same state whatever order they were written in, and any changed field changes it."""

from functools import cache

from django.apps import apps
from django.db import connection


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
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_digests(tuple(tables.values())))
            return dict(zip(tables, cursor.fetchone(), strict=True))
        state = {}
        for key, table in tables.items():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (our own table names)
            state[key] = sorted(cursor.fetchall(), key=repr)
    return state


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

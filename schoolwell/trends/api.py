"""Token authentication and the JSON shape of the trends API."""

from django.utils import timezone

from schoolwell.trends.frames import PublishedTable
from schoolwell.trends.models import TrendsToken, hash_key
from schoolwell.trends.scope import Scope


def token_for(request) -> TrendsToken | None:
    """The live token named by `Authorization: Bearer <key>`, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    token = (
        TrendsToken.objects.filter(key_hash=hash_key(key.strip()), revoked=False)
        .select_related("district")
        .first()
    )
    if token is not None:
        TrendsToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def table_json(table: PublishedTable) -> dict:
    """Hidden cells have value null and their marker ("<10" or "suppressed") as text."""
    return {
        "key": table.key,
        "title": table.title,
        "description": table.description,
        "row_header": table.row_header,
        "columns": table.columns,
        "count_columns": table.count_columns,
        "rows": [
            {
                "label": row.label,
                "is_total": row.is_total,
                "cells": [{"text": c.text, "value": c.value} for c in row.cells],
            }
            for row in table.rows
        ],
    }


def filters_json(scope: Scope) -> dict:
    """What the figures cover."""
    return {
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "schools": list(scope.school_ids),
        "grades": list(scope.grades),
        "categories": list(scope.category_ids),
        # The first and last day read from the nightly summary (inclusive) and when it was
        # built; None: every day was counted live.
        "summary_days": (
            [scope.rolled[0].isoformat(), scope.rolled_last_day.isoformat()]
            if scope.rolled
            else None
        ),
        "summary_built_at": scope.rolled_at.isoformat() if scope.rolled_at else None,
    }

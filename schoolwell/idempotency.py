"""Double submits make one record: each form carries a key, and the record keeps it under a
unique constraint. Shared by every app that takes submissions (concerns, self-reports)."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def create_once(
    model: type[M],
    *,
    key: uuid.UUID,
    owner_field: str,
    owner: models.Model,
    create: Callable[[uuid.UUID], M],
) -> tuple[M, bool]:
    """Run create(key) in a transaction, unless this owner already made a record with this
    key: then return it (created=False) and change nothing. Someone else's key (replayed or
    forged) is never reused: the record gets a fresh one. The unique constraint settles a
    race between two requests with the same key."""
    existing = model.objects.filter(idempotency_key=key).first()
    if existing is not None and getattr(existing, f"{owner_field}_id") == owner.pk:
        return existing, False
    if existing is not None:
        key = uuid.uuid4()
    try:
        with transaction.atomic():
            return create(key), True
    except IntegrityError:
        existing = model.objects.filter(idempotency_key=key, **{owner_field: owner}).first()
        if existing is None:
            raise
        return existing, False

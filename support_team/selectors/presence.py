"""Presence: who has an intake open, kept in the cache (never in the database). Each person
with an intake page open heartbeats every 30 s; three missed beats and they are gone."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

PRESENCE_TTL = 90


def presence_key(intake_id: int) -> str:
    return f"support_team:presence:{intake_id}"


def presence_entries(intake_ids: list[int]) -> dict[int, dict[int, tuple[float, str]]]:
    """intake id -> {user id: (expiry, name)} of live viewers, in one cache read. A cache that
    is down answers "nobody": presence is a courtesy and never breaks a page."""
    if not intake_ids:
        return {}
    try:
        found = cache.get_many([presence_key(pk) for pk in intake_ids])
    except Exception:
        logger.warning("cache unavailable; queue presence not shown")
        return {}
    now = time.time()
    result = {}
    for pk in intake_ids:
        entries = found.get(presence_key(pk)) or {}
        live = {int(uid): (exp, name) for uid, (exp, name) in entries.items() if exp > now}
        if live:
            result[pk] = live
    return result


def presence_for(*, intake_ids: list[int], exclude_user_id: int | None) -> dict[int, list[str]]:
    """intake id -> names of the people (other than the asker) who have it open now."""
    return {
        pk: sorted(name for uid, (_exp, name) in live.items() if uid != exclude_user_id)
        for pk, live in presence_entries(intake_ids).items()
    }


def named(live: dict[int, tuple[float, str]]) -> list[list]:
    """[[user id, name]] of live entries, by name (lists, as JSON and the channel layer give
    them back): what a row and a presence event carry, so each screen leaves its own person
    out by itself (queue.js)."""
    return sorted(([uid, name] for uid, (_exp, name) in live.items()), key=lambda v: v[1])


def viewers_of(intake_ids: list[int]) -> dict[int, list[list]]:
    """intake id -> everyone who has it open now, as `named`."""
    return {pk: named(live) for pk, live in presence_entries(intake_ids).items()}

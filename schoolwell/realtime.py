"""The only way anything is pushed to sockets. Events leave after the transaction commits and
carry ids and a version, never narrative. The channel layer is at-most-once and may be down:
a failed send is logged and swallowed, because the database is the source of truth and every
queue screen re-fetches over HTTP when it sees a gap."""

import asyncio
import contextlib
import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

ALLOWED_EVENT_KEYS = frozenset({"type", "version", "intake", "school", "action"})
# How long a request waits for the layer: a silent Redis (not refusing, just not answering)
# would otherwise hold every view that publishes for the client's socket timeout.
SEND_TIMEOUT = 2.0


def queue_group(school_id: int) -> str:
    return f"school.{school_id}.queue"


# Every socket also listens for its person and its session, so that signing out, being
# deactivated or losing a membership reaches it (schoolwell/live_sessions.py).
SOCKETS_CLOSE = {"type": "sockets.close"}
SOCKETS_RECHECK = {"type": "sockets.recheck"}


def user_group(user_id: int) -> str:
    return f"user.{user_id}.sockets"


def session_group(session_key: str) -> str:
    """Hashed: a session key is a bearer credential, and group names are visible to anyone
    who can list Redis's pub/sub channels."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:40]}.sockets"


def send_now(group: str, event: dict) -> bool:
    unexpected = set(event) - ALLOWED_EVENT_KEYS
    if unexpected:
        raise ValueError(f"socket events carry ids only; unexpected keys {sorted(unexpected)}")
    layer = get_channel_layer()
    if layer is None:
        return False

    async def send():
        async with asyncio.timeout(SEND_TIMEOUT):
            await layer.group_send(group, event)

    try:
        async_to_sync(send)()
    except Exception:  # the live layer being down must never lose a submission
        logger.warning("channel layer unavailable; %s not sent to %s", event.get("type"), group)
        return False
    return True


def broadcast_on_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: send_now(group, event))


async def release(layer, channel: str) -> None:
    """Let go of a channel made with new_channel(): the Redis pub/sub layer unsubscribes it
    only when a receive on it is cancelled, so cancel one at once. (The in-memory layer
    forgets idle channels by itself; this is harmless there.)"""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(layer.receive(channel), timeout=0.001)

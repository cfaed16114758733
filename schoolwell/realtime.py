"""The only way anything is pushed to sockets. Events leave after the transaction commits and
carry ids and a version, and at most what a queue screen shows: the rows as the queue
renders them (`text`, rendered once for every screen: support_team/live_rows.py) or who has an
item open (`viewers`); never a field of their own with narrative. The channel layer is
at-most-once and may be down: a failed send is logged and swallowed, because the database is
the source of truth and every queue screen re-fetches over HTTP when it sees a gap.

Sending from a request means reaching the layer from synchronous code. Each `async_to_sync`
call from a thread without an event loop (a gunicorn worker) makes a new loop, and the Redis
layer a new connection with it: 1.3-1.5 ms a publish. So a process without a loop of its own
sends through one long-lived loop in a thread of its own, made on first use (after any
fork), and keeps its connection."""

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import transaction

logger = logging.getLogger(__name__)
REDIS_LAYERS = (RedisChannelLayer, RedisPubSubChannelLayer)  # and subclasses (channel_layer.py)

ALLOWED_EVENT_KEYS = frozenset({"type", "version", "intake", "school", "action", "text", "viewers"})
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
        _run(send)
    except Exception:  # the live layer being down must never lose a submission
        logger.warning("channel layer unavailable; %s not sent to %s", event.get("type"), group)
        return False
    return True


def broadcast_on_commit(group: str, event: dict | Callable[[], dict]) -> None:
    """Send after the surrounding transaction commits. `event` may be a function that builds
    it then (to read what was committed)."""
    transaction.on_commit(lambda: send_now(group, event() if callable(event) else event))


def _run(send: Callable) -> None:
    """Run the coroutine function `send` on this process's sending loop when this thread has
    no loop to go back to (a WSGI worker), else as before. Only the Redis layers keep
    connections per loop; the in-memory layer's queues belong to the loop that serves the
    sockets, so it is always reached through async_to_sync."""
    if _outside_any_loop() and isinstance(get_channel_layer(), REDIS_LAYERS):
        loop = _sending_loop()
        asyncio.run_coroutine_threadsafe(send(), loop).result(SEND_TIMEOUT + 1)
    else:
        async_to_sync(send)()


def _outside_any_loop() -> bool:
    """True in a plain thread (gunicorn). False in a thread that sync_to_async runs for an
    event loop (daphne's sync views): async_to_sync goes back to that loop, whose connection
    is already open."""
    from asgiref.sync import SyncToAsync

    return getattr(SyncToAsync.threadlocal, "main_event_loop", None) is None


_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0
_loop_lock = threading.Lock()


def _sending_loop() -> asyncio.AbstractEventLoop:
    global _loop, _loop_pid
    with _loop_lock:
        if _loop is None or _loop_pid != os.getpid() or not _loop.is_running():
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def serve():
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            threading.Thread(target=serve, name="realtime-send", daemon=True).start()
            ready.wait()
            _loop, _loop_pid = loop, os.getpid()
        return _loop


async def release(layer, channel: str) -> None:
    """Let go of a channel made with new_channel(): the Redis pub/sub layer unsubscribes it
    only when a receive on it is cancelled, so cancel one at once. (The in-memory layer
    forgets idle channels by itself; this is harmless there.)"""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(layer.receive(channel), timeout=0.001)

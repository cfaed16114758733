"""A heartbeat for the live queue: how a screen learns that it may have missed events.

Redis pub/sub delivers each event once, to whoever is subscribed at that moment; while Redis
is away, events are lost and a connected socket cannot tell. So each server process (each
event loop), while it holds any queue screen, every QUEUE_HEARTBEAT_SECONDS:

- sends a probe to a channel of its own and waits for it to come back through Redis: the
  same publish, subscription and receive path every event takes in this process;
- publishes `queue.heartbeat` (no ids at all) to each school group it holds screens of.

If any of that fails or times out, the process closes all its screens with 4012 ("service
restart" in the application's range): each page reconnects, with backoff, and re-reads the
whole queue once the layer answers again. Every screen hears the heartbeats of every process
of its school, so a page that hears nothing for three intervals (a dead proxy connection)
reconnects by itself (static/schoolwell/queue.js).

Each beat that finds the layer healthy also re-checks every open screen of the loop against
its session and the person's schools, and closes those no longer allowed with 4401
(schoolwell/live_sessions.py): the backstop for whatever ended without a signal.

One beat loop per event loop, never one per group: the pub/sub layer serialises a process's
publishes behind one lock, and during an outage each failing publish holds it for a timeout.

Known gap: a Redis restart that begins and ends between two beats, and is followed by a
successful re-subscribe, loses whatever was published meanwhile without a failed probe. A
version gap on the next event, or the page's two-minute re-read, repairs those screens."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from schoolwell import live_sessions, realtime

if TYPE_CHECKING:
    from channels.consumer import AsyncConsumer

logger = logging.getLogger(__name__)

EVENT = {"type": "queue.heartbeat"}
PROBE = {"type": "queue.probe"}
# Servers may only close with 1000 or 3000-4999 (autobahn, under daphne, refuses 1012
# "service restart"): 4012 says the same thing in the application's range.
RECONNECT = 4012

# Per event loop: {group: the screens of that group}, and the loop's beat task.
_screens: dict[asyncio.AbstractEventLoop, dict[str, set[AsyncConsumer]]] = {}
_beats: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def interval() -> float:
    return float(settings.QUEUE_HEARTBEAT_SECONDS)


def join(group: str, screen: AsyncConsumer) -> None:
    loop = asyncio.get_running_loop()
    _screens.setdefault(loop, {}).setdefault(group, set()).add(screen)
    if loop not in _beats:
        _beats[loop] = asyncio.create_task(_beat(loop))


def leave(group: str, screen: AsyncConsumer) -> None:
    loop = asyncio.get_running_loop()
    groups = _screens.get(loop, {})
    screens = groups.get(group)
    if screens is None:
        return
    screens.discard(screen)
    if not screens:
        del groups[group]
    if not groups:
        _screens.pop(loop, None)
        _beats.pop(loop).cancel()


async def _beat(loop: asyncio.AbstractEventLoop) -> None:
    layer = get_channel_layer()
    probe = None
    try:
        while True:
            await asyncio.sleep(interval())
            try:
                async with asyncio.timeout(interval()):
                    if probe is None:
                        probe = await layer.new_channel(prefix="queue-probe.")
                    await layer.send(probe, PROBE)
                    await layer.receive(probe)
                    for group in list(_screens.get(loop, ())):
                        await layer.group_send(group, EVENT)
            except Exception as failure:  # TimeoutError too: a silent Redis is as bad as a dead one
                logger.warning(
                    "channel layer unavailable (%r); closing this process's queue screens", failure
                )
                if probe is not None:
                    await realtime.release(layer, probe)
                    probe = None
                await _close_all(loop)
            else:
                await _recheck(loop)
    finally:
        if probe is not None:
            await realtime.release(layer, probe)


def _open_screens(loop: asyncio.AbstractEventLoop) -> list[AsyncConsumer]:
    screens = {s for group in _screens.get(loop, {}).values() for s in group}
    return [s for s in screens if not getattr(s, "ended", False)]


async def _recheck(loop: asyncio.AbstractEventLoop) -> None:
    """Each beat, every open screen of this loop is checked against its session and the
    person's schools (schoolwell/live_sessions.py): what ended without a signal (a session
    expired, deleted in the store or on another node, a queryset update) closes within a
    beat. One hop for all of them, in a worker thread of its own rather than the one thread
    that runs every sync view (see QueueConsumer.dispatch). If the check itself fails, the
    screens are closed to reconnect: connect() checks again, and refuses if it must."""
    screens = _open_screens(loop)
    if not screens:
        return
    check = database_sync_to_async(live_sessions.refused, thread_sensitive=False)
    try:
        refused = await check([s.listener for s in screens])
    except Exception:
        logger.exception("socket re-check failed; closing this process's queue screens")
        await _close(screens, RECONNECT)
        return
    await _close([s for s in screens if s.listener in refused], live_sessions.SIGNED_OUT)


async def _close_all(loop: asyncio.AbstractEventLoop) -> None:
    await _close(_open_screens(loop), RECONNECT)


async def _close(screens: list[AsyncConsumer], code: int) -> None:
    closing = (screen.end(code) for screen in screens)
    # Shielded: the last screen to leave cancels the beat task, and every screen must hear.
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.shield(asyncio.gather(*closing, return_exceptions=True))

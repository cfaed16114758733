"""What a school's queue screens would hear while some sync code runs."""

import asyncio

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

from schoolwell import realtime


def heard_by_queue(school, action, *, wait: float = 2.0, count: int = 1):
    """Join the school's queue group, run `action` (sync, on this thread's database
    connection, as a view would) and return its result with up to `count` events heard
    within `wait` seconds each. One event loop throughout: the Redis pub/sub layer keeps
    subscriptions per loop, so a channel joined in one `async_to_sync` call would hear
    nothing in the next."""
    layer = get_channel_layer()

    async def run():
        channel = await layer.new_channel()
        await layer.group_add(realtime.queue_group(school.pk), channel)
        result = await sync_to_async(action)()
        events = []
        try:
            while len(events) < count:
                events.append(await asyncio.wait_for(layer.receive(channel), wait))
        except TimeoutError:
            pass
        return result, events

    return async_to_sync(run)()


# What a queue event may carry (schoolwell/realtime.py): ids and a version, the school, and
# the rows as every screen of that school shows them, rendered once per language.
QUEUE_EVENT_KEYS = {"type", "intake", "version", "school", "text"}


def ids_of(event: dict) -> dict:
    """The ids and version of a queue event, after checking it carries nothing else."""
    assert set(event) <= QUEUE_EVENT_KEYS, set(event) - QUEUE_EVENT_KEYS
    return {key: event[key] for key in ("type", "intake", "version")}

"""channels-redis' pub/sub layer, with one change: its connection to Redis is re-made by one
coroutine at a time.

In channels-redis 4.3 the task that reads a process's messages reconnects by itself, outside
the lock that every subscribe of the process takes, so after an outage a subscribe (a queue
screen reconnecting) can re-make the same connection at the same moment; the two then read
each other's replies. In the topology bench the reading task got "unknown subcommand
'SETINFO'" (the reply to another coroutine's command) after Redis returned, and 15 s later
that process's heartbeat failed and closed its 121 screens again (docs/performance.md). Here
the reading task reconnects under the subscribes' lock.

This reaches into channels-redis' private parts (a shard's `_lock` and `_pubsub`, the loop
layer's `_shards`); the version is pinned below 5 in pyproject.toml, and
tests/test_channel_layer.py fails if that shape changes."""

from __future__ import annotations

import asyncio
import logging

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisSingleShardConnection

logger = logging.getLogger(__name__)


class OneReconnectShard(RedisSingleShardConnection):
    async def _do_receiving(self) -> None:
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    connection = self._pubsub.connection
                    if connection is not None and not connection.is_connected:
                        async with self._lock:  # never beside a subscribe's own reconnect
                            await self._pubsub.connect()
                    message = await self._pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=0.1
                    )
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (TimeoutError, asyncio.CancelledError, GeneratorExit):
                raise
            except BaseException:
                logger.exception("Unexpected exception in receive task")
                await asyncio.sleep(1)


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def _get_layer(self):
        layer = super()._get_layer()
        if any(type(shard) is RedisSingleShardConnection for shard in layer._shards):
            # Just made for this event loop: nothing is connected or subscribed yet.
            layer._shards = [OneReconnectShard(shard.host, layer) for shard in layer._shards]
        return layer

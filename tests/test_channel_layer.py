"""The pub/sub layer's connection is re-made by one coroutine at a time
(schoolwell/channel_layer.py): after the connection drops, the task reading messages and
twenty screens subscribing at once never connect it together, and every channel hears."""

import asyncio

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from schoolwell.channel_layer import OneReconnectShard, PubSubChannelLayer
from tests.support_team.test_redis_down import private_redis  # noqa: F401  (a fixture)

pytestmark = pytest.mark.redis


def test_the_settings_use_this_layer_with_redis(settings):
    assert (
        settings.CHANNEL_LAYERS["default"]["BACKEND"]
        == "schoolwell.channel_layer.PubSubChannelLayer"
    )


async def reconnect_storm(layer: RedisPubSubChannelLayer) -> tuple[int, int, int]:
    """(most connects of one connection at once, channels that heard, channels made)."""
    first = await layer.new_channel()
    shard = layer._get_layer()._shards[0]
    connection = shard._pubsub.connection
    connect, inside, most = connection.connect, 0, 0

    async def slow_connect(*args, **kwargs):
        nonlocal inside, most
        if connection.is_connected:
            return await connect(*args, **kwargs)
        inside += 1
        most = max(most, inside)
        try:
            await asyncio.sleep(0.05)  # a loaded machine: the handshake takes a while
            return await connect(*args, **kwargs)
        finally:
            inside -= 1

    connection.connect = slow_connect
    await connection.disconnect()
    await asyncio.sleep(0.15)  # the reading task notices (it polls every 0.1 s)
    channels = [first, *await asyncio.gather(*(layer.new_channel() for _ in range(20)))]
    heard = 0
    for channel in channels:
        await layer.send(channel, {"type": "probe"})
        async with asyncio.timeout(2):
            await layer.receive(channel)
        heard += 1
    await layer.flush()
    return most, heard, len(channels)


def test_after_a_drop_the_connection_is_remade_once_and_every_channel_hears(private_redis):  # noqa: F811
    layer = PubSubChannelLayer(hosts=[{"address": private_redis.url}])

    async def run():
        result = await reconnect_storm(layer)
        assert all(type(s) is OneReconnectShard for s in layer._get_layer()._shards)
        return result

    most, heard, made = asyncio.run(run())
    assert most == 1 and heard == made == 21

"""The live queue's socket. It only hints: events carry an intake id and a version, and the
page fetches the server-rendered row over HTTP (the database is the source of truth)."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from schoolwell import permissions, realtime
from support_team import heartbeat

logger = logging.getLogger(__name__)
TRY_AGAIN_LATER = 4013  # 1013 in the application's range, which servers may send


class QueueConsumer(AsyncJsonWebsocketConsumer):
    """Authorised at connect through schoolwell.permissions; the groups are built on the
    server from the user's schools, never taken from the URL."""

    async def connect(self):
        user = self.scope.get("user")
        school_ids = await database_sync_to_async(permissions.queue_school_ids)(user)
        if not school_ids:
            await self.close(code=4403)
            return
        self.groups_joined = []
        try:
            for school_id in sorted(school_ids):
                group = realtime.queue_group(school_id)
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.append(group)
        except Exception:  # the layer went down since this socket's channel was made
            logger.warning("channel layer unavailable; queue socket refused for now")
            await self.close(code=TRY_AGAIN_LATER)
            return
        for group in self.groups_joined:
            heartbeat.join(group, self)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            heartbeat.leave(group, self)
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # down: Redis re-subscribes it on reconnect, hearing nothing
                logger.warning("channel layer unavailable; %s not left cleanly", group)

    async def dispatch(self, message):
        """The push handlers below touch no database, so they skip the connection
        clean-up Channels runs before every handler: a hop into the one thread that also
        runs every sync view, 200 times per event with 200 screens open, which put each
        push behind whatever request that thread was serving."""
        handler = PUSH_HANDLERS.get(message["type"])
        if handler:
            await handler(self, message)
        else:
            await super().dispatch(message)

    async def queue_changed(self, event):
        await self.send_json(
            {"type": "queue.changed", "intake": event["intake"], "version": event["version"]}
        )

    async def queue_presence(self, event):
        """Who has an intake open changed (a cache entry, not a database change: no version).
        The page re-reads that row."""
        await self.send_json({"type": "queue.presence", "intake": event["intake"]})

    async def queue_heartbeat(self, event):
        await self.send_json(heartbeat.EVENT)

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""


PUSH_HANDLERS = {
    "queue.changed": QueueConsumer.queue_changed,
    "queue.presence": QueueConsumer.queue_presence,
    "queue.heartbeat": QueueConsumer.queue_heartbeat,
}

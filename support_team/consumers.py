"""The live queue's socket. It only hints: events carry an intake id and a version, and the
page fetches the server-rendered row over HTTP (the database is the source of truth)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from schoolwell import permissions, realtime


class QueueConsumer(AsyncJsonWebsocketConsumer):
    """Authorised at connect through schoolwell.permissions; the groups are built on the
    server from the user's schools, never taken from the URL."""

    async def connect(self):
        user = self.scope.get("user")
        school_ids = await database_sync_to_async(permissions.queue_school_ids)(user)
        if not school_ids:
            await self.close(code=4403)
            return
        self.groups_joined = [realtime.queue_group(school_id) for school_id in sorted(school_ids)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def queue_changed(self, event):
        await self.send_json(
            {"type": "queue.changed", "intake": event["intake"], "version": event["version"]}
        )

    async def queue_presence(self, event):
        """Who has an intake open changed (a cache entry, not a database change: no version).
        The page re-reads that row."""
        await self.send_json({"type": "queue.presence", "intake": event["intake"]})

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""

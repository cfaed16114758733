"""The live queue's socket. It only hints: events carry an intake id and a version, and the
page fetches the server-rendered row over HTTP (the database is the source of truth)."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from schoolwell import live_sessions, permissions, realtime
from support_team import heartbeat

logger = logging.getLogger(__name__)
TRY_AGAIN_LATER = 4013  # 1013 in the application's range, which servers may send


class QueueConsumer(AsyncJsonWebsocketConsumer):
    """Authorised at connect through schoolwell.permissions; the groups are built on the
    server from the user's schools, never taken from the URL. It also joins its person's and
    its session's groups, and closes with SIGNED_OUT when the session ends or the person may
    no longer listen (schoolwell/live_sessions.py); after that it sends nothing."""

    ended = False

    async def connect(self):
        session = self.scope.get("session")
        self.listener = await database_sync_to_async(live_sessions.admit)(
            self.scope.get("user"),
            getattr(session, "session_key", None),
            permissions.queue_school_ids,
        )
        if self.listener is None:
            await self.close(code=4403)
            return
        self.queue_groups = [realtime.queue_group(s) for s in sorted(self.listener.school_ids)]
        self.groups_joined = []
        try:
            for group in [
                realtime.user_group(self.listener.user_id),
                realtime.session_group(self.listener.session_key),
                *self.queue_groups,
            ]:
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.append(group)
        except Exception:  # the layer went down since this socket's channel was made
            logger.warning("channel layer unavailable; queue socket refused for now")
            await self.close(code=TRY_AGAIN_LATER)
            return
        for group in self.queue_groups:
            heartbeat.join(group, self)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "queue_groups", []):
            heartbeat.leave(group, self)
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # down: Redis re-subscribes it on reconnect, hearing nothing
                logger.warning("channel layer unavailable; %s not left cleanly", group)

    async def end(self, code: int) -> None:
        """Close once, and stay silent: events already on their way (this socket is in its
        groups until the disconnect comes back) are dropped, not sent."""
        if self.ended:
            return
        self.ended = True
        await self.close(code=code)

    async def dispatch(self, message):
        """The push handlers below touch no database, so they skip the connection
        clean-up Channels runs before every handler: a hop into the one thread that also
        runs every sync view, 200 times per event with 200 screens open, which put each
        push behind whatever request that thread was serving."""
        handler = PUSH_HANDLERS.get(message["type"])
        if handler:
            if not self.ended:
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

    async def sockets_close(self, event):
        """This session signed out, or this person was deactivated."""
        await self.end(live_sessions.SIGNED_OUT)

    async def sockets_recheck(self, event):
        """This person's account or memberships changed: check again, from the database."""
        if self.ended:
            return
        if not await database_sync_to_async(live_sessions.still_allowed)(self.listener):
            await self.end(live_sessions.SIGNED_OUT)

    async def receive_json(self, content, **kwargs):
        """Clients only listen; anything they send is ignored."""


PUSH_HANDLERS = {
    "queue.changed": QueueConsumer.queue_changed,
    "queue.presence": QueueConsumer.queue_presence,
    "queue.heartbeat": QueueConsumer.queue_heartbeat,
    "sockets.close": QueueConsumer.sockets_close,
}

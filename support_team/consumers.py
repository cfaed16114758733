"""The live queue's socket. An event carries an intake id, a version and the rows it changed,
rendered once for every screen of the school in each language (support_team/live_rows.py):
the socket sends on its screen's language's text as it is. The database stays the source of
truth: a page that sees a gap, or reconnects, re-reads its queue over HTTP."""

import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from schoolwell import live_sessions, permissions, realtime
from schoolwell.handshakes import TRY_AGAIN_LATER
from support_team import heartbeat

logger = logging.getLogger(__name__)


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
        self.language = _language(self.scope)
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
        """The rows, already encoded for this screen's language; without them (rendering
        failed) the ids alone, and the page fetches the row."""
        texts = event.get("text") or {}
        text = texts.get(self.language) or texts.get(settings.LANGUAGE_CODE)
        if text:
            await self.send(text_data=text)
        else:
            await self.send_json(
                {"type": "queue.changed", "intake": event["intake"], "version": event["version"]}
            )

    async def queue_presence(self, event):
        """Who has an intake open changed (a cache entry, not a database change: no version).
        The event names them all, with ids; the page leaves its own person out."""
        message = {"type": "queue.presence", "intake": event["intake"]}
        if "viewers" in event:
            message["viewers"] = event["viewers"]
        await self.send_json(message)

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


def _language(scope) -> str:
    """The screen's language, as its page says in the socket's address (`?lang=es`): which
    rendering of each row to send. Anything else is the default language."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = (query.get("lang") or [""])[0]
    return asked if asked in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


PUSH_HANDLERS = {
    "queue.changed": QueueConsumer.queue_changed,
    "queue.presence": QueueConsumer.queue_presence,
    "queue.heartbeat": QueueConsumer.queue_heartbeat,
    "sockets.close": QueueConsumer.sockets_close,
}

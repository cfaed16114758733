"""How a socket process takes a reconnect storm: when Redis comes back, or a socket process
restarts, every queue screen it served reconnects within seconds, and each handshake reads the
session, the user and their schools from the database before it can be accepted.

Measured on the production topology (docs/performance.md): with 500 screens reconnecting,
those reads queued in the one thread Channels gives a process for thread-sensitive database
calls; handshakes took longer than the socket server's 5 s handshake timeout, which then cut
the connection (nginx: "connection reset by peer while reading response header"), while the
abandoned reads still ran. The queue never drained for two minutes. So, per process:

- HandshakeGate lets at most SOCKET_HANDSHAKES_AT_ONCE handshakes wait for their reads; the
  next is refused at once, before any database work, with TRY_AGAIN_LATER (the browser
  retries after a jittered backoff, static/schoolwell/queue.js). Every admitted handshake
  then finishes well within the timeout, and no read is wasted on a connection already cut.
- SocketUserMiddleware reads the user in a thread of a pool, not the one shared thread, so a
  process's handshakes do not wait behind each other's database round trips."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth import get_user

TRY_AGAIN_LATER = 4013  # 1013 in the application's range, which servers may send
_DONE = frozenset({"websocket.accept", "websocket.close", "websocket.http.response.start"})


class HandshakeGate(BaseMiddleware):
    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.waiting = 0  # one event loop per process: no lock needed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        if self.waiting >= settings.SOCKET_HANDSHAKES_AT_ONCE:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
            return None
        self.waiting += 1
        waiting = True

        def answered() -> None:
            nonlocal waiting
            if waiting:
                waiting = False
                self.waiting -= 1

        async def tracked(message):
            if message["type"] in _DONE:
                answered()
            await send(message)

        try:
            return await self.inner(scope, receive, tracked)
        finally:
            answered()


class SocketUserMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, reading the user through Django's own get_user in a pooled
    thread (thread_sensitive=False) rather than the process's one shared thread."""

    async def resolve_scope(self, scope):
        read = database_sync_to_async(_user, thread_sensitive=False)
        scope["user"]._wrapped = await read(scope["session"])


def _user(session):
    return get_user(SimpleNamespace(session=session))


def socket_stack(inner: Any) -> HandshakeGate:
    """Channels' AuthMiddlewareStack with the two changes above, gate outermost."""
    return HandshakeGate(CookieMiddleware(SessionMiddleware(SocketUserMiddleware(inner))))

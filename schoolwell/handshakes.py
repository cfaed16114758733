"""How a socket process takes a reconnect storm: when Redis comes back, or a socket process
restarts, every queue screen it served reconnects within seconds, and each handshake reads the
session, the user and their schools from the database before it can be accepted.

Measured on the production topology (docs/performance.md): with 500 screens reconnecting,
those reads queued in the one thread Channels gives a process for its database calls;
handshakes took longer than the socket server's 5 s handshake timeout, which then cut the
connection (nginx: "connection reset by peer while reading response header"), while the
abandoned reads still ran, so the queue never drained for two minutes.

HandshakeGate lets at most SOCKET_HANDSHAKES_AT_ONCE handshakes of a process wait for their
reads; the next is refused at once, before any database work, with TRY_AGAIN_LATER (the page
retries after a jittered backoff, static/schoolwell/queue.js). Every admitted handshake then
finishes well within the timeout, and no read is spent on a connection already cut."""

from __future__ import annotations

from typing import Any

from channels.middleware import BaseMiddleware
from channels.sessions import SessionMiddlewareStack
from django.conf import settings

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


def socket_stack(inner: Any) -> HandshakeGate:
    """The session (from its cookie, read when first used) behind the gate. The consumer
    finds who the socket is for from the session itself (schoolwell/live_sessions.py
    `admit`), in one hop into the process's database thread: Channels' AuthMiddlewareStack
    would read the session and the user once more before it, in a hop of their own, and a
    hop there is what a reconnect storm queues on."""
    return HandshakeGate(SessionMiddlewareStack(inner))

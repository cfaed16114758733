"""Queue sockets as a signed-in browser opens them: with a real session, because the socket
follows it (schoolwell/live_sessions.py). Build them in sync code (signing in writes the
session), then use them inside one event loop."""

import json
from importlib import import_module

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from support_team.consumers import QueueConsumer

PATH = "/ws/team/queue/"
# How long a test waits for the handshake's answer. channels' own default, 1 s, is a timing
# assertion no test means to make: on a loaded CI machine (PostgreSQL, both cores busy) the
# handshake's read of the session has taken longer, and a test failed with TimeoutError. A
# refusal still comes back as (False, code); only a server that never answers fails.
HANDSHAKE_SECONDS = 10


class Communicator(WebsocketCommunicator):
    async def connect(self, timeout: float = HANDSHAKE_SECONDS):
        return await super().connect(timeout)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_key_for(user) -> str:
    """A fresh session of this user's, as after signing in on another device."""
    return signed_in(user).session.session_key


def queue_socket(
    user, session_key: str | None = None, *, app=None, path: str = PATH
) -> WebsocketCommunicator:
    """The consumer alone (or `app`), with a session as the socket stack gives it, and a user
    as another auth stack would (the consumer checks it is the session's)."""
    communicator = Communicator(app or QueueConsumer.as_asgi(), path)
    communicator.scope["user"] = user
    if session_key is None and getattr(user, "is_authenticated", False):
        session_key = session_key_for(user)
    if session_key is not None:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        communicator.scope["session"] = store
    return communicator


def browser_socket(session_key: str | None, origin: bytes = b"http://127.0.0.1"):
    """The whole ASGI application, as a browser reaches it: the session cookie decides."""
    from schoolwell.asgi import application

    headers = [(b"origin", origin), (b"host", b"127.0.0.1")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return Communicator(application, PATH, headers=headers)


async def close_code(
    communicator: WebsocketCommunicator, timeout: float = 5, beats: int = 10
) -> int:
    """Wait for the server to close the socket, past at most `beats` heartbeats (the re-check
    runs once a beat); anything else heard first is a failure."""
    for _ in range(beats + 1):
        output = await communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            return output["code"]
        assert json.loads(output["text"]) == {"type": "queue.heartbeat"}, output
    raise AssertionError(f"still open after {beats} heartbeats")

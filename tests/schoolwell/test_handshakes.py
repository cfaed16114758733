"""A socket process under a reconnect storm: past SOCKET_HANDSHAKES_AT_ONCE handshakes
waiting, the next is told to try again at once, before any database work, and a place frees
when a handshake is answered, however it ends (schoolwell/handshakes.py)."""

import asyncio

import pytest

from schoolwell.handshakes import TRY_AGAIN_LATER, HandshakeGate

SOCKET = {"type": "websocket", "path": "/ws/team/queue/"}


class SlowAdmission:
    """An inner application that waits for the test before it answers each handshake."""

    def __init__(self):
        self.called = 0
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.called += 1
        await receive()
        await self.release.wait()
        if scope.get("fail"):
            raise RuntimeError("the database went away")
        await send({"type": "websocket.accept"})
        await receive()  # held open until the test disconnects


def client():
    inbox = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    sent = []

    async def send(message):
        sent.append(message)

    return inbox, sent, send


async def connect(gate, scope=SOCKET):
    inbox, sent, send = client()
    task = asyncio.create_task(gate(scope, inbox.get, send))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return task, inbox, sent


def test_past_the_limit_a_handshake_is_refused_at_once_without_reaching_the_app(settings):
    settings.SOCKET_HANDSHAKES_AT_ONCE = 2

    async def storm():
        app = SlowAdmission()
        gate = HandshakeGate(app)
        first, _, first_sent = await connect(gate)
        second, _, _ = await connect(gate)
        third, _, third_sent = await connect(gate)
        await asyncio.wait_for(third, 1)
        assert third_sent == [{"type": "websocket.close", "code": TRY_AGAIN_LATER}]
        assert app.called == 2 and gate.waiting == 2
        app.release.set()
        await asyncio.sleep(0.01)
        assert first_sent == [{"type": "websocket.accept"}] and gate.waiting == 0
        # Open sockets hold no place: the next handshakes are admitted.
        fourth, inbox, fourth_sent = await connect(gate)
        await asyncio.sleep(0.01)
        assert fourth_sent == [{"type": "websocket.accept"}] and app.called == 3
        for task in (first, second, fourth):
            task.cancel()

    asyncio.run(storm())


def test_a_handshake_that_fails_or_is_cancelled_frees_its_place(settings):
    settings.SOCKET_HANDSHAKES_AT_ONCE = 1

    async def failures():
        app = SlowAdmission()
        gate = HandshakeGate(app)
        failing, _, _ = await connect(gate, {**SOCKET, "fail": True})
        app.release.set()
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(failing, 1)
        assert gate.waiting == 0
        app.release.clear()
        cut, _, _ = await connect(gate)  # the server cut the connection mid-handshake
        assert gate.waiting == 1
        cut.cancel()
        await asyncio.sleep(0)
        assert gate.waiting == 0

    asyncio.run(failures())


def test_http_passes_through_uncounted():
    async def plain(scope, receive, send):
        await send({"type": "http.response.start", "status": 200})

    async def run():
        gate = HandshakeGate(plain)
        sent = []

        async def send(message):
            sent.append(message)

        await gate({"type": "http"}, None, send)
        return gate.waiting, sent

    assert asyncio.run(run()) == (0, [{"type": "http.response.start", "status": 200}])

"""With Redis stopped, nothing submitted is lost and the queue still renders (degraded, no
500); when Redis comes back, live events flow again.

Each test runs its own throwaway redis-server on a free loopback port and points the channel
layer and the cache at it (the production configuration from settings.py, another address),
so stopping it disturbs no one else's Redis. Marked `redis`: it runs in CI's PostgreSQL +
Redis pass, where a missing redis-server binary fails the run instead of skipping.
"""

import importlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from types import SimpleNamespace

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from concerns.models import Concern
from schoolwell.models import Category
from support_team import heartbeat
from support_team.models import Intake
from tests.conftest import REQUIRED
from tests.support_team.sockets import browser_socket, session_key_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    """A redis-server process of this test's own: no persistence, loopback only."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ping = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                if ping.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """Gone at once, as in a crash: SIGKILL, nothing flushed."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def private_redis(settings):
    if not shutil.which(REDIS_SERVER):
        reason = f"needs {REDIS_SERVER} (apt-get install redis-server)"
        if "redis" in REQUIRED:
            pytest.fail(f"redis is required in this run (SCHOOLWELL_REQUIRE) but {reason}")
        pytest.skip(reason)
    server = PrivateRedis()
    server.start()
    layer = settings.CHANNEL_LAYERS["default"]
    config = dict(layer["CONFIG"])
    config["hosts"] = [{**host, "address": server.url} for host in config["hosts"]]
    # Changing these settings drops channels' cached layer and Django's cache connections.
    settings.CHANNEL_LAYERS = {"default": {**layer, "CONFIG": config}}
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    server.kill()


@pytest.fixture(autouse=True)
def categories(transactional_db):
    """Transactional tests flush the rows the data migration made; put them back (the
    migration names the model where it lived then; it is the core's now)."""
    migration = importlib.import_module("concerns.migrations.0002_categories")
    migration.add_categories(SimpleNamespace(get_model=lambda *_: Category), None)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit_concern(client: Client, student):
    return client.post(
        reverse("concerns:new"),
        {
            "student": student.pk,
            "categories": [Category.objects.get(slug="attendance").pk],
            "severity": "moderate",
            "narrative": "Asleep in class three days running.",
            "observed_on": time.strftime("%Y-%m-%d"),
            "observed_place": "Room 12",
            "idempotency_key": str(uuid.uuid4()),
        },
        follow=True,
    )


def queue_socket(session_key: str) -> WebsocketCommunicator:
    """As a browser opens it: the session cookie, through the whole application."""
    return browser_socket(session_key)


async def open_queue_socket(session_key: str) -> WebsocketCommunicator:
    communicator = queue_socket(session_key)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def event_for_a_new_concern(team_member, teacher_client: Client, student) -> tuple[dict, int]:
    """Open the team member's queue socket, submit a concern, return the event the socket
    got and the new intake's id."""
    session_key = session_key_for(team_member)

    async def run():
        communicator = await open_queue_socket(session_key)
        try:
            response = await sync_to_async(submit_concern)(teacher_client, student)
            assert response.status_code == 200
            event = await communicator.receive_json_from(timeout=5)
        finally:
            await communicator.disconnect()
        return event

    event = async_to_sync(run)()
    return event, Intake.objects.latest("pk").pk


def health(client: Client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_with_redis_stopped_a_concern_is_saved_and_the_queue_still_renders(
    private_redis, teacher_a, team_a, student_a
):
    teacher, team = signed_in(teacher_a), signed_in(team_a)

    # Redis up: everything answers, and the queue hears of a new concern.
    status, report = health(team)
    assert (status, report["cache"], report["channel_layer"]) == (200, "ok", "ok")
    event, first = event_for_a_new_concern(team_a, teacher, student_a)
    assert (event["type"], event["intake"]) == ("queue.changed", first)

    private_redis.kill()

    # Redis down: the concern is saved and acknowledged, with its intake.
    response = submit_concern(teacher, student_a)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("concerns:mine")
    assert "Received. The support team will look at it." in response.content.decode()
    assert Concern.objects.count() == 2
    second = Intake.objects.exclude(pk=first).get()
    # The queue page renders from the database, both rows on it.
    page = team.get(reverse("support_team:queue"))
    assert page.status_code == 200
    assert f'id="intake-{first}"' in page.content.decode()
    assert f'id="intake-{second.pk}"' in page.content.decode()
    rows = team.get(reverse("support_team:queue"), {"partial": "rows"})
    assert rows.status_code == 200 and f'id="intake-{second.pk}"' in rows.content.decode()
    # The teacher's own list renders too.
    assert teacher.get(reverse("concerns:mine")).status_code == 200
    # Operators are told what is down.
    status, report = health(team)
    assert status == 503
    assert report["database"] == "ok" and report["status"] == "degraded"
    assert report["channel_layer"].startswith("error")
    assert report["cache"].startswith("error")

    # Redis back on the same address: a queue screen that reconnects hears events again.
    private_redis.start()
    assert health(team)[0] == 200
    event, third = event_for_a_new_concern(team_a, teacher, student_a)
    assert third not in (first, second.pk)
    assert (event["type"], event["intake"]) == ("queue.changed", third)


def test_with_redis_stopped_a_student_self_report_is_saved(private_redis, school_a):
    """The self-report's rate limit counts in the cache: with the cache gone, the student's
    request must still be saved (and the limit waived) rather than lost to a 500."""
    from schoolwell.models import Role
    from self_report import demo
    from self_report.models import SelfReport
    from tests.factories import enrolled_student, member

    demo.ensure_catalogue()
    demo.ensure_page()
    user = member(Role.STUDENT, school=school_a)
    enrolled_student(school_a, user=user, grade="07")
    client = signed_in(user)
    private_redis.kill()
    response = client.post(
        "/self-report/",
        {
            "wellbeing": "2",
            "talk_when": "today",
            "talk_with": "counselor",
            "own_words": "",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    report = SelfReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("self_report:done", args=[report.pk])
    assert Intake.objects.filter(source="self_report").count() == 1


def test_an_idle_queue_socket_hears_heartbeats_and_then_events(private_redis, team_a, school_a):
    """A screen left alone past redis-py's 5 s default read timeout (which once crashed every
    idle consumer) hears only heartbeats, no ids in them, and then the next event."""
    from schoolwell import realtime

    session_key = session_key_for(team_a)

    async def run():
        communicator = await open_queue_socket(session_key)
        try:
            heard = []
            deadline = time.monotonic() + 7
            while time.monotonic() < deadline:
                heard.append(await communicator.receive_json_from(timeout=7))
            await get_channel_layer().group_send(
                realtime.queue_group(school_a.pk),
                {"type": "queue.changed", "intake": 1, "version": 2},
            )
            while (event := await communicator.receive_json_from(timeout=5)) in heard:
                pass
            return heard, event
        finally:
            await communicator.disconnect()

    heard, event = async_to_sync(run)()
    assert len(heard) >= 2 and all(beat == {"type": "queue.heartbeat"} for beat in heard)
    assert event == {"type": "queue.changed", "intake": 1, "version": 2}


def test_when_redis_dies_open_screens_are_closed_so_they_reconnect_and_re_read(
    private_redis, settings, teacher_a, team_a, student_a
):
    """Pub/sub loses what is published while Redis is away, and a connected socket cannot
    tell; the heartbeat's failed publish closes the process's screens (4012), and once Redis
    is back a screen opened in the same event loop (as in a long-running daphne) hears the
    next concern."""
    settings.QUEUE_HEARTBEAT_SECONDS = 1.5  # longer than channels_redis takes to reconnect (1 s)
    teacher = signed_in(teacher_a)
    session_key = session_key_for(team_a)

    async def run():
        communicator = await open_queue_socket(session_key)
        await sync_to_async(private_redis.kill)()
        closed = await communicator.receive_output(timeout=5)
        while closed["type"] != "websocket.close":  # heartbeats sent before the kill
            closed = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        refused = queue_socket(session_key)
        try:  # down: the socket is refused (the layer cannot give it a channel), not accepted
            connected, _ = await refused.connect(timeout=5)
        except Exception:  # noqa: BLE001 - the application failing is a refusal too
            connected = False
        assert not connected
        await sync_to_async(private_redis.start)()
        again = await open_queue_socket(session_key)
        try:
            response = await sync_to_async(submit_concern)(teacher, student_a)
            assert response.status_code == 200
            event = await again.receive_json_from(timeout=5)
            while event["type"] == "queue.heartbeat":
                event = await again.receive_json_from(timeout=5)
        finally:
            await again.disconnect()
        return closed, event

    closed, event = async_to_sync(run)()
    assert (closed["type"], closed["code"]) == ("websocket.close", heartbeat.RECONNECT)
    assert (event["type"], event["intake"]) == ("queue.changed", Intake.objects.latest("pk").pk)


def test_with_redis_silent_a_concern_is_saved_and_open_screens_are_told(
    private_redis, settings, teacher_a, team_a, student_a
):
    """A Redis that stops answering without refusing (a partition, a stuck server: here
    SIGSTOP) must not hang a teacher's submission, and the heartbeat's unanswered probe
    closes the open screens so they reconnect and re-read once it answers again."""
    settings.QUEUE_HEARTBEAT_SECONDS = 1
    teacher = signed_in(teacher_a)
    pid = private_redis.process.pid
    session_key = session_key_for(team_a)

    async def run():
        communicator = await open_queue_socket(session_key)
        os.kill(pid, signal.SIGSTOP)
        try:
            response = await sync_to_async(submit_concern)(teacher, student_a)
            closed = await communicator.receive_output(timeout=10)
            while closed["type"] != "websocket.close":
                closed = await communicator.receive_output(timeout=10)
        finally:
            os.kill(pid, signal.SIGCONT)
        await communicator.disconnect()
        return response, closed

    response, closed = async_to_sync(run)()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("concerns:mine")
    assert Concern.objects.count() == 1 and Intake.objects.count() == 1
    assert (closed["type"], closed["code"]) == ("websocket.close", heartbeat.RECONNECT)

"""The live queue socket: who may listen, what they hear, and what they never hear.
Each scenario runs in one event loop (a communicator belongs to the loop that made it).
Transactional: the consumer reads the database from another thread, which closes the
connection a wrapping test transaction would need (on PostgreSQL)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from schoolwell.asgi import application
from schoolwell.models import Role
from support_team.services import intake_open
from tests.factories import member
from tests.support_team.sockets import Communicator, queue_socket

SENTINEL = "Mnbvc-sentinel"


def communicator_for(user) -> WebsocketCommunicator:
    """With a real session when the user can have one (see tests/support_team/sockets.py)."""
    return queue_socket(user)


@pytest.mark.django_db(transaction=True)
def test_a_team_member_hears_of_their_school_and_nothing_of_another(
    team_a, school_a, school_b, student_a, student_b, django_capture_on_commit_callbacks
):
    def open_intake(school, student):
        with django_capture_on_commit_callbacks(execute=True):
            return intake_open(
                school=school, student=student, source="staff_note", summary=SENTINEL
            )

    communicator = communicator_for(team_a)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        intake = await database_sync_to_async(open_intake)(school_a, student_a)
        event = await communicator.receive_json_from(timeout=2)
        ids = {key: event[key] for key in ("type", "intake", "version")}
        assert ids == {"type": "queue.changed", "intake": intake.pk, "version": 1}
        # The row comes with it, rendered once for the school: no fetch per screen.
        assert (event["school"], event["student"], event["gone"]) == (school_a.pk, student_a.pk, [])
        [row] = event["rows"]
        assert row["id"] == intake.pk and f'id="intake-{intake.pk}"' in row["html"]
        await database_sync_to_async(open_intake)(school_b, student_b)
        assert await communicator.receive_nothing(0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["anonymous", "teacher", "student", "school_admin", "analyst"])
def test_people_outside_the_team_cannot_connect(role, school_a):
    user = {
        "anonymous": lambda: AnonymousUser(),
        "teacher": lambda: member(Role.TEACHER, school=school_a),
        "student": lambda: member(Role.STUDENT, school=school_a),
        "school_admin": lambda: member(Role.SCHOOL_ADMIN, school=school_a),
        "analyst": lambda: member(Role.DISTRICT_ANALYST, district=school_a.district),
    }[role]()
    communicator = communicator_for(user)

    async def scenario():
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4403)


@pytest.mark.django_db(transaction=True)
def test_a_team_member_without_mfa_cannot_connect(school_a):
    user = member(Role.SUPPORT, school=school_a, discipline="nurse", mfa=False)
    communicator = communicator_for(user)

    async def scenario():
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(scenario)() is False


@pytest.mark.django_db(transaction=True)
def test_a_foreign_origin_is_refused(team_a):
    async def attempt(origin: bytes):
        communicator = Communicator(
            application, "/ws/team/queue/", headers=[(b"origin", origin), (b"host", b"localhost")]
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(attempt)(b"http://evil.example") is False


@pytest.mark.django_db(transaction=True)
def test_what_clients_send_is_ignored(team_a):
    communicator = communicator_for(team_a)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        await communicator.send_json_to({"type": "queue.changed", "group": "school.999.queue"})
        quiet = await communicator.receive_nothing(0.3)
        await communicator.disconnect()
        return quiet

    assert async_to_sync(scenario)() is True

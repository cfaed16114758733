"""Queue sockets follow the session (QUALITY.md 5): signing out, deactivation, a membership
switched off and session expiry close that person's sockets with 4401, and a closed socket
hears nothing published after. Each scenario runs in one event loop; transactional, because
the consumer reads the database from other threads.

The tests marked redis run the same paths on the Redis pub/sub layer (REDIS_URL set)."""

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from schoolwell import realtime
from schoolwell.live_sessions import SIGNED_OUT
from schoolwell.middleware import SIGNED_IN_AT
from schoolwell.models import Membership, Role, User
from tests.support_team.sockets import (
    browser_socket,
    close_code,
    queue_socket,
    session_key_for,
    signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = {"type": "queue.changed", "intake": 1, "version": 2}


@pytest.fixture
def fast_beat(settings):
    """The heartbeat is also when open sockets are re-checked; beat often so a test waits
    fractions of a second, not five."""
    settings.QUEUE_HEARTBEAT_SECONDS = 0.2


async def publish(school) -> None:
    await get_channel_layer().group_send(realtime.queue_group(school.pk), EVENT)


async def next_event(communicator) -> dict:
    """The next event that is not a heartbeat."""
    while (event := await communicator.receive_json_from(timeout=5)) == {"type": "queue.heartbeat"}:
        pass
    return event


async def open_socket(user, session_key: str):
    communicator = queue_socket(user, session_key)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def closed_by(change, user, school, key: str | None = None) -> tuple[int, bool]:
    """Open the person's socket (on session `key`, or a new one), make `change` (sync, as a
    view or the admin would), and return the close code and whether the socket then stayed
    silent through an event."""
    key = key or session_key_for(user)

    async def scenario():
        communicator = await open_socket(user, key)
        try:
            await sync_to_async(change)()
            code = await close_code(communicator)
            await publish(school)
            return code, await communicator.receive_nothing(0.3)
        finally:
            await communicator.disconnect()

    return async_to_sync(scenario)()


# --- through the signals ---------------------------------------------------------------------


def test_signing_out_closes_that_sessions_socket_and_no_other(team_a, school_a):
    browser = signed_in(team_a)
    other_device = session_key_for(team_a)

    async def scenario():
        this = await open_socket(team_a, browser.session.session_key)
        other = await open_socket(team_a, other_device)
        try:
            response = await sync_to_async(browser.post)(reverse("account_logout"))
            assert response.status_code == 302
            code = await close_code(this)
            await publish(school_a)
            silent = await this.receive_nothing(0.3)
            return code, silent, await next_event(other)
        finally:
            await this.disconnect()
            await other.disconnect()

    assert async_to_sync(scenario)() == (SIGNED_OUT, True, EVENT)


def test_deactivating_a_person_closes_their_socket(team_a, school_a):
    def deactivate():
        team_a.is_active = False
        team_a.save()

    assert closed_by(deactivate, team_a, school_a) == (SIGNED_OUT, True)


@pytest.mark.parametrize("how", ["switched off", "deleted", "role changed", "school changed"])
def test_losing_the_membership_closes_the_socket(how, team_a, school_a, school_b):
    membership = Membership.objects.get(user=team_a)

    def change():
        if how == "deleted":
            membership.delete()
            return
        if how == "switched off":
            membership.active = False
        elif how == "role changed":
            membership.role, membership.discipline = Role.TEACHER, ""
        else:
            membership.school = school_b
        membership.save()

    assert closed_by(change, team_a, school_a) == (SIGNED_OUT, True)


def test_a_membership_change_that_keeps_the_queue_leaves_the_socket_open(team_a, school_a):
    """The hint is only a hint: the socket checks again and stays if still allowed."""
    membership = Membership.objects.get(user=team_a)
    key = session_key_for(team_a)

    def change():
        membership.discipline = "counselor"
        membership.save()

    async def scenario():
        communicator = await open_socket(team_a, key)
        try:
            await sync_to_async(change)()
            assert await communicator.receive_nothing(0.5)
            await publish(school_a)
            return await next_event(communicator)
        finally:
            await communicator.disconnect()

    assert async_to_sync(scenario)() == EVENT


def test_changing_the_password_closes_the_sockets_of_other_sessions(team_a, school_a):
    """Django ends the other sessions by their password hash; their sockets end with them."""

    def change_password():
        team_a.set_password("a whole new passphrase")
        team_a.save()

    assert closed_by(change_password, team_a, school_a) == (SIGNED_OUT, True)


# --- what no signal announces: the heartbeat's re-check ----------------------------------------


def expire_idle(key: str) -> None:
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())


def expire_absolute(key: str) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    store[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_LIMIT.total_seconds() - 1
    store.save()


def delete_session(key: str) -> None:
    """Signed out on another node, or by an administrator: the row is simply gone."""
    Session.objects.filter(session_key=key).delete()


@pytest.mark.parametrize(
    "end_session",
    [expire_idle, expire_absolute, delete_session],
    ids=["idle past 30 minutes", "past the 12 hour limit", "deleted in the store"],
)
def test_a_session_that_ends_without_a_signal_closes_its_socket_within_a_beat(
    end_session, fast_beat, team_a, school_a
):
    key = session_key_for(team_a)
    assert closed_by(lambda: end_session(key), team_a, school_a, key) == (SIGNED_OUT, True)


@pytest.mark.parametrize("change", ["membership", "user"])
def test_a_queryset_update_that_skips_the_signals_still_closes_the_socket(
    change, fast_beat, team_a, school_a
):
    def update():
        if change == "membership":
            Membership.objects.filter(user=team_a).update(active=False)
        else:
            User.objects.filter(pk=team_a.pk).update(is_active=False)

    assert closed_by(update, team_a, school_a) == (SIGNED_OUT, True)


def test_an_open_socket_with_a_live_session_is_not_closed_by_the_re_check(
    fast_beat, team_a, school_a
):
    key = session_key_for(team_a)

    async def scenario():
        communicator = await open_socket(team_a, key)
        try:
            for _ in range(3):  # three beats, each with a re-check
                assert await communicator.receive_json_from(timeout=5) == {
                    "type": "queue.heartbeat"
                }
            await publish(school_a)
            return await next_event(communicator)
        finally:
            await communicator.disconnect()

    assert async_to_sync(scenario)() == EVENT


# --- connecting: the session is checked, not only the user ----------------------------------


def test_a_socket_without_a_session_is_refused(team_a):
    communicator = queue_socket(team_a)
    del communicator.scope["session"]

    async def scenario():
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4403)


def test_a_socket_whose_user_is_not_its_sessions_user_is_refused(team_a, team_b):
    communicator = queue_socket(team_a, session_key_for(team_b))

    async def scenario():
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4403)


def test_a_socket_for_a_signed_out_session_is_refused(team_a):
    key = session_key_for(team_a)
    delete_session(key)

    async def scenario():
        communicator = queue_socket(team_a, key)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    assert async_to_sync(scenario)() == (False, 4403)


def opens(session_key: str | None) -> bool:
    """Whether a socket opened through the whole ASGI stack with this session cookie is
    accepted."""

    async def attempt():
        communicator = browser_socket(session_key)
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


def test_a_browser_past_the_absolute_limit_cannot_open_a_socket(team_a):
    """Through the whole stack: the session is valid (it is not idle), and only the absolute
    limit is left to refuse it, as the middleware does over HTTP."""
    live, old = session_key_for(team_a), session_key_for(team_a)
    expire_absolute(old)
    assert opens(live) is True
    assert opens(old) is False


def test_through_the_whole_stack_only_a_team_members_live_session_opens_a_socket(team_a, teacher_a):
    """The socket stack sets no user: the session alone decides. No cookie, a made-up key, a
    signed-out session and a teacher's session are refused; the team member's opens."""
    signed_out = signed_in(team_a)
    gone = signed_out.session.session_key
    signed_out.post(reverse("account_logout"))
    keys = [None, "x" * 32, gone, session_key_for(teacher_a), session_key_for(team_a)]
    assert [opens(key) for key in keys] == [False] * 4 + [True]


# --- on Redis pub/sub ------------------------------------------------------------------------


@pytest.mark.redis
def test_on_redis_signing_out_closes_the_socket(team_a, school_a):
    browser = signed_in(team_a)
    key = browser.session.session_key
    sign_out = lambda: browser.post(reverse("account_logout"))  # noqa: E731
    assert closed_by(sign_out, team_a, school_a, key) == (SIGNED_OUT, True)


@pytest.mark.redis
def test_on_redis_a_membership_switched_off_closes_the_socket(team_a, school_a):
    assert closed_by(
        lambda: Membership.objects.filter(user=team_a).get().delete(), team_a, school_a
    ) == (SIGNED_OUT, True)


@pytest.mark.redis
def test_on_redis_a_deleted_session_closes_the_socket_within_a_beat(fast_beat, team_a, school_a):
    key = session_key_for(team_a)
    assert closed_by(lambda: delete_session(key), team_a, school_a, key) == (SIGNED_OUT, True)

"""Sockets follow the session. A socket is authorised once, at connect, but stays open for
hours; whatever ends the session over HTTP must end the socket too, within seconds:

- signing out (user_logged_out, also sent by the idle/absolute limits in the middleware):
  `sockets.close` to that session's group;
- a person's account or memberships changing (post_save/post_delete of User and
  Membership, whatever path saved them: admin, service, shell): `sockets.recheck` to that
  person's group, and each of their sockets checks again and closes if no longer allowed;
- anything that bypasses those signals (a queryset update, another process, a session
  deleted or expired in the store): the queue heartbeat re-checks every open socket of its
  process each beat (support_team/heartbeat.py).

The receivers only hint, after commit; the decision is always the check below, made from the
database and the session store, never from the event. They are signals because the paths
that end a session are Django's and allauth's, not our services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

from schoolwell import realtime
from schoolwell.middleware import past_absolute_limit
from schoolwell.models import Membership, User

if TYPE_CHECKING:
    from django.http import HttpRequest

# The close code for "no longer signed in, or no longer allowed": the page stops, clears its
# rows and does not reconnect (static/schoolwell/queue.js). 4401: 401 in the app range.
SIGNED_OUT = 4401

Scope = Callable[[User], set[int]]


@dataclass(frozen=True)
class Listener:
    """Who a socket was opened for: the person, their session, and the schools whose events
    it joined, with the rule (from schoolwell.permissions) that granted them."""

    user_id: int
    session_key: str
    school_ids: frozenset[int]
    scope: Scope


def session_user(session_key: str | None) -> User | None:
    """The active person this session is signed in as now, or None: the session is gone
    (signed out, deleted, idle past SESSION_COOKIE_AGE), past SESSION_ABSOLUTE_LIMIT, or its
    password hash no longer matches. Django's get_user() makes the same checks, but may
    flush or rotate the session it reads; this reads only, so the browser's session is left
    to the next HTTP request to end."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        user_id = get_user_model()._meta.pk.to_python(store[SESSION_KEY])
        backend_path = store[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS or past_absolute_limit(store):
        return None
    user = load_backend(backend_path).get_user(user_id)  # None when inactive
    if user is None:
        return None
    session_hash = store.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not session_hash or not any(constant_time_compare(session_hash, h) for h in hashes):
        return None
    return user


def admit(user, session_key: str | None, scope: Scope) -> Listener | None:
    """At connect: the socket is for whom its session is signed in as now, who must be
    allowed some schools by `scope`. The socket stack (schoolwell/handshakes.py) sets no user;
    where something else did (another auth stack, a test), it must be that same person. A
    socket with no session is refused: there would be nothing for it to follow."""
    current = session_user(session_key)
    if current is None or (user is not None and current.pk != getattr(user, "pk", None)):
        return None
    school_ids = frozenset(scope(current))
    if not school_ids:
        return None
    return Listener(current.pk, session_key, school_ids, scope)


def still_allowed(listener: Listener) -> bool:
    """The same session, the same person, and still every school the socket joined. (A
    school gained is heard after the next page load; only a loss closes.)"""
    current = session_user(listener.session_key)
    if current is None or current.pk != listener.user_id:
        return False
    return listener.school_ids <= listener.scope(current)


def refused(listeners: Iterable[Listener]) -> set[Listener]:
    """The listeners that must be closed: each distinct one checked once."""
    return {listener for listener in set(listeners) if not still_allowed(listener)}


# --- hints, after commit ---------------------------------------------------------------------


@receiver(user_logged_out, dispatch_uid="live_sessions_signed_out")
def _signed_out(sender, request: HttpRequest | None = None, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        realtime.broadcast_on_commit(realtime.session_group(session_key), realtime.SOCKETS_CLOSE)


# Saves that cannot change who may listen: signing in stamps last_login.
_IRRELEVANT_USER_FIELDS = frozenset({"last_login"})


@receiver(post_save, sender=User, dispatch_uid="live_sessions_user_saved")
def _user_saved(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= _IRRELEVANT_USER_FIELDS):
        return
    event = realtime.SOCKETS_RECHECK if instance.is_active else realtime.SOCKETS_CLOSE
    realtime.broadcast_on_commit(realtime.user_group(instance.pk), event)


@receiver(post_save, sender=Membership, dispatch_uid="live_sessions_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="live_sessions_membership_deleted")
def _membership_changed(sender, instance: Membership, raw: bool = False, **kwargs) -> None:
    if not raw:
        group = realtime.user_group(instance.user_id)
        realtime.broadcast_on_commit(group, realtime.SOCKETS_RECHECK)

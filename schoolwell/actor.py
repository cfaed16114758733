"""Who is asking. An Actor is built once per request (schoolwell.middleware.actor) from the
signed-in user: their active memberships, and from those their roles, schools, disciplines
and note levels. Every scoped queryset (`Model.objects.visible_to(actor)`) and every
predicate in schoolwell.permissions reads it, so a request reads memberships once.

Consumers, tasks and commands hold a user, not a request: `Actor.of(user)` gives the same
Actor (cached on the user object for as long as that object lives)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Union

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from schoolwell.models import Membership, School

if TYPE_CHECKING:
    from schoolwell.models import User

CACHE_ATTRIBUTE = "_schoolwell_actor"


@dataclass(eq=False)
class Actor:
    user: User | AnonymousUser
    memberships: tuple[Membership, ...]
    _school_ids: dict[frozenset[str], frozenset[int]] = field(default_factory=dict, repr=False)
    # Facts an app reads once per request about this actor (a partner's organisations).
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, user: User | AnonymousUser | None) -> Actor:
        """The Actor for this user object, built on first use and kept on the object."""
        if user is None:
            return cls(AnonymousUser(), ())
        cached = getattr(user, CACHE_ATTRIBUTE, None)
        if cached is None:
            cached = cls(user, _active_memberships(user))
            setattr(user, CACHE_ATTRIBUTE, cached)
        return cached

    @property
    def pk(self) -> int | None:
        return self.user.pk

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False)) and self.user.is_active

    @property
    def is_superuser(self) -> bool:
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def has_role(self, allowed: Iterable[str]) -> bool:
        return bool(self.roles & set(allowed))

    def school_ids(self, allowed: Iterable[str]) -> frozenset[int]:
        """Schools where the actor holds one of the allowed roles; a district role covers
        every school of its district (read once per set of roles)."""
        key = frozenset(allowed)
        if key not in self._school_ids:
            self._school_ids[key] = self._schools_with(key)
        return self._school_ids[key]

    def _schools_with(self, allowed: frozenset[str]) -> frozenset[int]:
        ids = {m.school_id for m in self.memberships if m.role in allowed and m.school_id}
        districts = {
            m.district_id
            for m in self.memberships
            if m.role in allowed and not m.school_id and m.district_id
        }
        if districts:
            ids |= set(
                School.objects.filter(district_id__in=districts).values_list("id", flat=True)
            )
        return frozenset(ids)

    def district_ids(self, role: str) -> frozenset[int]:
        return frozenset(
            m.district_id for m in self.memberships if m.role == role and m.district_id
        )

    def disciplines_at(self, school_id: int) -> frozenset[str]:
        return frozenset(
            m.discipline for m in self.memberships if m.school_id == school_id and m.discipline
        )


def _active_memberships(user: User | AnonymousUser) -> tuple[Membership, ...]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    return tuple(
        Membership.objects.filter(user=user, active=True).select_related("school", "district")
    )


Who = Union["User", AnonymousUser, Actor]


def as_actor(who: Who) -> Actor:
    """Predicates take the Actor; a caller holding only a user (a consumer, a command, a
    test) passes the user and gets its cached Actor."""
    return who if isinstance(who, Actor) else Actor.of(who)


class ActorRequest(HttpRequest):
    """A request that has passed schoolwell.middleware.actor (the type views annotate)."""

    actor: Actor


__all__ = ["Actor", "ActorRequest", "Who", "as_actor"]

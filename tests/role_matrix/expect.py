"""The vocabulary of the write matrix (tests/role_matrix/writes.py): a route's expectation
per role, and how its foreign and mixed cases are derived."""

from collections.abc import Callable
from typing import NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.role_matrix.roles import LOGIN, ROLES

WRITES = "writes"
NO_FOREIGN = "no school object"
SL = {"safeguarding_lead"}


class Expected(dict):
    """role -> outcome, and the roles that reach the page (`page`)."""

    def __init__(self, outcomes: dict, page: set[str]):
        super().__init__(outcomes)
        self.page = frozenset(page)


class Write(NamedTuple):
    url: Callable
    expected: Expected
    changes: str | None  # the snapshot key ("model" of the apps, "app.model" of Wagtail)
    body: Callable = lambda c: {}
    prepare: Callable | None = None
    foreign: dict | str | None = None
    mixed: dict | None = None
    reauth: bool = False  # the view asks for a fresh sign-in: the test gives one
    files: Callable | None = None
    wrote: Callable | None = None  # a write outside the database (the cache)


def expect(page: set[str], writes: set[str] | None = None, *, refused=302) -> Expected:
    """`page`: the roles that reach the route (the rest: 403, anonymous: the sign-in page);
    of those, `writes` write (default: all) and the others are refused by the object's rule."""
    writes = page if writes is None else writes
    outcomes = {}
    for role in ROLES:
        if role in writes:
            outcomes[role] = WRITES
        elif role in page:
            outcomes[role] = refused
        else:
            outcomes[role] = LOGIN if role == "anonymous" else 403
    return Expected(outcomes, page)


def foreign_expected(spec: Write) -> dict:
    derived = {
        role: 404 if role in spec.expected.page else outcome
        for role, outcome in spec.expected.items()
    }
    return derived | (spec.foreign or {})


def mixed_expected(spec: Write) -> dict:
    return dict(spec.expected) | spec.mixed


def refused(status: int, roles: set[str]) -> dict:
    return dict.fromkeys(roles, status)


def url(name: str, first: str, *more: str) -> Callable:
    """reverse(name) with the ids of these objects: the first of the URL's school (`c.w`), any
    further ones (a goal of the case, the member to remove) of the body's school (`c.b`), so
    the mixed case puts another school's goal under this school's case."""

    def build(c) -> str:
        return reverse(name, args=[getattr(c.w, first).pk, *(getattr(c.b, p).pk for p in more)])

    return build


def today() -> str:
    return timezone.localdate().isoformat()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)

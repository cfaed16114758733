"""The shared machinery of the form fuzzers: malformed values, a post body a broken client
could send, a snapshot of every row a form could write, and the property itself.

Each example runs inside a savepoint that is rolled back afterwards, so every example starts
from the same world and "nothing changed" compares against the state just before it."""

import datetime
import functools
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.contrib.messages.constants import WARNING
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests import snapshots
from tests.snapshots import OUR_APPS, changed, tables

MISSING = object()  # the field is left out of the post
FORM = "application/x-www-form-urlencoded"
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any code point, NUL and lone surrogates included.
ODD_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
ODD_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "None",
    "null",
    "[]",
    "{}",
    "true",
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    str(2**31),
    "0x10",
    "1.5",
    "' OR 1=1 --",
    "<script>x</script>",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "2026-02-30",
    "31/12/2025",
    "2025-13-01",
    "x" * 70_000,
    "\u202e" * 300,
]
GARBAGE = st.one_of(
    ODD_TEXT,
    st.sampled_from(ODD_VALUES),
    st.integers().map(str),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
    st.text(min_size=1, max_size=3).map(lambda s: s * 5000),
)
TODAY = datetime.date.today()
NEAR_DATES = st.dates(TODAY - datetime.timedelta(days=400), TODAY + datetime.timedelta(days=400))


class Field(NamedTuple):
    """How one field is posted when left alone (`good`) and when broken (`bad`)."""

    good: st.SearchStrategy
    bad: st.SearchStrategy


def broken(one: st.SearchStrategy) -> st.SearchStrategy:
    """Left out, garbage, or several values under the same key (a duplicated field)."""
    return st.one_of(st.just(MISSING), one, st.lists(one, min_size=2, max_size=3))


def values(good=()) -> Field:
    """A field whose plausible values are `good` (ids, choices); with none, any text."""
    good = [str(g) for g in good]
    plausible = st.sampled_from(good) if good else st.text(max_size=20)
    return Field(plausible, broken(st.one_of(plausible, GARBAGE)))


@st.composite
def pairs(draw, fields: dict[str, Field]) -> list[tuple[str, str]]:
    """A body of (name, value) pairs: up to three fields broken, the rest plausible, and
    sometimes a field nobody asked for."""
    names = sorted(fields)
    spoilt = draw(st.sets(st.sampled_from(names), max_size=min(3, len(names))))
    body = []
    for name in names:
        value = draw(fields[name].bad if name in spoilt else fields[name].good)
        if value is MISSING:
            continue
        for one in value if isinstance(value, list) else [value]:
            body.append((name, one))
    if draw(st.booleans()):
        body.append((draw(st.text(max_size=10)), draw(GARBAGE)))
    return draw(st.permutations(body))


def encoded(body) -> str:
    """URL-encoded by hand: lone surrogates travel as invalid UTF-8, as from a broken client."""
    return urlencode(body, encoding="utf-8", errors="surrogatepass")


# Rows a read writes by design (the access log, who is looking), and tables no form writes.
NOT_WRITES = {"accesslog", "historicalaccesslog", "statusseen", "trendsrollup"}


def snapshot(also: tuple[str, ...] = ()) -> dict:
    """Every row (every field) of every table a staff form could write, history and link
    tables included; `also` adds other apps' tables (e.g. wagtailcore, where a partner's
    proposal is kept as a draft revision), named "label.model"."""
    return snapshots.snapshot(_written(also))


@functools.cache
def _written(also: tuple[str, ...]) -> dict[str, str]:
    return {key: table for key, table in tables(OUR_APPS, also).items() if key not in NOT_WRITES}


def refused(response) -> bool:
    """Not a redirect, or a redirect carrying an error or a warning (said by this request:
    the storage also holds what earlier, never-followed redirects left in the cookie)."""
    if response.status_code != 302:
        return True
    said = get_messages(response.wsgi_request)._queued_messages
    return any(m.level >= WARNING for m in said)


class _Undo(Exception):
    pass


def multipart(body, files: dict) -> dict:
    """The same pairs as a multipart body with files (the test client's encoder needs valid
    text, so lone surrogates become U+FFFD, as a browser would send them)."""

    def valid(text: str) -> str:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")

    data: dict[str, list] = {}
    for name, value in body:
        data.setdefault(valid(name), []).append(valid(value))
    return {**data, **files}


def exercise(
    client,
    method: str,
    url: str,
    body,
    foreign=None,
    files=None,
    *,
    judge=refused,
    also: tuple[str, ...] = (),
    recorded: tuple[str, ...] = (),
) -> tuple[int, bool]:
    """Send one example; assert no server error and, when refused, no write; `foreign()` (the
    other school's rows) must not change even when accepted. Everything the example wrote is
    rolled back afterwards. Returns (status, refused).

    `judge(response)` says whether the example was refused (an import that ran and failed
    answers with a redirect, not an error; it may assert more); `also` adds apps to the
    snapshot; `recorded` names the tables a refusal writes on purpose (an import's own
    record of why it was refused)."""
    cache.clear()  # rate limits must not turn later examples into 429s
    client.cookies.pop("messages", None)
    outcome = {}
    try:
        with transaction.atomic():
            before = snapshot(also)
            theirs = foreign() if foreign else None
            if method == "GET":
                response = client.get(f"{url}?{encoded(body)}")
            elif files is not None:
                response = client.post(url, multipart(body, files))
            else:
                response = client.post(url, encoded(body), content_type=FORM)
            assert response.status_code < 500, (response.status_code, body)
            outcome["status"] = response.status_code
            outcome["refused"] = judge(response)
            if outcome["refused"]:
                after = snapshot(also)
                wrote = [name for name in changed(before, after) if name not in recorded]
                assert not wrote, f"refused ({response.status_code}) but wrote {wrote}"
            if foreign:
                assert foreign() == theirs, "another school's rows changed"
            raise _Undo
    except _Undo:
        pass
    return outcome["status"], outcome["refused"]

"""The partner's side: the proposal form for their own directory entry (a signed-in partner
with MFA) and the signed link a partner without an account opens for one referral, fed
hypothesis-made malformed input (and, for the link, spoilt and forged tokens). Never a server
error; a refused post writes nothing, not even a draft revision; a proposal never changes
the live entry; another school's referral and resource never change."""

from collections import Counter
from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from community_links.models import Referral, Resource
from community_links.services.directory import PARTNER_FIELDS, resource_propose_change
from community_links.services.referrals import LINK_SALT, referral_link_token
from tests.fuzz.engine import BOUNDED, GARBAGE, exercise, pairs, refused, values
from tests.fuzz.world import school_world

TEXT = values(["Open Saturdays 9-12", "", "ñ 😞", "Free; bring ID"])
PROPOSAL = {
    "description": TEXT,
    "application_process": TEXT,
    "fees_description": TEXT,
    "eligibility_description": TEXT,
    "language_codes": values([",en,es,", "en, es", "es", ""]),
    "url": values(["https://pantry.example/hours", "pantry.example", "", "javascript:alert(1)"]),
    "email": values(["help@pantry.example", "", "help@", "a@b"]),
}
STATUS = {
    "status": values(Referral.Status.values),
    "note": TEXT,
}


def live(resource: Resource) -> list:
    return list(Resource.objects.filter(pk=resource.pk).values(*PARTNER_FIELDS))


def resource_rows(resource: Resource):
    """The resource's row and its revisions: must not change."""

    def rows():
        fresh = Resource.objects.get(pk=resource.pk)
        return [live(fresh), list(fresh.revisions.order_by("pk").values())]

    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ["live", "with a draft waiting"])
def test_no_malformed_resource_proposal_is_a_server_error_or_a_partial_write(
    client, school_a, school_b, entry
):
    w, other = school_world(school_a), school_world(school_b)
    if entry != "live":
        changes = {"description": "Now open Sundays"}
        resource_propose_change(resource=w.resource, by=w.partner, changes=changes)
    client.force_login(w.partner)
    published = live(w.resource)
    seen = Counter()

    def judge(response):
        # A proposal is a draft: the live entry (what staff search) stays as it was.
        assert live(w.resource) == published, "a proposal changed the live entry"
        return refused(response)

    @BOUNDED
    @given(pairs(PROPOSAL), st.sampled_from(["ours", "ours", "ours", "theirs"]))
    def post(body, whose):
        target = w.resource if whose == "ours" else other.resource
        url = reverse("partners:resource_edit", args=[target.pk])
        status, was_refused = exercise(
            client,
            "POST",
            url,
            body,
            resource_rows(other.resource),
            judge=judge,
            also=("wagtailcore",),
        )
        assert status in (302, 400) if whose == "ours" else status == 404
        seen[(whose, status)] += 1

    post()
    print(f"\nresource proposal ({entry}): {dict(seen)}")
    assert seen.total() >= 10


@st.composite
def spoilt(draw, token: str) -> str:
    """The real token with one edit: a character changed, cut short, lengthened, re-cased."""
    at = draw(st.integers(0, len(token) - 1))
    kind = draw(st.sampled_from(["change", "cut", "grow", "case", "swap parts"]))
    if kind == "change":
        return token[:at] + draw(st.characters(codec="ascii")) + token[at + 1 :]
    if kind == "cut":
        return token[:at]
    if kind == "grow":
        return token + draw(st.text(min_size=1, max_size=5))
    if kind == "case":
        return token.swapcase()
    return ":".join(reversed(token.split(":")))


JSONISH = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
# Signed with the link's own salt, so they pass the signature: a link made by another
# version of the code, or another use of the salt, must still be a 404, never a 500.
ODD_PAYLOADS = st.one_of(
    st.fixed_dictionaries({"r": JSONISH, "n": JSONISH}),
    st.dictionaries(st.sampled_from(["r", "n", "x"]), JSONISH, max_size=3),
    JSONISH,
).map(lambda payload: signing.dumps(payload, salt=LINK_SALT))


def link_url(token: str) -> str:
    prefix = reverse("partners:link", args=["x"])[: -len("x/")]
    return prefix + quote(token, safe="", errors="surrogatepass") + "/"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_malformed_link_or_post_through_the_link_is_a_server_error_or_a_partial_write(
    client, school_a, school_b, method
):
    w, other = school_world(school_a), school_world(school_b)
    good = referral_link_token(w.referral)
    tokens = st.one_of(
        st.tuples(st.just("good"), st.just(good)),
        st.tuples(st.just("good"), st.just(good)),
        st.tuples(st.just("spoilt"), spoilt(good)),
        st.tuples(st.just("garbage"), GARBAGE),
        st.tuples(st.just("forged"), st.just(signing.dumps({"r": w.referral.pk, "n": 0}))),
        st.tuples(st.just("signed"), ODD_PAYLOADS),
    )

    def theirs():
        return list(Referral.objects.filter(pk=other.referral.pk).values()) + list(
            other.referral.updates.values()
        )

    seen = Counter()

    @BOUNDED
    @given(tokens, pairs(STATUS))
    def send(kind_token, body):
        kind, token = kind_token
        status, _refused = exercise(client, method, link_url(token), body, theirs)
        if kind in ("spoilt", "garbage", "forged") and token != good:
            assert status == 404, f"a {kind} link answered {status}"
        seen[(kind, status)] += 1

    send()
    print(f"\nlink ({method}): {dict(seen)}")
    assert seen.total() >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload", [None, [1, 0], "1", {"r": "abc", "n": 0}, {"r": [1], "n": 0}, {"r": 1}, {}]
)
def test_a_link_signed_with_an_odd_payload_is_not_found_rather_than_a_server_error(
    client, school_a, payload
):
    """Found by the fuzzer: a token that passes the signature but is not shaped as the link
    makes it (not a dict, or an id that is not a number) was a 500."""
    w = school_world(school_a, with_partner=False)
    token = signing.dumps(payload, salt=LINK_SALT)
    assert client.get(link_url(token)).status_code == 404
    assert client.post(link_url(token), {"status": "accepted"}).status_code == 404
    assert Referral.objects.get(pk=w.referral.pk).status == w.referral.status

"""Malformed files never get past the envelope with anything but a sentence; the list page
costs the same number of queries for one packet or many."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from support_team.transfers import envelope, keys, schema
from support_team.transfers.services import packet_approve, packet_draft
from tests.factories import enrolled_student

SIGNER = Ed25519PrivateKey.generate()
RECIPIENT = X25519PrivateKey.generate()


def open_all_the_way(data: bytes) -> bytes:
    env = envelope.parse(data)
    envelope.sender_of(env)
    envelope.verify(env, SIGNER.public_key())
    return envelope.decrypt(env, private_key=RECIPIENT, passphrase="x")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=600), st.binary(max_size=600).map(envelope.MAGIC.__add__)))
def test_random_bytes_are_refused_with_an_envelope_error(data):
    with pytest.raises(envelope.EnvelopeError):
        open_all_the_way(data)


GOOD = envelope.seal(
    payload=b'{"packet": {}}',
    kind=envelope.KIND_PACKET,
    packet_schema=schema.SCHEMA_ID,
    sender={"district_id": "a", "district_name": "A"},
    signing_key=SIGNER,
    recipient_public=keys.b64(keys.raw_public(RECIPIENT.public_key())),
)


def test_the_untouched_file_opens():
    assert open_all_the_way(GOOD) == b'{"packet": {}}'


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(GOOD) - 1),
    st.integers(min_value=1, max_value=255),
    st.booleans(),
)
def test_any_changed_or_truncated_file_is_refused(index, flip, truncate):
    data = (
        GOOD[:index] if truncate else GOOD[:index] + bytes([GOOD[index] ^ flip]) + GOOD[index + 1 :]
    )
    with pytest.raises(envelope.EnvelopeError):
        open_all_the_way(data)


def _packets(sender, n):
    for _ in range(n):
        student = enrolled_student(sender["school"])
        packet = packet_draft(student=student, school=sender["school"], by=sender["team"])
        packet_approve(packet=packet, by=sender["lead"], note_level="")


def test_the_list_costs_the_same_queries_for_one_packet_or_many(
    client, sender, django_assert_num_queries
):
    client.force_login(sender["team"])
    _packets(sender, 1)
    client.get(reverse("transfers:list"))  # warm the session and the cached memberships
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("transfers:list"))
    _packets(sender, 5)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse("transfers:list")).status_code == 200

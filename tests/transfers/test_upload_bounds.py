"""A transfer file from another district is bounded before it is believed: its size, the
number of values and the nesting of the JSON it carries, the number of entries in each list,
the passphrase settings it asks for, and a receipt's contents. A genuine (signed, encrypted)
file past a bound is refused with a sentence, costs a few tens of MB to refuse, and writes
nothing. (The contents are not compressed: there is no decompressor to bomb; the plaintext
is never larger than the 20 MB file.)"""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from support_team.transfers import envelope, exchange, keys, schema
from tests.crafted_files import MB, traced_peak
from tests.transfers.test_exchange import (
    exported,  # noqa: F401 (a fixture)
    import_b,
    nothing_imported,
)

pytestmark = pytest.mark.django_db


def sealed_by_a(two_districts, payload: bytes, **options) -> bytes:
    """A file district A really signed and encrypted for district B."""
    district_a = two_districts["peer_a_at_b"]
    recipient = {} if options else {"recipient_public": two_districts["pair_b"].encryption_public}
    return envelope.seal(
        payload=payload,
        kind=envelope.KIND_PACKET,
        packet_schema=schema.SCHEMA_ID,
        sender={"district_id": district_a.identifier, "district_name": district_a.name},
        signing_key=keys.signing_key(two_districts["pair_a"]),
        **recipient,
        **options,
    )


def packet_payload(document) -> bytes:
    return json.dumps({"packet": document, "pdf": base64.b64encode(b"%PDF").decode()}).encode()


def refused_import(two_districts, data: bytes, match: str, *, under_mb: int) -> None:
    outcome, peak = traced_peak(lambda: import_b(two_districts, data))
    assert isinstance(outcome, exchange.ImportRefused), outcome
    assert match in str(outcome)
    assert peak < under_mb * MB, f"refusing took {peak / MB:.0f} MB"
    assert nothing_imported()


def test_a_genuine_file_of_seven_million_empty_objects_is_refused_before_json_builds_them(
    two_districts,
):
    """20 MB of {} is 500 MB once json.loads has built it. Refusing it holds a few copies
    of the 20 MB file (the signed bytes, the plaintext, the count without strings)."""
    bomb = b'{"packet": [' + b"{}," * 6_900_000 + b'{}], "pdf": ""}'
    data = sealed_by_a(two_districts, bomb)
    assert len(data) < 20 * MB

    refused_import(two_districts, data, "more entries than a transfer packet can", under_mb=100)


def test_commas_and_brackets_inside_note_text_do_not_count_as_entries(
    two_districts,
    exported,  # noqa: F811
):
    """The count is made again without the strings before a file is refused."""
    document = exported["packet"].content
    document["notes"] = [{**document["notes"][0], "body": ",[" * 10_000}] * 60
    payload = packet_payload(document)
    assert payload.count(b",") > envelope.MAX_JSON_VALUES
    assert payload.count(b"[") > envelope.MAX_JSON_CONTAINERS

    held = import_b(two_districts, sealed_by_a(two_districts, payload))
    assert held.content["notes"] == document["notes"]


def test_nesting_deeper_than_a_packet_is_refused(two_districts):
    data = sealed_by_a(two_districts, b'{"packet": ' + b"[" * 500 + b"]" * 500 + b', "pdf": ""}')
    refused_import(two_districts, data, "nested deeper than a transfer packet", under_mb=10)


def test_nesting_past_the_recursion_limit_is_a_sentence_not_a_server_error(two_districts):
    deep = b'{"packet": ' + b"[" * 20_000 + b"]" * 20_000 + b', "pdf": ""}'
    refused_import(two_districts, sealed_by_a(two_districts, deep), "cannot be read", under_mb=10)


def test_more_notes_than_the_schema_allows_are_refused_before_each_is_validated(
    two_districts,
    exported,  # noqa: F811
):
    document = exported["packet"].content
    document["notes"] = [document["notes"][0]] * 1001
    data = sealed_by_a(two_districts, packet_payload(document))

    refused_import(two_districts, data, "notes: more than 1000 entries", under_mb=30)


def test_every_list_of_the_packet_schema_has_a_bound():
    def lists(node, path=""):
        if isinstance(node, dict):
            if node.get("type") == "array":
                yield path, node.get("maxItems")
            for key, value in node.items():
                yield from lists(value, f"{path}/{key}")

    unbounded = [path for path, limit in lists(schema.schema()) if limit is None]
    assert unbounded == []


def test_a_file_over_20_mb_is_refused_by_the_importer_too(two_districts):
    """The command reads a file of any size from disk: the envelope refuses it unread."""
    data = envelope.MAGIC + b"\0" * envelope.MAX_FILE_BYTES
    refused_import(two_districts, data, "larger than 20 MB", under_mb=2)


def test_passphrase_settings_that_would_take_gigabytes_are_refused_before_scrypt_runs(
    two_districts, monkeypatch
):
    derived = []
    monkeypatch.setattr(envelope, "SCRYPT", {"n": 2**20, "r": 16, "p": 4})  # 2 GB of memory
    monkeypatch.setattr(envelope, "_scrypt", lambda *a: derived.append(a[2]) or b"k" * 32)
    data = sealed_by_a(
        two_districts,
        packet_payload({}),
        passphrase="one two three",
        expires_at=timezone.now() + timedelta(days=1),
    )
    derived.clear()  # sealing it "derived" with the fake

    with pytest.raises(exchange.ImportRefused, match="passphrase settings we do not accept"):
        import_b(two_districts, data, passphrase="one two three")
    assert derived == [] and nothing_imported()


def test_a_receipt_that_is_not_an_object_is_refused_with_a_sentence(sender, two_districts):
    district_b = two_districts["peer_b_at_a"]
    for body in (b"[]", b'"receipt"', b"[" * 5000 + b"]" * 5000, b" " * (70 * 1024) + b"{}"):
        data = envelope.seal(
            payload=body,
            kind=envelope.KIND_ACKNOWLEDGEMENT,
            packet_schema=schema.SCHEMA_ID,
            sender={"district_id": district_b.identifier, "district_name": district_b.name},
            signing_key=keys.signing_key(two_districts["pair_b"]),
        )
        with pytest.raises(exchange.ImportRefused):
            exchange.acknowledgement_import(data=data, by=sender["team"])

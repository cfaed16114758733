"""Between districts: the sealed file, what a tampered one gets, and the round trip."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from schoolwell.models import Disclosure, Enrollment
from support_team.models import Intake
from support_team.transfers import envelope, exchange, keys, schema
from support_team.transfers.models import PeerDistrict, TransferPacket
from support_team.transfers.services import packet_approve, packet_draft, packet_include_notes
from tests.factories import StudentFactory


def approved_packet(sender, record, level="health"):
    packet = packet_draft(student=record["student"], school=sender["school"], by=sender["team"])
    packet_include_notes(packet=packet, by=sender["lead"], notes=record["notes"].values())
    return packet_approve(packet=packet, by=sender["lead"], note_level=level, leave_out_above=True)


def receiving_student(school, record):
    """The same child, as district B's roster knows them."""
    s = record["student"]
    student = StudentFactory(
        district=school.district,
        legal_first_name=s.legal_first_name,
        legal_last_name=s.legal_last_name,
        date_of_birth=s.date_of_birth,
    )
    Enrollment.objects.create(student=student, school=school)
    return student


def nothing_imported():
    return (
        not TransferPacket.objects.filter(direction=TransferPacket.Direction.INCOMING).exists()
        and not Intake.objects.filter(source=Intake.Source.TRANSFER).exists()
    )


@pytest.fixture
def exported(sender, record, two_districts):
    packet = approved_packet(sender, record)
    data, passphrase = exchange.packet_export(
        packet=packet, by=sender["team"], peer=two_districts["peer_b_at_a"]
    )
    receiving_student(two_districts["school_b"], record)
    return {"packet": packet, "data": data, "passphrase": passphrase}


def import_b(two_districts, data, passphrase=""):
    return exchange.packet_import(
        data=data,
        school=two_districts["school_b"],
        by=two_districts["team_b"],
        passphrase=passphrase,
    )


def test_round_trip_between_two_districts_keeps_every_approved_field(
    sender, record, two_districts, exported
):
    assert exported["passphrase"] == ""  # district B gave us its key
    held = import_b(two_districts, exported["data"])
    assert held.status == TransferPacket.Status.HELD
    assert held.content == json.loads(json.dumps(exported["packet"].content))
    student_b = exchange.matching_students(two_districts["school_b"], held.content).get()
    packet = exchange.packet_import_confirm(
        packet=held, by=two_districts["team_b"], student=student_b
    )
    assert packet.delivered_at is not None
    intake = Intake.objects.get(source=Intake.Source.TRANSFER, source_id=str(packet.pk))
    assert intake.school == two_districts["school_b"] and intake.student == student_b
    notes = {n["level"] for n in packet.content["notes"]}
    assert notes == {"team", "health"}


def test_the_export_records_the_disclosure_and_keeps_the_file(sender, exported):
    exported["packet"].refresh_from_db()
    disclosure = Disclosure.objects.get(student=exported["packet"].student)
    assert disclosure.recipient == exported["packet"].peer.name
    assert "notes: 2" in disclosure.contents
    assert bytes(exported["packet"].export_file) == exported["data"]


def test_the_file_carries_the_pdf_and_leaks_nothing_in_clear(exported):
    assert b"SENTINEL" not in exported["data"]
    student = exported["packet"].student
    for clear in (student.legal_last_name, student.sis_id, "Worked well"):
        assert clear.encode() not in exported["data"]


@pytest.mark.parametrize("position", ["magic", "length", "header", "signature", "body", "last"])
def test_one_changed_byte_anywhere_is_rejected_and_nothing_imported(
    two_districts, exported, position
):
    data = bytearray(exported["data"])
    header_at = len(envelope.MAGIC) + 4
    index = {
        "magic": 3,
        "length": len(envelope.MAGIC) + 3,
        "header": header_at + 20,
        "signature": data.index(b"}", header_at) + 10,
        "body": len(data) // 2,
        "last": len(data) - 1,
    }[position]
    data[index] ^= 0x01
    with pytest.raises(exchange.ImportRefused) as refused:
        import_b(two_districts, bytes(data))
    assert str(refused.value)  # a sentence, not a traceback
    assert nothing_imported()


def test_every_single_byte_flip_in_a_small_file_is_rejected(two_districts):
    pair_a = two_districts["pair_a"]
    data = envelope.seal(
        payload=b'{"x": 1}',
        kind=envelope.KIND_PACKET,
        packet_schema=schema.SCHEMA_ID,
        sender={"district_id": "a", "district_name": "A"},
        signing_key=keys.signing_key(pair_a),
        recipient_public=two_districts["pair_b"].encryption_public,
    )
    public = keys.ed25519_public(pair_a.signing_public)
    for i in range(len(data)):
        broken = bytearray(data)
        broken[i] ^= 0x80
        with pytest.raises(envelope.EnvelopeError):
            env = envelope.parse(bytes(broken))
            envelope.verify(env, public)
            envelope.decrypt(env, private_key=keys.encryption_key(two_districts["pair_b"]))


def test_a_file_sealed_for_another_key_is_rejected(sender, record, two_districts):
    other = keys.keypair_create(district=two_districts["school_b"].district)  # B rotates
    assert other.pk != two_districts["pair_b"].pk
    packet = approved_packet(sender, record)
    data, _ = exchange.packet_export(
        packet=packet, by=sender["team"], peer=two_districts["peer_b_at_a"]
    )
    receiving_student(two_districts["school_b"], record)
    with pytest.raises(exchange.ImportRefused, match="encrypted for another key"):
        import_b(two_districts, data)
    assert nothing_imported()


def test_a_file_signed_by_a_key_we_do_not_trust_is_rejected(sender, record, two_districts):
    # District A's key on file at B is replaced by a stranger's.
    stranger = keys.keypair_create(district=StudentFactory().district)
    PeerDistrict.objects.filter(pk=two_districts["peer_a_at_b"].pk).update(
        signing_public=stranger.signing_public
    )
    packet = approved_packet(sender, record)
    data, _ = exchange.packet_export(
        packet=packet, by=sender["team"], peer=two_districts["peer_b_at_a"]
    )
    with pytest.raises(exchange.ImportRefused, match="not the one on file"):
        import_b(two_districts, data)
    assert nothing_imported()


def test_a_sender_we_do_not_know_is_rejected(sender, record, two_districts):
    PeerDistrict.objects.filter(pk=two_districts["peer_a_at_b"].pk).delete()
    packet = approved_packet(sender, record)
    data, _ = exchange.packet_export(
        packet=packet, by=sender["team"], peer=two_districts["peer_b_at_a"]
    )
    with pytest.raises(exchange.ImportRefused, match="does not know"):
        import_b(two_districts, data)
    assert nothing_imported()


@pytest.fixture
def passphrase_export(sender, record, two_districts):
    peer = two_districts["peer_b_at_a"]
    peer.encryption_public = ""
    peer.save()
    packet = approved_packet(sender, record)
    # The lead, who reads every note the packet carries: whoever exports learns the passphrase.
    data, passphrase = exchange.packet_export(packet=packet, by=sender["lead"], peer=peer)
    receiving_student(two_districts["school_b"], record)
    return data, passphrase


def test_the_passphrase_mode_round_trips_with_the_passphrase(two_districts, passphrase_export):
    data, passphrase = passphrase_export
    assert len(passphrase) == 29
    assert import_b(two_districts, data, passphrase).status == TransferPacket.Status.HELD


def test_a_wrong_passphrase_is_rejected(two_districts, passphrase_export):
    data, _ = passphrase_export
    with pytest.raises(exchange.ImportRefused, match="passphrase is wrong"):
        import_b(two_districts, data, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    assert nothing_imported()


def test_an_expired_passphrase_is_rejected(two_districts, passphrase_export, monkeypatch):
    data, passphrase = passphrase_export
    later = timezone.now() + timedelta(days=exchange.PASSPHRASE_DAYS, minutes=1)
    monkeypatch.setattr(envelope.timezone, "now", lambda: later)
    with pytest.raises(exchange.ImportRefused, match="expired"):
        import_b(two_districts, data, passphrase)
    assert nothing_imported()


def test_the_expiry_cannot_be_extended_without_breaking_the_signature(
    two_districts, passphrase_export
):
    data, passphrase = passphrase_export
    env = envelope.parse(data)
    old = env.header["recipient"]["expires_at"]
    forged = data.replace(old.encode(), old.replace(old[:4], str(int(old[:4]) + 1)).encode())
    with pytest.raises(exchange.ImportRefused, match="signature does not match"):
        import_b(two_districts, forged, passphrase)


def _seal_as_a(two_districts, document, packet_schema=schema.SCHEMA_ID):
    district_a = two_districts["peer_a_at_b"]
    payload = json.dumps({"packet": document, "pdf": base64.b64encode(b"%PDF").decode()})
    return envelope.seal(
        payload=payload.encode(),
        kind=envelope.KIND_PACKET,
        packet_schema=packet_schema,
        sender={"district_id": district_a.identifier, "district_name": district_a.name},
        signing_key=keys.signing_key(two_districts["pair_a"]),
        recipient_public=two_districts["pair_b"].encryption_public,
    )


def test_a_packet_of_another_schema_version_is_rejected(sender, record, two_districts, exported):
    doc = {**exported["packet"].content, "schema": "schoolwell.transfer-packet/2"}
    for data in (
        _seal_as_a(two_districts, doc),
        _seal_as_a(two_districts, exported["packet"].content, "schoolwell.transfer-packet/2"),
    ):
        with pytest.raises(exchange.ImportRefused, match="transfer-packet/2"):
            import_b(two_districts, data)
    assert nothing_imported()


def test_a_genuine_file_whose_contents_break_the_schema_is_rejected(two_districts, exported):
    doc = {**exported["packet"].content, "student": {"legal_first_name": ""}}
    with pytest.raises(exchange.ImportRefused, match="schema"):
        import_b(two_districts, _seal_as_a(two_districts, doc))
    assert nothing_imported()


def test_a_packet_is_imported_once(two_districts, exported):
    import_b(two_districts, exported["data"])
    with pytest.raises(exchange.ImportRefused, match="already"):
        import_b(two_districts, exported["data"])


def test_the_receipt_closes_the_loop_at_the_sender(sender, two_districts, exported):
    from support_team.transfers.services import packet_acknowledge

    held = import_b(two_districts, exported["data"])
    packet = exchange.packet_import_confirm(
        packet=held, by=two_districts["team_b"], student=held.student
    )
    packet = packet_acknowledge(packet=packet, by=two_districts["lead_b"])
    receipt = exchange.acknowledgement_export(packet=packet, by=two_districts["lead_b"])
    outgoing = exchange.acknowledgement_import(data=receipt, by=sender["team"])
    assert outgoing.pk == exported["packet"].pk
    assert outgoing.status == TransferPacket.Status.ACKNOWLEDGED
    assert outgoing.acknowledged_at == packet.acknowledged_at
    tampered = bytearray(receipt)
    tampered[-3] ^= 1
    with pytest.raises(exchange.ImportRefused):
        exchange.acknowledgement_import(data=bytes(tampered), by=sender["team"])


def test_garbage_is_refused_with_a_sentence(two_districts):
    for data in (
        b"",
        b"hello",
        envelope.MAGIC + b"\xff\xff\xff\xff",
        envelope.MAGIC + b"\0\0\0\2{}",
    ):
        with pytest.raises(exchange.ImportRefused):
            import_b(two_districts, data)
    assert nothing_imported()


def test_private_keys_are_not_stored_in_clear(two_districts):
    pair = two_districts["pair_a"]
    raw = keys.signing_key(pair).private_bytes_raw()
    assert keys.b64(raw) not in pair.signing_private_encrypted
    assert keys.b64(raw)[:12] not in pair.signing_private_encrypted

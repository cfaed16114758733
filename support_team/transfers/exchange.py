"""Packets between districts: export (sign with our key, encrypt to the peer's key or a
one-time passphrase), import (verify, decrypt, validate, hold for confirmation, then deliver
into the queue: all or nothing) and the acknowledgement file that closes the loop."""

import base64
import json
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from schoolwell import audit, permissions
from schoolwell.models import District, School, Student, User
from support_team.transfers import envelope, keys, pdf, schema, selectors
from support_team.transfers.models import PeerDistrict, TransferPacket
from support_team.transfers.services import (
    DISCLOSURE_BASIS,
    _deliver,
    _locked,
    _save,
    contents_list,
)

PASSPHRASE_DAYS = 14
ACK_FORMAT = "schoolwell.transfer-acknowledgement/1"
MAX_RECEIPT_BYTES = 64 * 1024  # a receipt names a packet id and four times


class ImportRefused(Exception):
    """The file was refused; the message says why. Nothing was written."""


def new_passphrase() -> str:
    """120 random bits as six groups of four letters and digits, easy to read out."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


def _our_keys(district: District):
    pair = keys.active_keypair(district.pk)
    if pair is None:
        raise ValidationError(
            _("%(district)s has no transfer keys yet: an administrator makes them in the admin.")
            % {"district": district.name}
        )
    return pair


def _sender(district: District) -> dict:
    return {"district_id": district.sourced_id, "district_name": district.name}


def packet_file(packet: TransferPacket) -> bytes:
    """The plaintext the envelope carries: the approved JSON (every note with its level, for
    the importer to enforce) and its PDF (sealed_pdf)."""
    paper = pdf.paper_for(packet.from_school.district)
    return packet_file_from(packet.content, sealed_pdf(packet.content, paper=paper))


def sealed_pdf(document: dict, *, paper: str = "A4") -> bytes:
    """The human-readable copy inside the sealed file: whoever opens the file reads it, so
    it shows note bodies only at the level permissions allows for that (team notes). On the
    sending district's paper: the receiving one's is not known here."""
    return pdf.render(document, reads=permissions.sealed_pdf_reads, paper=paper)


def packet_file_from(document: dict, pdf_bytes: bytes) -> bytes:
    payload = {"packet": document, "pdf": base64.b64encode(pdf_bytes).decode()}
    return json.dumps(payload, separators=(",", ":")).encode()


@transaction.atomic
def packet_export(*, packet: TransferPacket, by: User, peer: PeerDistrict) -> tuple[bytes, str]:
    """Seal an approved packet for another district. Encrypted to the peer's key, or, when we
    have none, to a one-time passphrase (returned once, never stored) that expires in
    PASSPHRASE_DAYS days. The disclosure is recorded; the sealed file is kept for download."""
    packet = _locked(packet)
    if not permissions.is_packet_sender(by, packet):
        raise PermissionDenied
    if packet.status not in (TransferPacket.Status.APPROVED, TransferPacket.Status.SENT):
        raise ValidationError(_("Only an approved packet can be exported."))
    if packet.direction == TransferPacket.Direction.WITHIN_DISTRICT and packet.sent_at:
        raise ValidationError(_("This packet was already sent within the district."))
    district = packet.from_school.district
    if peer.district_id != district.pk:
        raise PermissionDenied
    pair = _our_keys(district)
    passphrase, expires_at = "", None
    if not peer.encryption_public:
        _require_reads_every_note(packet, by)
        passphrase = new_passphrase()
        expires_at = timezone.now() + timedelta(days=PASSPHRASE_DAYS)
    data = envelope.seal(
        payload=packet_file(packet),
        kind=envelope.KIND_PACKET,
        packet_schema=schema.SCHEMA_ID,
        sender=_sender(district),
        signing_key=keys.signing_key(pair),
        recipient_public=peer.encryption_public,
        passphrase=passphrase,
        expires_at=expires_at,
    )
    packet.direction, packet.peer = TransferPacket.Direction.OUTGOING, peer
    packet.status, packet.sent_at, packet.sent_by = TransferPacket.Status.SENT, timezone.now(), by
    packet.export_file, packet.passphrase_expires_at = data, expires_at
    audit.disclosure_record(
        student=packet.student,
        made_by=by,
        recipient=peer.name,
        contents=contents_list(packet.content),
        basis=DISCLOSURE_BASIS,
    )
    _save(packet, title=_("Transfer packet exported"), by=by, school=packet.from_school)
    return data, passphrase


def _require_reads_every_note(packet: TransferPacket, by: User) -> None:
    """A file sealed with a passphrase opens for whoever holds the passphrase, and the person
    exporting is shown it: they must be at the level of every note it carries (a file
    sealed to the peer's key opens only at the peer, so anyone on the team may send that)."""
    reads = selectors.packet_note_reader(by, packet)
    if not all(reads(note) for note in packet.content.get("notes") or []):
        raise ValidationError(
            _(
                "This packet carries case notes above your level, and a file sealed with a "
                "passphrase can be opened by whoever is given it: the school's safeguarding "
                "lead exports it."
            )
        )


def _open_verified(data: bytes, district: District, kind: str) -> tuple[envelope.Envelope, str]:
    """Parse and verify a file from a peer of `district`; return it and the peer's name."""
    env = envelope.parse(data)
    sender_id, key_fingerprint = envelope.sender_of(env)
    peer = PeerDistrict.objects.filter(district=district, identifier=sender_id).first()
    if peer is None:
        raise envelope.EnvelopeError(
            _(
                "The file names a sender this district does not know (%(id)s): add its keys in "
                "the admin first."
            )
            % {"id": sender_id[:80]}
        )
    if keys.fingerprint(peer.signing_public) != key_fingerprint:
        raise envelope.EnvelopeError(
            _("The file was signed with a key that is not the one on file for %(peer)s.")
            % {"peer": peer.name}
        )
    envelope.verify(env, keys.ed25519_public(peer.signing_public))
    if env.header.get("kind") != kind:
        raise envelope.EnvelopeError(_("This is not the kind of file expected here."))
    return env, peer.name


def read_packet_file(
    *, data: bytes, district: District, passphrase: str = ""
) -> tuple[dict, bytes, str]:
    """Verify, decrypt and validate a packet file: (document, pdf, sender's name). Raises
    ImportRefused with the reason; reads nothing into the database."""
    try:
        env, peer_name = _open_verified(data, district, envelope.KIND_PACKET)
        if env.header.get("packet_schema") != schema.SCHEMA_ID:
            raise schema.SchemaError(
                _("This packet uses schema %(found)s; this SchoolWell reads %(ours)s.")
                % {"found": str(env.header.get("packet_schema"))[:60], "ours": schema.SCHEMA_ID}
            )
        pair = keys.active_keypair(district.pk)
        plaintext = envelope.decrypt(
            env,
            private_key=keys.encryption_key(pair) if pair else None,
            passphrase=passphrase,
        )
        payload = envelope.load_json(plaintext, max_bytes=envelope.MAX_FILE_BYTES)
        try:
            document, pdf_bytes = payload["packet"], base64.b64decode(payload["pdf"])
        except (ValueError, KeyError, TypeError):
            raise envelope.EnvelopeError(_("The file's contents cannot be read.")) from None
        schema.validate(document)
    except (envelope.EnvelopeError, schema.SchemaError) as refused:
        raise ImportRefused(str(refused)) from None
    return document, pdf_bytes, peer_name


@transaction.atomic
def packet_import(*, data: bytes, school: School, by: User, passphrase: str = "") -> TransferPacket:
    """Take in another district's packet for one of our schools. The file is verified,
    decrypted and validated first; only then is one packet written, held for the team to
    confirm which of their students it is about. A packet imported once is refused again."""
    if not permissions.is_team_at(by, school.pk):
        raise PermissionDenied
    document, _pdf, peer_name = read_packet_file(
        data=data, district=school.district, passphrase=passphrase
    )
    if TransferPacket.objects.filter(remote_uid=document["packet_id"]).exists():
        raise ImportRefused(_("This packet has already been imported."))
    sender = document["sender"]
    packet = TransferPacket(
        remote_uid=document["packet_id"],
        student=_placeholder_student(school, document),
        direction=TransferPacket.Direction.INCOMING,
        status=TransferPacket.Status.HELD,
        urgent=document["urgent"],
        to_school=school,
        sender_label=f"{sender['school']['name']}, {sender['district']['name']} ({peer_name})",
        note_level=document["note_level"],
        content=document,
        created_by=by,
        approved_at=parse_datetime(document["approved"]["at"]) if document["approved"] else None,
    )
    packet.full_clean()
    packet.save()
    return packet


def _placeholder_student(school: School, document: dict) -> Student:
    """The student the packet is probably about (same legal name and date of birth, enrolled
    at the school now); the team confirms or picks another before it reaches the queue."""
    match = matching_students(school, document).first()
    if match is None:
        raise ImportRefused(
            _(
                "No student enrolled at %(school)s matches this packet (%(name)s). Enroll the "
                "student through the roster first, then import the file again."
            )
            % {"school": school.name, "name": _student_name(document)}
        )
    return match


def _student_name(document: dict) -> str:
    s = document["student"]
    return f"{s['legal_first_name']} {s['legal_last_name']}"


def matching_students(school: School, document: dict):
    s = document["student"]
    candidates = Student.objects.filter(
        enrollments__school=school, enrollments__end_date__isnull=True
    ).distinct()
    by_name = candidates.filter(
        legal_first_name__iexact=s["legal_first_name"],
        legal_last_name__iexact=s["legal_last_name"],
    )
    if s.get("date_of_birth"):
        by_name = by_name.filter(date_of_birth=s["date_of_birth"])
    return by_name


@transaction.atomic
def packet_import_confirm(*, packet: TransferPacket, by: User, student: Student) -> TransferPacket:
    """The team confirms which student a held import is about: it enters their queue."""
    packet = _locked(packet)
    if not permissions.is_packet_receiver(by, packet) or packet.status != packet.Status.HELD:
        raise PermissionDenied
    packet.student, packet.status = student, TransferPacket.Status.SENT
    packet.sent_at = packet.created_at
    _save(packet, title=_("Transfer packet imported"), by=by, school=packet.to_school)
    _deliver(packet, packet.to_school)
    return packet


@transaction.atomic
def packet_import_discard(*, packet: TransferPacket, by: User) -> None:
    """Drop a held import (wrong school, wrong student): nothing of it stays."""
    packet = _locked(packet)
    if not permissions.is_packet_receiver(by, packet) or packet.status != packet.Status.HELD:
        raise PermissionDenied
    packet.delete()


def acknowledgement_export(*, packet: TransferPacket, by: User) -> bytes:
    """The signed receipt for another district's packet: its id, and when it was viewed,
    accepted and acknowledged here. It names no student."""
    if not permissions.is_packet_receiver(by, packet) or not packet.acknowledged_at:
        raise PermissionDenied
    if packet.direction != TransferPacket.Direction.INCOMING:
        raise ValidationError(_("Only a packet from another district has a receipt file."))
    district = packet.to_school.district
    body = {
        "format": ACK_FORMAT,
        "packet_id": str(packet.remote_uid),
        "school": packet.to_school.name,
        "viewed_at": packet.viewed_at.isoformat() if packet.viewed_at else None,
        "accepted_at": packet.accepted_at.isoformat() if packet.accepted_at else None,
        "acknowledged_at": packet.acknowledged_at.isoformat(),
        "acknowledged_by": str(packet.acknowledged_by),
    }
    return envelope.seal(
        payload=json.dumps(body).encode(),
        kind=envelope.KIND_ACKNOWLEDGEMENT,
        packet_schema=schema.SCHEMA_ID,
        sender=_sender(district),
        signing_key=keys.signing_key(_our_keys(district)),
    )


@transaction.atomic
def acknowledgement_import(*, data: bytes, by: User) -> TransferPacket:
    """Close the loop on an exported packet with the receiver's signed receipt."""
    district_ids = {s.district_id for s in permissions.schools_for(by, permissions.TEAM_ROLES)}
    refused = _("This receipt is not for a packet your school exported.")
    for district in District.objects.filter(pk__in=district_ids):
        try:
            env, peer_name = _open_verified(data, district, envelope.KIND_ACKNOWLEDGEMENT)
            body = envelope.load_json(envelope.decrypt(env), max_bytes=MAX_RECEIPT_BYTES)
            if not isinstance(body, dict) or body.get("format") != ACK_FORMAT:
                raise envelope.EnvelopeError(_("The receipt's contents cannot be read."))
        except envelope.EnvelopeError as error:
            refused = str(error)
            continue
        except ValueError:
            raise ImportRefused(_("The receipt's contents cannot be read.")) from None
        packet = (
            TransferPacket.objects.visible_to(by)
            .filter(uid=str(body.get("packet_id")), direction=TransferPacket.Direction.OUTGOING)
            .select_related("peer")
            .first()
        )
        if packet is None or packet.peer.name != peer_name:
            raise ImportRefused(_("This receipt is not for a packet your school exported."))
        packet = _locked(packet)
        try:
            when = {
                k: parse_datetime(body[k]) if body.get(k) else None
                for k in ("viewed_at", "accepted_at", "acknowledged_at")
            }
        except (ValueError, TypeError):
            raise ImportRefused(_("The receipt's contents cannot be read.")) from None
        if when["acknowledged_at"] is None:
            raise ImportRefused(_("The receipt's contents cannot be read."))
        packet.viewed_at = when["viewed_at"] or when["acknowledged_at"]
        packet.accepted_at = when["accepted_at"]
        packet.acknowledged_at = when["acknowledged_at"]
        packet.acknowledged_label = f"{body.get('acknowledged_by', '')}, {body.get('school', '')}"[
            :300
        ]
        packet.status = TransferPacket.Status.ACKNOWLEDGED
        _save(
            packet,
            title=_("Transfer packet receipt acknowledged"),
            by=by,
            school=packet.from_school,
        )
        return packet
    raise ImportRefused(refused)

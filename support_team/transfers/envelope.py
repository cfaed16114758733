"""The transfer envelope, format "schoolwell.transfer-envelope/1": one file that carries a
packet (or an acknowledgement) between districts, signed by the sender and encrypted for the
receiver.

Layout (bytes):  MAGIC | header length (4 bytes, big-endian) | header (UTF-8 JSON)
                 | Ed25519 signature (64 bytes) | ciphertext

- The header names the sender (district id and signing-key fingerprint), the recipient
  (X25519 key fingerprint and our ephemeral public key, or the scrypt parameters and expiry of
  a one-time passphrase) and the algorithms. It is the AEAD associated data, so it cannot be
  swapped onto another ciphertext.
- The signature covers everything except itself and is checked BEFORE anything is decrypted:
  a changed byte anywhere is refused without touching the contents.
- Key mode: X25519(ephemeral, recipient) -> HKDF-SHA256 -> AES-256-GCM.
  Passphrase mode: scrypt(passphrase) -> AES-256-GCM, refused after the signed expiry.

Bounds: a file is at most MAX_FILE_BYTES. The contents are not compressed, so the plaintext
is never larger than the file; it is JSON, read by load_json only once its number of values
and its nesting are known to be within bounds. The scrypt settings a file may ask for are
bounded by the memory they take (MAX_SCRYPT_BYTES).
"""

import json
import os
import re
import struct
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.utils import timezone
from django.utils.translation import gettext as _

from support_team.transfers.keys import b64, fingerprint, raw_public, unb64, x25519_public

FORMAT = "schoolwell.transfer-envelope/1"
MAGIC = b"SCHOOLWELL-TRANSFER-ENVELOPE/1\n"
SIGNATURE_BYTES = 64
MAX_HEADER_BYTES = 16_384
MAX_FILE_BYTES = 20 * 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MB: scrypt takes 128 * n * r bytes
MAX_SCRYPT_BYTES = 64 * 1024 * 1024
# JSON inside a file: a packet of 1,000 notes, 1,000 chronology lines and a full plan holds
# some 20,000 objects and arrays and 100,000 values, six levels deep.
MAX_JSON_CONTAINERS = 50_000
MAX_JSON_VALUES = 500_000
MAX_JSON_DEPTH = 16
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
KIND_PACKET = "packet"
KIND_ACKNOWLEDGEMENT = "acknowledgement"


class EnvelopeError(Exception):
    """The file cannot be trusted or read. The message is for the person importing it."""


@dataclass(frozen=True)
class Envelope:
    header: dict
    header_bytes: bytes
    signed: bytes
    signature: bytes
    ciphertext: memoryview


def _hkdf(shared: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _scrypt(passphrase: str, salt: bytes, params: dict) -> bytes:
    return Scrypt(salt=salt, length=32, **params).derive(passphrase.strip().encode())


def seal(
    *,
    payload: bytes,
    kind: str,
    packet_schema: str,
    sender: dict,
    signing_key: Ed25519PrivateKey,
    recipient_public: str = "",
    passphrase: str = "",
    expires_at: datetime | None = None,
) -> bytes:
    """Encrypt `payload` for one recipient key (or a passphrase), then sign the whole."""
    nonce = os.urandom(12)
    signing_public = b64(raw_public(signing_key.public_key()))
    if recipient_public:
        ephemeral = X25519PrivateKey.generate()
        key = _hkdf(ephemeral.exchange(x25519_public(recipient_public)), MAGIC)
        recipient = {
            "mode": "x25519",
            "key_fingerprint": fingerprint(recipient_public),
            "ephemeral_public": b64(raw_public(ephemeral.public_key())),
            "kdf": "HKDF-SHA256",
        }
    elif passphrase:
        if expires_at is None:
            raise ValueError("a passphrase needs an expiry")
        salt = os.urandom(16)
        key = _scrypt(passphrase, salt, SCRYPT)
        recipient = {
            "mode": "passphrase",
            "kdf": "scrypt",
            "salt": b64(salt),
            **SCRYPT,
            "expires_at": expires_at.isoformat(),
        }
    elif kind == KIND_ACKNOWLEDGEMENT:
        # An acknowledgement names a packet id and times, never a student: signed, not secret.
        key, recipient = None, {"mode": "none"}
    else:
        raise ValueError("seal needs a recipient key or a passphrase")
    header = {
        "format": FORMAT,
        "kind": kind,
        "packet_schema": packet_schema,
        "created_at": timezone.now().isoformat(),
        "sender": {**sender, "signing_key_fingerprint": fingerprint(signing_public)},
        "recipient": recipient,
        "cipher": "AES-256-GCM" if key else "none",
        "nonce": b64(nonce),
        "signature": "Ed25519",
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    ciphertext = AESGCM(key).encrypt(nonce, payload, header_bytes) if key else payload
    prefix = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    signature = signing_key.sign(prefix + ciphertext)
    return prefix + signature + ciphertext


def parse(data: bytes) -> Envelope:
    """Split a file into its parts. Nothing is trusted yet: verify() comes next."""
    if len(data) > MAX_FILE_BYTES:
        raise EnvelopeError(
            _("The file is larger than %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.startswith(MAGIC):
        raise EnvelopeError(
            _("This is not a SchoolWell transfer file (%(format)s).") % {"format": FORMAT}
        )
    offset = len(MAGIC)
    if len(data) < offset + 4:
        raise EnvelopeError(_("The file is cut short."))
    (length,) = struct.unpack(">I", data[offset : offset + 4])
    start = offset + 4
    if length > MAX_HEADER_BYTES or len(data) < start + length + SIGNATURE_BYTES:
        raise EnvelopeError(_("The file is damaged: its header length is wrong."))
    header_bytes = data[start : start + length]
    signature = data[start + length : start + length + SIGNATURE_BYTES]
    # A view, not a copy: a 20 MB file is copied once for the signature check, not twice.
    ciphertext = memoryview(data)[start + length + SIGNATURE_BYTES :]
    try:
        header = json.loads(header_bytes.decode())
        if not isinstance(header, dict):
            raise ValueError
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeError(_("The file is damaged: its header cannot be read.")) from None
    if header.get("format") != FORMAT:
        raise EnvelopeError(_("The file is damaged: its header cannot be read."))
    return Envelope(
        header=header,
        header_bytes=header_bytes,
        signed=data[: start + length] + ciphertext,
        signature=signature,
        ciphertext=ciphertext,
    )


def sender_of(envelope: Envelope) -> tuple[str, str]:
    """(district id, signing-key fingerprint) as the unverified header claims them."""
    sender = envelope.header.get("sender")
    if not isinstance(sender, dict):
        raise EnvelopeError(_("The file is damaged: it does not say who sent it."))
    return str(sender.get("district_id", "")), str(sender.get("signing_key_fingerprint", ""))


def verify(envelope: Envelope, public_key: Ed25519PublicKey) -> None:
    """Check the sender's signature over the header and ciphertext. Must pass before the
    header's other fields are believed or anything is decrypted."""
    try:
        public_key.verify(envelope.signature, envelope.signed)
    except InvalidSignature:
        raise EnvelopeError(
            _(
                "The signature does not match: the file was changed after it was signed, or "
                "it was not signed by the district it names. Nothing was imported."
            )
        ) from None


def decrypt(
    envelope: Envelope,
    *,
    private_key: X25519PrivateKey | None = None,
    passphrase: str = "",
    now: datetime | None = None,
) -> bytes:
    """Decrypt a verified envelope with our key, or with the passphrase before it expires."""
    recipient = envelope.header.get("recipient") or {}
    try:
        nonce = unb64(envelope.header["nonce"])
        mode = recipient.get("mode")
        if mode == "x25519":
            if private_key is None:
                raise EnvelopeError(_("This district has no key to open this file."))
            ours = fingerprint(b64(raw_public(private_key.public_key())))
            if recipient.get("key_fingerprint") != ours:
                raise EnvelopeError(
                    _(
                        "This file was encrypted for another key (%(theirs)s), not this "
                        "district's (%(ours)s). Ask the sender to use your current public key."
                    )
                    % {"theirs": recipient.get("key_fingerprint"), "ours": ours}
                )
            shared = private_key.exchange(x25519_public(recipient["ephemeral_public"]))
            key = _hkdf(shared, MAGIC)
        elif mode == "passphrase":
            expires_at = datetime.fromisoformat(recipient["expires_at"])
            if (now or timezone.now()) >= expires_at:
                raise EnvelopeError(
                    _(
                        "The passphrase for this file expired on %(when)s. Ask the sender for "
                        "a new file."
                    )
                    % {"when": timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M")}
                )
            if not passphrase:
                raise EnvelopeError(_("This file needs the passphrase the sender gave you."))
            params = {k: int(recipient[k]) for k in ("n", "r", "p")}
            if 128 * params["n"] * params["r"] > MAX_SCRYPT_BYTES or params["p"] > 2:
                raise EnvelopeError(_("The file asks for passphrase settings we do not accept."))
            key = _scrypt(passphrase, unb64(recipient["salt"]), params)
        elif mode == "none" and envelope.header.get("kind") == KIND_ACKNOWLEDGEMENT:
            return bytes(envelope.ciphertext)
        else:
            raise EnvelopeError(_("The file uses an encryption mode we do not know."))
    except (KeyError, TypeError, ValueError):
        raise EnvelopeError(_("The file is damaged: its encryption details are wrong.")) from None
    try:
        return AESGCM(key).decrypt(nonce, envelope.ciphertext, envelope.header_bytes)
    except InvalidTag:
        if recipient.get("mode") == "passphrase":
            raise EnvelopeError(_("The passphrase is wrong. Nothing was imported.")) from None
        raise EnvelopeError(_("The file cannot be decrypted with this district's key.")) from None


def load_json(data: bytes, *, max_bytes: int) -> object:
    """The JSON a verified envelope carries, parsed only once it is known to be within
    bounds: 20 MB of `[{},{},...` is seven million dicts, 500 MB in json.loads, and nesting
    past Python's recursion limit is an error of its own. Counted first on the raw bytes
    (C speed); only when that count is over, again with the strings taken out, so that
    commas and brackets in the text of notes do not count."""
    too_many = EnvelopeError(
        _("The file's contents hold more entries than a transfer packet can; nothing was imported.")
    )
    if len(data) > max_bytes:
        raise EnvelopeError(
            _("The file's contents are larger than %(max)s MB; nothing was imported.")
            % {"max": max(1, max_bytes // (1024 * 1024))}
        )
    if not _within_counts(data) and not _within_counts(_JSON_STRING.sub(b"", data)):
        raise too_many
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        raise EnvelopeError(_("The file's contents cannot be read.")) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise EnvelopeError(
            _("The file's contents are nested deeper than a transfer packet; nothing was imported.")
        )
    return value


def _within_counts(shape: bytes) -> bool:
    containers = shape.count(b"{") + shape.count(b"[")
    values = shape.count(b",") + containers + 1
    return containers <= MAX_JSON_CONTAINERS and values <= MAX_JSON_VALUES


def _depth(value: object) -> int:
    """How deep the containers go, walked without recursion (their number is bounded)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, depth)
        stack.extend(
            (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
        )
    return deepest

"""Our district's transfer keys: made here, private halves encrypted at rest with a key
derived from settings.TRANSFER_KEY_SECRET (AES-256-GCM), public halves shared as base64."""

import base64
import hashlib
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from schoolwell.models import District
from support_team.transfers.models import DistrictKeyPair

_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def fingerprint(public_b64: str) -> str:
    """A short, readable name for a public key: SHA-256 of the raw key, 16 bytes in hex."""
    digest = hashlib.sha256(unb64(public_b64)).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def _wrapping_key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"schoolwell.transfer-keys.wrap"
    ).derive(settings.TRANSFER_KEY_SECRET.encode())


def _wrap(raw: bytes, label: bytes) -> str:
    nonce = os.urandom(12)
    return b64(nonce + AESGCM(_wrapping_key()).encrypt(nonce, raw, label))


def _unwrap(text: str, label: bytes) -> bytes:
    data = unb64(text)
    return AESGCM(_wrapping_key()).decrypt(data[:12], data[12:], label)


@transaction.atomic
def keypair_create(*, district: District) -> DistrictKeyPair:
    """Make a new active key pair for the district; the previous one is retired (kept, so
    files already on their way can still be read)."""
    for old in DistrictKeyPair.objects.select_for_update().filter(district=district, active=True):
        old.active = False
        old.save(update_fields=["active"])  # a save, not update(): history keeps the change
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    raw_private = {
        "encoding": serialization.Encoding.Raw,
        "format": serialization.PrivateFormat.Raw,
        "encryption_algorithm": serialization.NoEncryption(),
    }
    pair = DistrictKeyPair(
        district=district,
        signing_public=b64(signing.public_key().public_bytes(**_RAW)),
        signing_private_encrypted=_wrap(signing.private_bytes(**raw_private), b"ed25519"),
        encryption_public=b64(encryption.public_key().public_bytes(**_RAW)),
        encryption_private_encrypted=_wrap(encryption.private_bytes(**raw_private), b"x25519"),
    )
    pair.full_clean()
    pair.save()
    return pair


def active_keypair(district_id: int) -> DistrictKeyPair | None:
    return DistrictKeyPair.objects.filter(district_id=district_id, active=True).first()


def signing_key(pair: DistrictKeyPair) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unwrap(pair.signing_private_encrypted, b"ed25519"))


def encryption_key(pair: DistrictKeyPair) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(
        _unwrap(pair.encryption_private_encrypted, b"x25519")
    )


def ed25519_public(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text))


def x25519_public(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(unb64(text))


def raw_public(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    return key.public_bytes(**_RAW)

"""TOTP secrets and recovery-code seeds, encrypted at rest.

allauth passes every secret it stores through its MFA adapter's encrypt() and decrypt();
ours uses Fernet (AES-128-CBC with HMAC-SHA256: a changed or foreign value is refused, not
decrypted to garbage) under keys from settings.MFA_ENCRYPTION_KEYS. MultiFernet encrypts
with the first key and decrypts with any, so a new key goes first and the old one stays
until `manage.py rotate_mfa_secrets` has re-encrypted every row.
"""

import base64
import logging
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Every Fernet token starts with its version byte 0x80 and a timestamp, base64 "gAAAAA";
# allauth's plaintext secrets are base32 (A-Z, 2-7), hex or digits, which never do.
TOKEN_PREFIX = "gAAAAA"
# The values in an Authenticator's data that allauth encrypts (see allauth.mfa.*.internal).
SECRET_FIELDS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    derived = [
        HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"schoolwell.mfa-secrets"
        ).derive(key.encode())
        for key in keys
    ]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(raw)) for raw in derived])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Raises cryptography.fernet.InvalidToken for plaintext, a changed value, or a value
    encrypted under a key no longer listed: never a stand-in secret, whose codes anyone
    could compute."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error(
            "A stored MFA secret opens with none of MFA_ENCRYPTION_KEYS (or SECRET_KEY and "
            "SECRET_KEY_FALLBACKS): list the key it was encrypted under (docs/deploy.md)"
        )
        raise


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


def _seal(value: str, *, rotate: bool) -> str:
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)  # stored before encryption was switched on
    return fernet().rotate(value.encode()).decode() if rotate else value


def sealed_data(data: dict, *, rotate: bool = False) -> dict:
    """An Authenticator's data with every secret encrypted under the current first key;
    plaintext ones encrypted, and with rotate=True, tokens under older keys re-encrypted."""
    data = dict(data)
    for field in SECRET_FIELDS:
        if isinstance(data.get(field), str):
            data[field] = _seal(data[field], rotate=rotate)
    for field in SECRET_LISTS:
        if isinstance(data.get(field), list):
            data[field] = [_seal(value, rotate=rotate) for value in data[field]]
    return data


def opened_data(data: dict) -> dict:
    """The inverse of sealed_data: every secret in plaintext (for a migration rollback)."""
    data = dict(data)
    for field in SECRET_FIELDS:
        value = data.get(field)
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            data[field] = decrypt(value)
    for field in SECRET_LISTS:
        if isinstance(data.get(field), list):
            data[field] = [
                decrypt(value) if value.startswith(TOKEN_PREFIX) else value for value in data[field]
            ]
    return data


def authenticators_seal(*, authenticator_model, rotate: bool) -> int:
    """Encrypt (and with rotate=True, re-encrypt under the first key) every stored MFA secret;
    returns how many rows changed. The model is a parameter so the data migration can pass
    its historical one."""
    changed = 0
    with transaction.atomic():
        for authenticator in authenticator_model.objects.select_for_update().order_by("pk"):
            data = sealed_data(authenticator.data, rotate=rotate)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                changed += 1
    return changed

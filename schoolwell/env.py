"""Reading settings from the environment: strict helpers (a typo in a flag is an error, not a
silent default) and a secret may come from a file (NAME_FILE, as Docker and Kubernetes give
them). Used by settings.py; nothing here reads Django's settings."""

import hashlib
import hmac
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name) or default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return envstr(name, default)


def envsecrets(name: str) -> list[str]:
    """Several secrets, newest first, from NAME or NAME_FILE: one a line, or comma-separated."""
    text = envsecret(name, "").replace("\n", ",")
    return [item.strip() for item in text.split(",") if item.strip()]


def redis_url_for_worker(url: str, worker: str) -> str:
    """REDIS_URL with the database number moved down by the xdist worker's number: gw0 keeps
    the URL's database, gw1 takes the one below it, and so on."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw") or 0)
    if database < 0:
        raise ImproperlyConfigured(f"REDIS_URL leaves no Redis database for test worker {worker}")
    return parts._replace(path=f"/{database}").geturl()


def hmac_hex(secret: str, purpose: bytes) -> str:
    """A key for one purpose derived from SECRET_KEY (HMAC-SHA256), when none is set."""
    return hmac.new(secret.encode(), purpose, hashlib.sha256).hexdigest()


def hkdf_hex(secret: str, purpose: bytes) -> str:
    """A 32-byte key for one purpose derived from SECRET_KEY (HKDF-SHA256), when none is set."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return (
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
        .derive(secret.encode())
        .hex()
    )

"""TOTP secrets and recovery seeds are encrypted at rest, rotate with their keys, survive the
move from plaintext, and the admin never shows or edits them."""

import importlib
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from schoolwell.models import Role
from tests.factories import UserFactory, member

OLD_KEY = "an-old-key-that-is-long-enough-0123456789"
NEW_KEY = "a-new-key-that-is-long-enough-9876543210"
migration = importlib.import_module("schoolwell.migrations.0007_encrypt_mfa_secrets")


def stored(authenticator: Authenticator) -> str:
    """The data column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return str(cursor.fetchone()[0])


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes(school_a):
    user = member(Role.SUPPORT, school=school_a, mfa=False)
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    assert secret not in stored(authenticator)
    assert decrypt(authenticator.data["secret"]) == secret
    assert TOTP(Authenticator.objects.get(pk=authenticator.pk)).validate_code(code_for(secret))


def test_recovery_seeds_are_stored_encrypted(team_a):
    codes = RecoveryCodes.activate(team_a)
    seed = decrypt(codes.instance.data["seed"])
    assert seed not in stored(codes.instance)
    assert codes.validate_code(codes.get_unused_codes()[0])


def test_a_secret_changed_in_the_database_is_refused_not_used(team_a):
    authenticator = Authenticator.objects.get(user=team_a, type="totp")
    token = authenticator.data["secret"]
    forged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(InvalidToken):
        decrypt(forged)
    with pytest.raises(InvalidToken):
        decrypt(generate_totp_secret())  # a plaintext secret written by someone with the database


def test_keys_rotate_old_first_then_new_then_re_encrypted(settings, school_a):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    user = member(Role.SUPPORT, school=school_a, mfa=False)
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        decrypt(authenticator.data["secret"])
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert decrypt(authenticator.data["secret"]) == secret
    call_command("rotate_mfa_secrets", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    authenticator.refresh_from_db()
    assert decrypt(authenticator.data["secret"]) == secret


def test_rotating_without_the_old_key_changes_nothing(settings, school_a):
    from django.core.management.base import CommandError

    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    authenticator = TOTP.activate(
        member(Role.SUPPORT, school=school_a, mfa=False), generate_totp_secret()
    ).instance
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(CommandError):
        call_command("rotate_mfa_secrets")
    before = authenticator.data
    authenticator.refresh_from_db()
    assert authenticator.data == before


def test_the_migration_encrypts_secrets_stored_in_plaintext_and_can_be_undone(school_a):
    user = member(Role.SUPPORT, school=school_a, mfa=False)
    secret, seed = generate_totp_secret(), "ab" * 40
    totp = Authenticator.objects.create(user=user, type="totp", data={"secret": secret})
    codes = Authenticator.objects.create(
        user=user,
        type="recovery_codes",
        data={"seed": seed, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # a second run changes nothing
    totp.refresh_from_db()
    codes.refresh_from_db()
    assert secret not in stored(totp) and seed not in stored(codes)
    assert "12345678" not in stored(codes)
    assert TOTP(totp).validate_code(code_for(secret))
    assert RecoveryCodes(codes).validate_code("12345678")
    migration.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    assert totp.data["secret"] == secret


@pytest.fixture
def superuser(db):
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, generate_totp_secret())  # the admin asks every staff user for MFA
    return user


def test_the_admin_never_shows_or_edits_a_secret(client, superuser, team_a):
    authenticator = Authenticator.objects.get(user=team_a, type="totp")
    token = authenticator.data["secret"]
    client.force_login(superuser)
    url = f"/admin/mfa/authenticator/{authenticator.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert token not in content and decrypt(token) not in content
    assert 'name="data"' not in content
    client.post(url, {"user": team_a.pk, "type": "totp", "data": '{"secret": "AAAA"}'})
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] == token
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403


def test_an_admin_can_still_remove_a_lost_authenticator(client, superuser, team_a):
    authenticator = Authenticator.objects.get(user=team_a, type="totp")
    client.force_login(superuser)
    client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()

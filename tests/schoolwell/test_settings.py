import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from schoolwell.settings import EMBEDDED_SECRET_KEY, envbool, envint

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "schoolwell.example",
    "SITE_URL": "https://schoolwell.example",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION | {"DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_fail_with_the_embedded_default_key(tmp_path):
    env = PRODUCTION | {"DATA_DIR": str(tmp_path)}
    env.pop("SECRET_KEY")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr + result.stdout


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    env = PRODUCTION | {"DATA_DIR": str(tmp_path), "SECRET_KEY_FILE": str(key_file)}
    env.pop("SECRET_KEY")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_helpers_refuse_ambiguous_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_FLAG", False)
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        envint("X_NUM", 1)
    monkeypatch.setenv("X_FLAG", "true")
    assert envbool("X_FLAG", False) is True


def test_the_embedded_default_needs_no_service(tmp_path):
    code = (
        "import django,json;django.setup();from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'],s.CHANNEL_LAYERS['default']['BACKEND'],"
        "s.CACHES['default']['BACKEND'],s.TASKS['default']['BACKEND'],s.EMAIL_BACKEND]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "schoolwell.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
        "django_tasks.backends.immediate.ImmediateBackend",
        "django.core.mail.backends.console.EmailBackend",
    ]


def settings_json(names: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import django,json;django.setup();from django.conf import settings as s;"
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env |= env | {"DJANGO_SETTINGS_MODULE": "schoolwell.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "variables",
    [
        {"SECRET_KEY": ""},  # unset, with production's hosts and HTTPS
        {"SECRET_KEY": EMBEDDED_SECRET_KEY, "ALLOWED_HOSTS": "", "HTTPS": "true"},
    ],
)
def test_a_server_set_up_for_others_refuses_to_start_without_its_own_key(tmp_path, variables):
    env = PRODUCTION | {"DATA_DIR": str(tmp_path)} | variables
    result = manage("check", env=env)  # not --deploy: the settings themselves refuse
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_rotation_and_proxy_settings_come_from_the_environment(tmp_path):
    keys = tmp_path / "mfa-keys"
    keys.write_text("n" * 40 + "\n" + "o" * 40 + "\n")
    result = settings_json(
        ["ALLAUTH_TRUSTED_PROXY_COUNT", "SECRET_KEY_FALLBACKS", "MFA_ENCRYPTION_KEYS"],
        {
            "DATA_DIR": str(tmp_path),
            "TRUSTED_PROXY_COUNT": "1",
            "SECRET_KEY_FALLBACKS": "older-key-1, older-key-2",
            "MFA_ENCRYPTION_KEYS_FILE": str(keys),
        },
    )
    assert json.loads(result.stdout) == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
        "SECRET_KEY_FALLBACKS": ["older-key-1", "older-key-2"],
        "MFA_ENCRYPTION_KEYS": ["n" * 40, "o" * 40],
    }
    short = settings_json(["MFA_ENCRYPTION_KEYS"], {"MFA_ENCRYPTION_KEYS": "short"})
    assert short.returncode != 0 and "MFA_ENCRYPTION_KEYS" in short.stderr

"""SchoolWell settings: one file, every value from the environment.

With nothing set, the embedded default runs: SQLite, the in-memory channel layer, a
local-memory cache, immediate tasks and console e-mail. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS=true and TASK_BACKEND=database (docs/deploy.md).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from schoolwell.env import (
    envbool,
    envint,
    envlist,
    envsecret,
    envsecrets,
    envstr,
    hkdf_hex,
    hmac_hex,
    redis_url_for_worker,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
HTTPS = envbool("HTTPS", False)
# The "django-insecure-" prefix makes `check --deploy` refuse the embedded default key.
EMBEDDED_SECRET_KEY = "django-insecure-embedded-default-set-SECRET_KEY-in-production"
SECRET_KEY = envsecret("SECRET_KEY", EMBEDDED_SECRET_KEY)
SECRET_KEY_FALLBACKS = envsecrets("SECRET_KEY_FALLBACKS")  # rotation: docs/deploy.md
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# The embedded default (the demo, the tests: DEBUG off there too) answers only this machine;
# a server set up for others (HTTPS or a real host name) must bring its own key.
_for_others = HTTPS or set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "::1", "testserver"}
if not SECRET_KEY or (not DEBUG and SECRET_KEY == EMBEDDED_SECRET_KEY and _for_others):
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must hold this server's own key: 50+ random "
        "characters, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
LOCAL_SITE_URL = "http://127.0.0.1:8000"
# Every link in an e-mail (ours and allauth's: schoolwell/auth.py) starts with SITE_URL, never
# with the Host a request happened to carry. A server set up for others must say where it is
# reachable, or its mails would point people at 127.0.0.1.
SITE_URL = envstr("SITE_URL", LOCAL_SITE_URL).rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be like https://schoolwell.example.org, not {SITE_URL!r}"
    )
if (
    not DEBUG
    and _for_others
    and (SITE_URL == LOCAL_SITE_URL or (HTTPS and _site.scheme != "https"))
):
    raise ImproperlyConfigured(
        "SITE_URL must be this server's public address (https://... with HTTPS=true): "
        "links in e-mails are built from it"
    )
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "daphne",
    "schoolwell",
    "concerns",
    "self_report",
    "support_team",
    "support_team.transfers",
    "community_links",
    "schoolwell.trends",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "schoolwell.sso",
    "simple_history",
    "channels",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages leave gzip-compressed (static files come precompressed from WhiteNoise, which
    # answers before this). BREACH: a compressed page that carries a secret and reflects
    # attacker-chosen text lets someone who sees the sizes guess the secret. Django masks
    # the CSRF token afresh in every response (since 1.10), and GZipMiddleware pads each
    # body with random bytes (Heal The Breach, Django 4.2+), so sizes do not converge.
    "django.middleware.gzip.GZipMiddleware",
    "schoolwell.sso.middleware.provider_form_targets",
    "schoolwell.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "schoolwell.middleware.actor",
    "schoolwell.middleware.session_limits",
    "schoolwell.middleware.session_touch",
    "schoolwell.middleware.require_mfa_for_staff",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "schoolwell.urls"
WSGI_APPLICATION = "schoolwell.wsgi.application"
ASGI_APPLICATION = "schoolwell.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schoolwell.context_processors.navigation",
                "support_team.context_processors.status_updates",
            ],
        },
    }
]
# The common widgets are written in Python, as their templates would write them (a case page
# spent a third of its time in widget templates): schoolwell/form_renderer.py.
FORM_RENDERER = "schoolwell.form_renderer.FormRenderer"

# --- data -----------------------------------------------------------------------------------
DATABASE_URL = envsecret("DATABASE_URL", "")
if DATABASE_URL:
    # 0 by default: under daphne every open websocket's thread would otherwise keep its own
    # connection, and 200 queue screens exhaust PostgreSQL's 100 (measured by bench/queue.py
    # --as-configured). Raise it only for WSGI-only processes, or pool in front (PgBouncer).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0), conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(DATA_DIR / "schoolwell.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # Tests use an in-memory database unless SQLITE_TEST_PATH names a file, which
            # `pytest --reuse-db` then keeps between runs (no 50 s of migrations each time).
            "TEST": {"NAME": envstr("SQLITE_TEST_PATH", "") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "schoolwell.User"

REDIS_URL = envsecret("REDIS_URL", "")
# Parallel test workers (pytest-xdist, `make test`) each get their own test database from
# pytest-django; they get their own Redis database and pub/sub prefix here, so that one
# worker's cache.clear() or queue event never reaches another (pub/sub ignores the database
# number). Unset outside a parallel test run.
TEST_WORKER = envstr("PYTEST_XDIST_WORKER", "")
if REDIS_URL and TEST_WORKER:
    REDIS_URL = redis_url_for_worker(REDIS_URL, TEST_WORKER)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # redis-py waits forever by default: a Redis that stops answering (not refusing)
            # would hang every request that touches the cache.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Redis pub/sub: one PUBLISH per event, and each server process fans it out to its own
    # sockets in memory. The list-based channels_redis layer pushed one Redis entry per
    # socket and popped them one at a time: with 200 queue screens, an event took 200 round
    # trips, and p95 push latency was 235 ms against 36 ms here (bench/queue.py). Pub/sub is
    # at-most-once with no buffer; the queue heartbeat (support_team/heartbeat.py) is how
    # screens learn that they may have missed something. schoolwell/channel_layer.py: the
    # same layer, reconnecting one coroutine at a time.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "schoolwell.channel_layer.PubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 2}],
                "prefix": f"asgi{TEST_WORKER}",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Every open queue screen hears a heartbeat this often; see support_team/heartbeat.py.
QUEUE_HEARTBEAT_SECONDS = envint("QUEUE_HEARTBEAT_SECONDS", 5)
# Handshakes one socket process lets wait for the database at once; the next is told to try
# again (schoolwell/handshakes.py).
SOCKET_HANDSHAKES_AT_ONCE = envint("SOCKET_HANDSHAKES_AT_ONCE", 32)

TASK_BACKEND = envstr("TASK_BACKEND", "immediate")
if TASK_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured("TASK_BACKEND must be immediate or database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND]
    }
}

EMAIL_HOST = envstr("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "SchoolWell <no-reply@schoolwell.invalid>")

# --- sign-in and sessions ---------------------------------------------------------------------
# Django's and allauth's, refusing an account the roster or the district switched off.
AUTHENTICATION_BACKENDS = [
    "schoolwell.auth.SwitchedModelBackend",
    "schoolwell.auth.SwitchedAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "schoolwell.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# allauth: accounts, single sign-on and sign-in limits.
from schoolwell.signin_settings import *  # noqa: E402, F403

MFA_ADAPTER = "schoolwell.mfa_secrets.MFAAdapter"
# TOTP secrets and recovery seeds are stored encrypted under these: the first encrypts, all
# decrypt (rotation: docs/deploy.md). Unset, derived from SECRET_KEY and its fallbacks.
MFA_ENCRYPTION_KEYS = envsecrets("MFA_ENCRYPTION_KEYS")
if any(len(key) < 32 for key in MFA_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("each MFA_ENCRYPTION_KEYS key needs 32+ random characters")
MFA_ENCRYPTION_KEYS = MFA_ENCRYPTION_KEYS or [SECRET_KEY, *SECRET_KEY_FALLBACKS]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SchoolWell"
# A code typed as it rolls over, or sent from a phone a little behind, still counts: one
# 30 s step either side (RFC 6238 section 5.2). allauth never accepts the same code twice.
MFA_TOTP_TOLERANCE = 1
# Wagtail sends a signed-in person without editor rights to its login URL: that route
# (schoolwell/cms_access.py) answers them 403; allauth would send them back (a loop).
WAGTAILADMIN_LOGIN_URL = "wagtail_admin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)  # idle: renewed while in use
SESSION_SAVE_EVERY_REQUEST = False  # schoolwell.middleware.session_touch: once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(seconds=envint("SESSION_ABSOLUTE_SECONDS", 12 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- transport security -----------------------------------------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- language, time ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "America/Chicago")
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- static -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # What editors upload in the CMS (Wagtail's documents and images): the database, so that
    # every node serves it (schoolwell/filestore.py), or the bucket with SHARED_STORAGE=s3.
    "default": {"BACKEND": "schoolwell.filestore.MediaStorage", "OPTIONS": {"prefix": "media/"}},
    # Content-hashed names with .gz/.br copies (schoolwell/static_storage.py).
    "staticfiles": {"BACKEND": "schoolwell.static_storage.StaticStorage"},
    # Files another node's process may read (a roster upload the task worker imports): the
    # database by default; SHARED_STORAGE=s3 puts them in a bucket (django-storages).
    "shared": {"BACKEND": "schoolwell.filestore.DatabaseStorage"},
}
if envstr("SHARED_STORAGE", "database") == "s3":
    STORAGES["shared"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("S3_BUCKET", ""),
            "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("S3_REGION", "") or None,
            "location": "shared",
            "default_acl": None,  # private: read by the server, never linked
            "file_overwrite": False,
        },
    }
    STORAGES["default"] = {
        "BACKEND": STORAGES["shared"]["BACKEND"],
        # Signed links that expire: an image rendition is fetched straight from the bucket.
        "OPTIONS": STORAGES["shared"]["OPTIONS"] | {"location": "media", "querystring_auth": True},
    }
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"  # on disk before 0015_media_to_database
# Off unless DEBUG: WhiteNoise then serves collectstatic's output with its .gz/.br siblings
# (`make demo` and docs/deploy.md run collectstatic); finders serve the sources, uncompressed.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", DEBUG)

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "SchoolWell"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt"]
# Documents always pass through Wagtail's view, which checks their collection's privacy; with
# a bucket, Wagtail would otherwise redirect to it.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Nothing leaves the server: no avatars from gravatar, no update or news checks.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- SchoolWell -------------------------------------------------------------------------------
DEMO_PASSWORD = envsecret("DEMO_PASSWORD", "schoolwell-demo-2026")
SCHOOLWELL_DEFAULT_RETENTION_YEARS = envint("RETENTION_YEARS", 7)
# Keys the small random adjustment of every published trends count (trends/cellkey.py). Keep it
# for good: a new value re-draws every figure, and someone holding exports from before and
# after could average the two draws. Unset, it is derived from SECRET_KEY (pin it before
# rotating SECRET_KEY, like TRANSFER_KEY_SECRET).
TRENDS_NOISE_SECRET = envsecret("TRENDS_NOISE_SECRET", "") or hmac_hex(
    SECRET_KEY, b"schoolwell.trends.cell-key"
)
# A new district's country (ISO 3166-1 alpha-2): distance units and "ZIP code"/"postcode".
SCHOOLWELL_DEFAULT_COUNTRY = envstr("DEFAULT_COUNTRY", "US").upper()
# Encrypts the private halves of the district's transfer-packet keys at rest. Without it, a
# key derived from SECRET_KEY (HKDF-SHA256) is used: rotating SECRET_KEY then needs the old
# value here, or the keys must be made again (docs/transfer-packets.md).
TRANSFER_KEY_SECRET = envsecret("TRANSFER_KEY_SECRET", "") or hkdf_hex(
    SECRET_KEY, b"schoolwell.transfer-keys"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "django_tasks": {"level": "WARNING"}},
}

"""The sign-in button and the sign-out button are forms whose answer is a redirect to the
district's provider; Content-Security-Policy's form-action covers such redirects, so the
provider's origin is added to it: on the sign-in pages for every provider in use, and on
every page of a session that signed in through one (its sign-out goes there too)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from schoolwell.auth import SSO_SESSION_KEY
from schoolwell.sso.models import IdentityProvider

logger = logging.getLogger(__name__)
SIGN_IN_PREFIX = "/accounts/"
ORIGINS_KEY = "sso:origins:{}"
ORIGINS_SECONDS = 3600
ENDPOINTS = ("authorization_endpoint", "end_session_endpoint")


def provider_form_targets(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        policy = response.get("Content-Security-Policy", "")
        if "form-action 'self'" not in policy:
            return response
        origins = set()
        if request.path.startswith(SIGN_IN_PREFIX):
            for idp in IdentityProvider.objects.filter(enabled=True).select_related("app"):
                origins |= origins_of(idp)
        # Kept in the session at sign-in (adapter.py): no query on every page.
        sso = getattr(request, "session", {}).get(SSO_SESSION_KEY) or {}
        origins |= set(sso.get("origins", ()))
        if origins:
            allowed = " ".join(["form-action 'self'", *sorted(origins)])
            response["Content-Security-Policy"] = policy.replace("form-action 'self'", allowed)
        return response

    return middleware


def origins_of(idp: IdentityProvider) -> set[str]:
    """Where the provider's sign-in and sign-out endpoints live (its discovery document,
    read at most hourly; the configured URL's origin if it cannot be read)."""
    key = ORIGINS_KEY.format(idp.app.pk)
    found = cache.get(key)
    if found is None:
        found = {_origin(idp.app.settings.get("server_url", ""))}
        try:
            adapter = idp.app.get_provider(None).get_oauth2_adapter(None)
            config = adapter.openid_config
            found |= {_origin(config.get(name, "")) for name in ENDPOINTS}
        except Exception:  # noqa: BLE001  (unreachable now: try again within the hour)
            logger.warning("Could not read %s's discovery document", idp, exc_info=True)
        found.discard("")
        cache.set(key, found, ORIGINS_SECONDS)
    return set(found)


def _origin(url: str) -> str:
    bits = urlsplit(url)
    return f"{bits.scheme}://{bits.netloc}" if bits.scheme in ("http", "https") else ""

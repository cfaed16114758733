"""allauth's OpenID Connect provider, made strict (settings.SOCIALACCOUNT_PROVIDERS puts this
class in its place): PKCE and a nonce on every sign-in, the ID token always validated
(tokens.py), and the claims kept whole so the district's matching rule and second-factor
rule can read them (adapter.py)."""

from __future__ import annotations

import secrets

from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from schoolwell.sso.oidc.views import StrictAdapter


class DistrictProvider(OpenIDConnectProvider):
    package = "schoolwell.sso.oidc"  # its login and callback views
    oauth2_adapter_class = StrictAdapter

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()  # S256, whatever the stored settings say

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Send a fresh nonce with the request, and keep it in the sign-in's state (kept
        server-side by allauth) for the callback to compare with the ID token's."""
        nonce = secrets.token_urlsafe(24)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def get_auth_params_from_request(self, request, action):
        """Only the stored parameters: a link may not add its own (prompt=none, login_hint)."""
        return self.get_auth_params()


provider_classes: list = []  # registered in place of openid_connect, by the setting

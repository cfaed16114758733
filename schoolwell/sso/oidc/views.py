from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp, SocialToken
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest

from schoolwell.sso.tokens import verify_id_token


class StrictAdapter(OpenIDConnectOAuth2Adapter):
    """Claims come from the validated ID token only (userinfo, when fetched, may add to
    them but never change sub, email or email_verified)."""

    state: dict | None = None

    def complete_login(self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs):
        raw = kwargs["response"].get("id_token")
        if not raw:
            raise OAuth2Error("the provider sent no ID token")
        claims = verify_id_token(
            raw,
            config=self.openid_config,
            client_id=app.client_id,
            nonce=(self.state or {}).get("nonce", ""),
        )
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", False):
            userinfo = self._fetch_user_info(token.token)
            if userinfo.get("sub") != claims["sub"]:
                raise OAuth2Error("userinfo is about someone else than the ID token")
            data["userinfo"] = {**userinfo, **claims}
        if self.state is not None:
            # For RP-initiated logout: the provider wants its own token back as the hint.
            # (This dict becomes the SocialLogin's state once this returns.)
            self.state["id_token"] = raw
        return self.get_provider().sociallogin_from_response(request, data)


class StrictCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state  # the nonce sent with this sign-in
        return state, response


@login_not_required
def login(request: HttpRequest, provider_id: str):
    try:
        return OAuth2LoginView.adapter_view(StrictAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request: HttpRequest, provider_id: str):
    try:
        return StrictCallbackView.adapter_view(StrictAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None

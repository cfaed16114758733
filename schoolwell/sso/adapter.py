"""allauth's hooks for single sign-on (settings: ACCOUNT_ADAPTER, SOCIALACCOUNT_ADAPTER).

- A sign-in through a district's provider is matched to the roster (matching.py) or refused
  with a page that says why and an access-log row; nothing is ever created.
- A district that allows only single sign-on for students or for staff refuses their
  password and e-mailed-code sign-ins, pointing to its provider.
- Staff skip TOTP only when the district trusts its provider's second factor and the ID
  token says one was used (stages.py, and schoolwell.middleware.require_mfa_for_staff).
- Signing out also signs out at the provider, where it supports RP-initiated logout."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from schoolwell import audit, auth, permissions
from schoolwell.links import absolute
from schoolwell.models import User
from schoolwell.sso.matching import CONNECT, UNKNOWN, Refusal, find_person
from schoolwell.sso.middleware import origins_of
from schoolwell.sso.models import IdentityProvider

logger = logging.getLogger(__name__)


def refuse(
    request: HttpRequest, idp: IdentityProvider, refusal: Refusal, **who: Any
) -> HttpResponse:
    """The refusal page, and the access-log row that says who tried and why."""
    audit.access_log(
        obj=idp, action="sign_in_refused", reason=f"single sign-on: {refusal.code}", **who
    )
    context = {"refusal": refusal, "idp": idp, "login_url": reverse("account_login")}
    return render(request, "sso/refused.html", context, status=403)


def provider_of(user: User) -> IdentityProvider | None:
    """The identity provider of the district this person belongs to, if it has one."""
    at_district = Q(district__memberships__user=user, district__memberships__active=True)
    at_school = Q(
        district__schools__memberships__user=user, district__schools__memberships__active=True
    )
    found = IdentityProvider.objects.filter(at_district | at_school, enabled=True)
    return found.select_related("app").distinct().first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def list_apps(self, request: HttpRequest, provider=None, client_id=None) -> list:
        """Only apps a district has in use: a switched-off provider's URLs answer 404."""
        in_use = set(IdentityProvider.objects.filter(enabled=True).values_list("app", flat=True))
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.pk in in_use]

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        app = sociallogin.account.get_provider(request).app
        idp = IdentityProvider.objects.select_related("district", "app").get(app=app)
        claims = sociallogin.account.extra_data.get("id_token", {})
        actor = f"{idp.app.name} subject {claims.get('sub', '?')}"[:200]
        if sociallogin.state.get("process", "login") != "login":
            raise ImmediateHttpResponse(refuse(request, idp, CONNECT, user=None, actor=actor))
        linked = sociallogin.user if sociallogin.is_existing else None
        user, refusal = find_person(idp, claims, linked)
        if refusal is not None or user is None:
            refusal = refusal or UNKNOWN
            raise ImmediateHttpResponse(refuse(request, idp, refusal, user=user, actor=actor))
        if not sociallogin.is_existing:
            sociallogin.user = user
            sociallogin.save(request, connect=True)  # the link; the account is the roster's
        request.session[auth.SSO_SESSION_KEY] = {
            "user": user.pk,
            "provider": idp.pk,
            "second_factor": idp.second_factor_used(claims),
            "id_token": sociallogin.state.get("id_token", ""),
            "origins": sorted(origins_of(idp)),  # where its sign-out form may go
        }


class AccountAdapter(auth.AccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            "schoolwell.sso.stages.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        signal_kwargs = kwargs.get("signal_kwargs") or {}
        if "sociallogin" not in signal_kwargs and user.is_active:
            idp = provider_of(user)
            if idp and idp.sso_only_for(staff=permissions.is_staff_member(user)):
                from allauth.account.internal.stagekit import clear_login

                clear_login(request)
                context = {"idp": idp, "login_url": reverse("account_login")}
                return render(request, "sso/use_provider.html", context, status=403)
        return super().pre_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """Asked before the session ends: if the district says so, the provider's own
        sign-out (RP-initiated logout), which comes back to the sign-in page."""
        sso = request.session.get(auth.SSO_SESSION_KEY) or {}
        return _end_session_url(sso) or super().get_logout_redirect_url(request)


def _end_session_url(sso: dict) -> str:
    idp = IdentityProvider.objects.select_related("app").filter(pk=sso.get("provider")).first()
    if idp is None or not idp.sign_out_at_provider or not sso.get("id_token"):
        return ""
    provider = idp.app.get_provider(None)
    try:
        endpoint = provider.get_oauth2_adapter(None).openid_config.get("end_session_endpoint")
    except Exception:  # the provider is down: SchoolWell's sign-out stands on its own
        logger.warning("Could not read %s's discovery document at sign-out", idp)
        return ""
    if not endpoint:
        return ""
    query = {
        "id_token_hint": sso["id_token"],
        "client_id": idp.app.client_id,
        "post_logout_redirect_uri": absolute(reverse("account_login")),
    }
    return f"{endpoint}?{urlencode(query)}"

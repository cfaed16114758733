"""Sign-in rules on top of allauth: accounts come from the roster, never from self sign-up;
limits count the real client behind the proxy, and a stranger's failures at a shared address
never keep out someone who signs in correctly with their second step."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.core import ratelimit
from allauth.core.internal.httpkit import clean_client_ip
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import force_str

from schoolwell.links import PublicSite, absolute

logger = logging.getLogger(__name__)

# ACCOUNT_RATE_LIMITS key: failed sign-ins per client address (settings.py sets the rate).
ADDRESS_FAILURES = "login_failed_address"
# Set by a single sign-on (schoolwell/sso) before the sign-in completes: who it was for,
# whether the district's provider vouched for a second factor, and what signing out needs.
SSO_SESSION_KEY = "schoolwell_sso"


def may_sign_in(user: AbstractBaseUser) -> bool:
    """Both switches on: the roster's (is_active) and the district's (sign_in_enabled)."""
    return bool(user.is_active and getattr(user, "sign_in_enabled", True))


def provider_vouched(request: HttpRequest, user: AbstractBaseUser | None) -> bool:
    """This session's single sign-on, for this user, used a second factor the district
    trusts (in place of TOTP)."""
    sso = request.session.get(SSO_SESSION_KEY) or {}
    return bool(user is not None and sso.get("user") == user.pk and sso.get("second_factor"))


class Switched:
    """Password sign-in and every request's session: an account switched off by the roster
    or by the district is nobody (its open sessions and sockets end on their next check)."""

    def user_can_authenticate(self, user: AbstractBaseUser | None) -> bool:
        return user is not None and may_sign_in(user)


class SwitchedModelBackend(Switched, ModelBackend):
    pass


class SwitchedAuthenticationBackend(Switched, AuthenticationBackend):
    pass


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse | None:
        """A sign-in by code (which skips the backends) still needs both switches on."""
        if user.is_active and not may_sign_in(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth reads X-Forwarded-For only with ALLAUTH_TRUSTED_PROXY_COUNT > 0 (from
        TRUSTED_PROXY_COUNT), taking the entry the nearest trusted proxy wrote. A header with
        fewer entries than trusted proxies did not come through them all: allauth raises
        (a 500 on every sign-in); the peer address is the one thing not forged then."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning(
                "X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT; "
                "counting sign-in limits by the connecting address"
            )
            ip = clean_client_ip(request.META.get("REMOTE_ADDR", ""))
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """The per-account limit (ACCOUNT_RATE_LIMITS["login_failed"]) runs in allauth's
        authenticate and refuses even the right password once an account is over it.

        Per address only failures count. An address over its limit (a stranger guessing
        behind the school's NAT) still lets a correct password through for an account with
        a second step, whose code is limited per account; for accounts without one the
        address limit is the guard against password spraying, so they wait, and a right
        and a wrong password get the same answer there."""
        user = super().authenticate(request, **credentials)
        if user is None:
            ratelimit.consume(request, action=ADDRESS_FAILURES)
        address_over_limit = not ratelimit.consume(request, action=ADDRESS_FAILURES, dry_run=True)
        if address_over_limit and (user is None or not is_mfa_enabled(user)):
            raise self.validation_error("too_many_login_attempts")
        return user

    # allauth builds its links and its `current_site` from the request (the Sites framework
    # is not installed): every mail it sends goes through send_mail, and every link in them
    # through the two URL methods below, so all of them use SITE_URL instead.
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        links = {
            key: absolute(value)
            for key, value in context.items()
            if key.endswith("_url") and isinstance(value, str) and "://" in value
        }
        super().send_mail(
            template_prefix, email, {**context, **links, "current_site": PublicSite()}
        )

    def format_email_subject(self, subject: str) -> str:
        return f"[{PublicSite.name}] {force_str(subject)}"

    def get_reset_password_from_key_url(self, key: str) -> str:
        return absolute(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return absolute(super().get_email_confirmation_url(request, emailconfirmation))

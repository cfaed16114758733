"""Cross-cutting request rules: session limits, MFA for staff, response headers."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from schoolwell import permissions

Middleware = Callable[[HttpRequest], HttpResponse]

SIGNED_IN_AT = "schoolwell_signed_in_at"
# Idle expiry moves on when a session is saved; a session in use is saved at most this often
# (seconds), not on every request: SESSION_COOKIE_AGE is then exact to within this.
TOUCHED_AT = "schoolwell_touched_at"
TOUCH_EVERY_SECONDS = 60
# Paths a staff member without MFA may still reach: to set MFA up, sign out, switch language.
MFA_SETUP_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Wagtail and Django admins ship inline scripts and styles of their own.
ADMIN_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'self'"
)
ADMIN_PREFIXES = ("/cms/", "/admin/")
# plotly.js writes <style> rules for its toolbar and hover labels at run time; scripts stay
# 'self' only. Allowed on the trends pages alone, which show no names.
CHART_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
CHART_PREFIXES = ("/trends/",)
LOGOUT_PATH = "/accounts/logout/"


def past_absolute_limit(session: SessionBase) -> bool:
    """Whether a session is older than SESSION_ABSOLUTE_LIMIT. One that has not recorded its
    sign-in time yet (no request since sign-in) counts from its first request, so: no.
    Shared with the sockets (schoolwell.live_sessions), which must end at the same moment."""
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return False
    return time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIMIT.total_seconds()


def session_limits(get_response: Middleware) -> Middleware:
    """Idle expiry is SESSION_COOKIE_AGE renewed on every request; this adds the absolute
    limit: a session ends SESSION_ABSOLUTE_LIMIT after sign-in, however active."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            if request.session.get(SIGNED_IN_AT) is None:
                request.session[SIGNED_IN_AT] = time.time()
            elif past_absolute_limit(request.session):
                logout(request)
                return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def session_touch(get_response: Middleware) -> Middleware:
    """Idle expiry without a database write per request: a signed-in session that nothing
    else changed is saved (and its expiry moved) once a minute while it is in use."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if session.modified or now - session.get(TOUCHED_AT, 0) >= TOUCH_EVERY_SECONDS:
                session[TOUCHED_AT] = now  # saved anyway, or due
        return response

    return middleware


def require_mfa_for_staff(get_response: Middleware) -> Middleware:
    """Staff without TOTP set up can reach nothing but the MFA set-up pages."""
    from allauth.mfa.utils import is_mfa_enabled

    from schoolwell.auth import provider_vouched

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_SETUP_PREFIXES)
            and permissions.requires_mfa(user)
            and not is_mfa_enabled(user)
            and not provider_vouched(request, user)
        ):
            return redirect("mfa_activate_totp")
        return get_response(request)

    return middleware


def security_headers(get_response: Middleware) -> Middleware:
    """CSP with no external sources everywhere, and no-store on every page (student data
    must not sit in a shared computer's cache); static files stay cacheable."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path.startswith(ADMIN_PREFIXES):
            policy = ADMIN_CONTENT_SECURITY_POLICY
        elif request.path.startswith(CHART_PREFIXES):
            policy = CHART_CONTENT_SECURITY_POLICY
        else:
            policy = CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.method == "POST" and request.path == LOGOUT_PATH and response.status_code < 400:
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        if not request.path.startswith(settings.STATIC_URL):
            # Every page, not only signed-in ones: a partner's signed link shows a student's
            # name to someone with no session.
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def actor(get_response: Middleware) -> Middleware:
    """Who is asking, built once per request and typed on it (schoolwell.actor.ActorRequest):
    every predicate and every `visible_to` of the request reads this one Actor."""
    from schoolwell.actor import Actor

    def middleware(request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: Actor.of(request.user))  # type: ignore[attr-defined]
        return get_response(request)

    return middleware

"""The demo district's identity provider for the browser tests: the real local OpenID
Provider (schoolwell/sso/local_idp, node oidc-provider) on loopback, its client pointed at
the live server, and the district's IdentityProvider set up as an administrator would."""

from __future__ import annotations

import pytest

from schoolwell.sso.idp_process import LocalIdP
from schoolwell.sso.models import IdentityProvider

CLIENT_ID, CLIENT_SECRET = "schoolwell-test", "a-test-client-secret"
PROVIDER_ID = "riverbend"
IDP_PASSWORD = "idp-password"

# Who the provider knows: some are on the roster, some are not (tests make the roster side).
IDP_USERS = [
    {"sub": "s-100", "email": "ana.student@riverbend.test", "email_verified": True,
     "preferred_username": "ana.student", "given_name": "Ana", "family_name": "Student"},
    {"sub": "t-200", "email": "tom.teacher@riverbend.test", "email_verified": True,
     "preferred_username": "tom.teacher", "given_name": "Tom", "family_name": "Teacher"},
    {"sub": "x-300", "email": "nobody@riverbend.test", "email_verified": True,
     "preferred_username": "nobody", "given_name": "No", "family_name": "Body"},
    {"sub": "u-400", "email": "unverified@riverbend.test", "email_verified": False,
     "preferred_username": "unverified", "given_name": "Un", "family_name": "Verified"},
]  # fmt: skip


@pytest.fixture(scope="session")
def local_idp(live_server):
    callback = f"{live_server.url}/accounts/oidc/{PROVIDER_ID}/login/callback/"
    config = {
        "title": "Riverbend SSO (local test identity provider)",
        "control": True,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [callback],
                "post_logout_redirect_uris": [f"{live_server.url}/accounts/login/"],
            }
        ],
        "users": [{**user, "password": IDP_PASSWORD} for user in IDP_USERS],
    }
    with LocalIdP(config) as idp:
        yield idp


@pytest.fixture
def riverbend_sso(local_idp, live_server, school_a, settings):
    """School A's district signs in through the local provider, matched by e-mail."""
    settings.SITE_URL = live_server.url
    local_idp.set_tamper("none")
    return IdentityProvider.create(
        school_a.district,
        provider_id=PROVIDER_ID,
        label="Sign in with Riverbend SSO",
        issuer=local_idp.issuer,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
    )


def sso_sign_in(page, base: str, username: str, *, otp: str = "") -> None:
    """From SchoolWell's sign-in page through the provider's own page and back."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Riverbend SSO").click()
    try:
        page.get_by_label("Username or email").wait_for()
    except Exception:
        print("DEBUG", page.url, page.content()[:3000])
        raise
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    if otp:
        page.get_by_label("One-time code (optional)").fill(otp)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: url.startswith(base))  # back at SchoolWell
    page.wait_for_load_state()

"""The demo district signs in through a local identity provider too: "Sign in with Riverbend
SSO" on the sign-in page reaches the provider `manage.py run_demo_idp` starts (make demo),
which knows the demo accounts by their e-mail addresses. Idempotent."""

from django.conf import settings
from django.db import transaction

from schoolwell.demo import DEMO_ACCOUNTS, DISTRICT_ID, demo_email
from schoolwell.models import District, User
from schoolwell.sso.models import IdentityProvider

DEMO_IDP_URL = "http://127.0.0.1:9555"
CLIENT_ID, CLIENT_SECRET = "schoolwell-demo", "schoolwell-demo-client-secret"
PROVIDER_ID = "riverbend"


@transaction.atomic
def seed(*, seed: int = 2026) -> dict[str, int]:
    district = District.objects.filter(sourced_id=DISTRICT_ID).first()
    if district is None or IdentityProvider.objects.filter(district=district).exists():
        return {"identity providers": 0}
    IdentityProvider.create(
        district,
        provider_id=PROVIDER_ID,
        label="Sign in with Riverbend SSO",
        issuer=DEMO_IDP_URL,
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        kind=IdentityProvider.Kind.OIDC,
        trust_provider_mfa=True,
    )
    return {"identity providers": 1}


def idp_config() -> dict:
    """The local provider's configuration: this client, and the demo accounts (the demo
    password; any six-digit one-time code counts as a second factor there)."""
    site = settings.SITE_URL
    users = []
    for local, *_ in DEMO_ACCOUNTS:
        user = User.objects.filter(email=demo_email(local)).first()
        if user is not None:
            users.append(
                {
                    "sub": f"riverbend-{local}",
                    "password": settings.DEMO_PASSWORD,
                    "email": user.email,
                    "email_verified": True,
                    "preferred_username": local,
                    "given_name": user.first_name,
                    "family_name": user.last_name,
                    "name": user.get_full_name(),
                }
            )
    return {
        "issuer": DEMO_IDP_URL,
        "title": "Riverbend SSO (local demo identity provider)",
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{site}/accounts/oidc/{PROVIDER_ID}/login/callback/"],
                "post_logout_redirect_uris": [f"{site}/accounts/login/"],
            }
        ],
        "users": users,
    }

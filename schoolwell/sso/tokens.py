"""ID token validation (OpenID Connect Core 1.0, section 3.1.3.7), every time: allauth skips
the signature when the token came straight from the token endpoint, and checks neither the
nonce nor a clock leeway. Here the signature is checked against the provider's published
keys, with the algorithm the key names (never the token's own choice), and the issuer,
audience, authorized party, expiry, issue time and nonce are all required."""

from __future__ import annotations

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.utils.crypto import constant_time_compare

# How far the provider's clock may differ from ours (seconds) before a token is refused.
LEEWAY_SECONDS = 60
ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
REQUIRED = ["iss", "aud", "exp", "iat", "sub"]


def verify_id_token(raw: str, *, config: dict, client_id: str, nonce: str) -> dict:
    """The token's claims, or OAuth2Error saying what was wrong (allauth shows its
    authentication-error page and nothing is signed in)."""
    try:
        header = jwt.get_unverified_header(raw)
        key, algorithm = _signing_key(config["jwks_uri"], header)
        claims = jwt.decode(
            raw,
            key=key,
            algorithms=[algorithm],
            audience=client_id,
            issuer=config["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED},
        )
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise OAuth2Error(f"ID token refused: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OAuth2Error("ID token refused: issued to several parties, and not for us")
    if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
        raise OAuth2Error("ID token refused: its nonce is not the one this sign-in sent")
    return claims


def _signing_key(jwks_uri: str, header: dict) -> tuple[jwt.PyJWK, str]:
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_uri, timeout=10)
        response.raise_for_status()
        keys = response.json().get("keys", [])
    kid = header.get("kid")
    for jwk in keys:
        if jwk.get("use", "sig") == "sig" and (kid is None or jwk.get("kid") == kid):
            algorithm = jwk.get("alg") or header.get("alg", "")
            if algorithm not in ALGORITHMS or header.get("alg") != algorithm:
                raise ValueError(f"signing algorithm {header.get('alg')!r} is not accepted")
            return jwt.PyJWK(jwk, algorithm), algorithm
    raise ValueError(f"no published key has the id {kid!r}")

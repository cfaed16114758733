"""The roster is the source of truth: a sign-in through a district's provider is the person
that district's roster already knows, found by the identifier the district chose. Nothing
is ever created; every other outcome is a refusal with its reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schoolwell.models import User
from schoolwell.sso.models import IdentityProvider

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Refusal:
    code: str  # written to the access log
    message: StrOrPromise  # shown to the person, in their language


UNKNOWN = Refusal(
    "unknown person",
    _(
        "Your school account signed you in, but this district's roster does not list you, "
        "so SchoolWell cannot tell which student or staff member you are. Ask your school "
        "office to check that the roster has your school account."
    ),
)
UNVERIFIED = Refusal(
    "e-mail not verified",
    _(
        "Your sign-in provider did not confirm that the e-mail address it sent is yours, so "
        "it cannot be used to find you. Ask your district's IT team to check the provider."
    ),
)
LEFT = Refusal(
    "not on the roster any more",
    _(
        "The roster says you are no longer at a school of this district, so your SchoolWell "
        "account is closed. If that is wrong, ask your school office."
    ),
)
SWITCHED_OFF = Refusal(
    "account switched off",
    _(
        "Your SchoolWell account is not switched on yet. Your district switches accounts on "
        "when the school starts using SchoolWell; ask your school office when that will be."
    ),
)
OTHER_ORGANISATION = Refusal(
    "another organisation's account",
    _(
        "You signed in with an account that does not belong to this district. Sign out of "
        "your provider and sign in with your school account."
    ),
)
CONNECT = Refusal(
    "not a sign-in",
    _("A school account can only be used to sign in, not linked to another account."),
)
NO_CLAIM_DEFAULT = {"username": "preferred_username", "identifier": "sub"}


def find_person(
    idp: IdentityProvider, claims: dict, linked: User | None
) -> tuple[User | None, Refusal | None]:
    """The account this sign-in is and, if it may not sign in, why (the account is None
    when no one of this district was found). `linked` is the account an earlier sign-in
    with the same provider identity reached."""
    if not idp.is_for_this_district(claims):
        return None, OTHER_ORGANISATION
    user = linked or by_rule(idp, claims)
    if isinstance(user, Refusal):
        return None, user
    place = Q(memberships__district=idp.district) | Q(memberships__school__district=idp.district)
    in_district = User.objects.filter(place, pk=user.pk)
    if not in_district.exists():
        return None, UNKNOWN  # another district's person: as if unknown
    if not user.is_active or not in_district.filter(memberships__active=True).exists():
        return user, LEFT
    if not user.sign_in_enabled:
        return user, SWITCHED_OFF
    return user, None


def by_rule(idp: IdentityProvider, claims: dict) -> User | Refusal:
    if idp.match_by == IdentityProvider.MatchBy.EMAIL:
        email = str(claims.get("email") or "").strip()
        if not email:
            return UNKNOWN
        if claims.get("email_verified") not in (True, "true"):
            return UNVERIFIED
        found = User.objects.filter(email__iexact=email)
    else:
        claim = idp.match_claim or NO_CLAIM_DEFAULT.get(idp.match_by, "sub")
        value = str(claims.get(claim) or "").strip()
        if not value:
            return UNKNOWN
        if idp.match_by == IdentityProvider.MatchBy.USERNAME:
            value = value.lower()
        found = User.objects.filter(**{f"roster_ids__{idp.match_by}": value})
    place = Q(memberships__district=idp.district) | Q(memberships__school__district=idp.district)
    matches = list(found.filter(place).distinct()[:2])
    # Two accounts with the same identifier: neither is certain, so neither signs in.
    return matches[0] if len(matches) == 1 else UNKNOWN

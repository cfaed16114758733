"""Matching a provider's claims to the roster (schoolwell/sso/matching.py) and the
second-factor rule, without a browser; the browser walks are tests/e2e/test_sso_sign_in.py."""

import pytest
from allauth.socialaccount.models import SocialApp

from schoolwell.models import Role, User
from schoolwell.sso import matching
from schoolwell.sso.models import IdentityProvider
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp(school_a):
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="a", name="A SSO", client_id="c", secret="s"
    )
    return IdentityProvider.objects.create(district=school_a.district, app=app)


def test_matching_by_a_roster_identifier_reads_the_claim_the_district_names(idp, school_a):
    user = member(Role.TEACHER, school=school_a, roster_ids={"userMasterIdentifier": "T-9"})
    idp.match_by, idp.match_claim = IdentityProvider.MatchBy.MASTER, "employee_id"
    assert matching.find_person(idp, {"sub": "x", "employee_id": "T-9"}, None) == (user, None)
    assert matching.find_person(idp, {"sub": "x", "employee_id": "T-1"}, None)[1] == (
        matching.UNKNOWN
    )


def test_two_roster_accounts_with_one_identifier_sign_in_neither(idp, school_a):
    for _ in range(2):
        member(Role.TEACHER, school=school_a, roster_ids={"username": "sam"})
    idp.match_by = IdentityProvider.MatchBy.USERNAME
    claims = {"sub": "x", "preferred_username": "SAM"}
    assert matching.find_person(idp, claims, None) == (None, matching.UNKNOWN)


def test_an_e_mail_claim_counts_only_when_verified(idp, school_a):
    user = member(Role.TEACHER, school=school_a)
    claims = {"sub": "x", "email": user.email.upper()}
    assert matching.find_person(idp, claims, None) == (None, matching.UNVERIFIED)
    claims["email_verified"] = True
    assert matching.find_person(idp, claims, None) == (user, None)


def test_a_person_of_another_district_is_unknown_here(idp, school_b):
    other = member(Role.TEACHER, school=school_b)
    claims = {"sub": "x", "email": other.email, "email_verified": True}
    assert matching.find_person(idp, claims, None) == (None, matching.UNKNOWN)


def test_a_shared_provider_must_name_this_district(idp, school_a):
    user = member(Role.TEACHER, school=school_a)
    idp.district_claim, idp.district_claim_value = "district", "d-1"
    claims = {"sub": "x", "email": user.email, "email_verified": True, "district": "d-2"}
    assert matching.find_person(idp, claims, None) == (None, matching.OTHER_ORGANISATION)
    claims["district"] = "d-1"
    assert matching.find_person(idp, claims, None) == (user, None)


@pytest.mark.parametrize(
    ("claims", "trusted", "vouched"),
    [
        ({"amr": ["pwd", "otp"]}, True, True),
        ({"amr": ["pwd"]}, True, False),
        ({"amr": ["pwd", "mfa"]}, False, False),
        ({"acr": "urn:district:mfa"}, True, True),
        ({"acr": "urn:district:pwd"}, True, False),
        ({"amr": "mfa"}, True, True),
    ],
)
def test_the_provider_vouches_for_a_second_factor_only_in_words_the_district_trusts(
    idp, claims, trusted, vouched
):
    idp.trust_provider_mfa, idp.mfa_acr = trusted, "urn:district:mfa"
    assert idp.second_factor_used(claims) is vouched


def test_left_and_switched_off_people_are_refused_with_their_reason(idp, school_a):
    user = member(Role.STUDENT, school=school_a)
    claims = {"sub": "x", "email": user.email, "email_verified": True}
    User.objects.filter(pk=user.pk).update(sign_in_enabled=False)
    assert matching.find_person(idp, claims, None)[1] == matching.SWITCHED_OFF
    user.memberships.update(active=False)
    assert matching.find_person(idp, claims, None)[1] == matching.LEFT

"""Sign-in limits: per account they stop guessing; per address they never keep out someone
who signs in correctly with their second step; behind the proxy they count the real client;
and with the shared cache down, sign-in still works and is still limited."""

import logging

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from schoolwell import signin_cache
from schoolwell.auth import AccountAdapter
from schoolwell.models import Discipline, Role
from tests.factories import PASSWORD, member
from tests.schoolwell.test_auth import current_code

SCHOOL_NAT = "198.51.100.7"  # one address for a whole school, the stranger included
ELSEWHERE = "192.0.2.10"
PROXY = "127.0.0.1"  # the nginx in front, as the app sees it
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Every failed sign-in for an unknown address hashes the guess (timing); MD5 first keeps
    a hundred of them quick, and the factories' PBKDF2 hashes still check."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    signin_cache.signin_cache.reset()  # not to leave the next test on the local counters


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def refused(response) -> bool:
    return response.status_code == 429 or (
        response.status_code == 200 and "too many" in response.content.decode().lower()
    )


def stranger_fails(client, times: int, **extra) -> None:
    for i in range(times):
        response = sign_in(client, f"nobody{i}@elsewhere.example", "a guess", **extra)
        assert response.status_code in (200, 429)


def signs_in_with_code(client, user, **extra) -> bool:
    response = sign_in(client, user.email, **extra)
    if response.status_code != 302 or response["Location"] != reverse("mfa_authenticate"):
        return False
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(user)}, **extra)
    return response.status_code == 302 and client.get(reverse("home")).wsgi_request.user == user


# --- a shared address --------------------------------------------------------------------------


def test_a_strangers_failures_at_a_shared_address_do_not_keep_out_staff_signing_in_correctly(
    client, settings, team_a
):
    stranger_fails(client, settings.SIGNIN_FAILURES_PER_ADDRESS + 5, REMOTE_ADDR=SCHOOL_NAT)
    client.cookies.clear()
    assert signs_in_with_code(client, team_a, REMOTE_ADDR=SCHOOL_NAT)
    assert client.get(reverse("support_team:queue")).status_code == 200


def test_an_address_over_its_failure_limit_still_refuses_accounts_without_a_second_step(
    client, settings, school_a
):
    """Students have no TOTP: for them the address limit is what stops a password spray, and
    a right password gets the same answer as a wrong one there."""
    student = member(Role.STUDENT, school=school_a)
    stranger_fails(client, settings.SIGNIN_FAILURES_PER_ADDRESS, REMOTE_ADDR=SCHOOL_NAT)
    right = sign_in(client, student.email, REMOTE_ADDR=SCHOOL_NAT)
    wrong = sign_in(client, student.email, "not it", REMOTE_ADDR=SCHOOL_NAT)
    assert refused(right) and refused(wrong)
    assert not right.wsgi_request.user.is_authenticated
    assert sign_in(client, student.email, REMOTE_ADDR=ELSEWHERE)["Location"] == reverse("home")


def test_a_class_of_forty_signs_in_from_one_address_in_the_same_minute(client, school_a):
    quick_hash = make_password(PASSWORD)  # MD5 here: forty PBKDF2 checks take seconds
    students = [member(Role.STUDENT, school=school_a, password=quick_hash) for _ in range(40)]
    for student in students:
        client.cookies.clear()
        response = sign_in(client, student.email, REMOTE_ADDR=SCHOOL_NAT)
        assert response.status_code == 302, student.email
        assert response["Location"] == reverse("home")


def test_the_sixth_bad_password_for_an_account_is_refused_whatever_the_address(client, teacher_a):
    for i in range(5):
        assert not refused(sign_in(client, teacher_a.email, "wrong", REMOTE_ADDR=f"203.0.113.{i}"))
    response = sign_in(client, teacher_a.email, REMOTE_ADDR=ELSEWHERE)
    assert refused(response)
    assert not response.wsgi_request.user.is_authenticated


def wrong_codes(client, user, times: int, **extra):
    sign_in(client, user.email, **extra)
    for _ in range(times):
        client.post(reverse("mfa_authenticate"), {"code": "000000"}, **extra)
    return client.post(reverse("mfa_authenticate"), {"code": current_code(user)}, **extra)


def test_the_code_step_counts_failures_per_account_not_per_address(client, school_a, team_a):
    colleagues = [
        member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE) for _ in range(3)
    ]
    for colleague in colleagues:
        client.cookies.clear()
        assert refused(wrong_codes(client, colleague, 5, REMOTE_ADDR=SCHOOL_NAT))
    client.cookies.clear()
    assert signs_in_with_code(client, team_a, REMOTE_ADDR=SCHOOL_NAT)


def test_a_school_can_request_many_sign_in_codes_and_resets_from_one_address(client, school_a):
    students = [member(Role.STUDENT, school=school_a) for _ in range(30)]
    for student in students:
        client.cookies.clear()
        response = client.post(
            reverse("account_request_login_code"), {"email": student.email}, REMOTE_ADDR=SCHOOL_NAT
        )
        assert response.status_code == 302, student.email
        response = client.post(
            reverse("account_reset_password"), {"email": student.email}, REMOTE_ADDR=SCHOOL_NAT
        )
        assert response.status_code == 302, student.email


def test_no_mail_goes_to_an_address_that_has_no_account(client, db):
    client.post(reverse("account_reset_password"), {"email": "someone@elsewhere.example"})
    client.post(reverse("account_request_login_code"), {"email": "someone@elsewhere.example"})
    assert mail.outbox == []


# --- the client address ------------------------------------------------------------------------


def client_address(**meta) -> str:
    return AccountAdapter().get_client_ip(RequestFactory().post("/", **meta))


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(REMOTE_ADDR=SCHOOL_NAT, HTTP_X_FORWARDED_FOR=ELSEWHERE) == SCHOOL_NAT


def test_without_a_trusted_proxy_a_stranger_cannot_spread_failures_over_forged_addresses(
    client, settings, school_a
):
    student = member(Role.STUDENT, school=school_a)
    for i in range(settings.SIGNIN_FAILURES_PER_ADDRESS):
        sign_in(
            client,
            f"nobody{i}@elsewhere.example",
            "a guess",
            REMOTE_ADDR=SCHOOL_NAT,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i % 250}",
        )
    response = sign_in(
        client, student.email, REMOTE_ADDR=SCHOOL_NAT, HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert refused(response)


def test_behind_one_trusted_proxy_limits_count_each_real_client(client, settings, school_a):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    student = member(Role.STUDENT, school=school_a)
    # nginx appends the address it saw; what the stranger sent before it is not believed.
    for i in range(settings.SIGNIN_FAILURES_PER_ADDRESS):
        sign_in(
            client,
            f"nobody{i}@elsewhere.example",
            "a guess",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i % 250}, {SCHOOL_NAT}",
        )
    assert refused(
        sign_in(client, student.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=SCHOOL_NAT)
    )
    response = sign_in(client, student.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response["Location"] == reverse("home")


def test_a_forwarded_for_shorter_than_the_proxy_count_signs_in_rather_than_failing(
    client, settings, school_a
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    student = member(Role.STUDENT, school=school_a)
    response = sign_in(client, student.email, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response["Location"] == reverse("home")
    assert client_address(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE) == PROXY


# --- the shared cache down ---------------------------------------------------------------------


def test_allauth_counts_and_marks_used_codes_in_the_fallback_cache():
    from allauth.core.internal import ratelimit
    from allauth.mfa.totp.internal import auth as totp

    assert ratelimit.cache is signin_cache.signin_cache
    assert totp.cache is signin_cache.signin_cache


def test_sessions_are_not_kept_in_the_cache(settings):
    assert "cache" not in settings.SESSION_ENGINE


def test_with_the_cache_down_staff_still_sign_in_and_a_warning_is_logged(
    cache_down, client, team_a, caplog
):
    with caplog.at_level(logging.WARNING, logger="schoolwell.signin_cache"):
        assert signs_in_with_code(client, team_a)
    assert "shared cache failed" in caplog.text
    assert Authenticator.objects.get(user=team_a, type="totp").last_used_at is not None


def test_with_the_cache_down_a_used_code_is_still_refused_the_second_time(
    cache_down, client, team_a
):
    code = current_code(team_a)
    sign_in(client, team_a.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    sign_in(client, team_a.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


def test_with_the_cache_down_the_local_limit_still_refuses_a_brute_force(
    cache_down, client, teacher_a
):
    for _ in range(5):
        assert not refused(sign_in(client, teacher_a.email, "wrong password"))
    response = sign_in(client, teacher_a.email)
    assert refused(response)
    assert not response.wsgi_request.user.is_authenticated


def test_with_the_cache_down_codes_and_resets_are_still_sent(cache_down, client, teacher_a):
    response = client.post(reverse("account_reset_password"), {"email": teacher_a.email})
    assert response.status_code == 302
    response = client.post(reverse("account_request_login_code"), {"email": teacher_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 2


class FlakyCache:
    def __init__(self):
        self.calls = 0
        self.broken = True

    def get(self, key, default=None):
        from redis.exceptions import ConnectionError

        self.calls += 1
        if self.broken:
            raise ConnectionError("refused")
        return "shared"


def test_a_failed_cache_is_left_alone_for_a_while_then_tried_again(monkeypatch):
    flaky, now = FlakyCache(), [1000.0]
    monkeypatch.setattr(signin_cache, "caches", {"default": flaky})
    monkeypatch.setattr(signin_cache, "clock", lambda: now[0])
    fallback = signin_cache.FallbackCache()
    assert fallback.get("k", "local") == "local"
    assert fallback.get("k", "local") == "local"
    assert flaky.calls == 1  # no second timeout while it is known to be down
    flaky.broken = False
    now[0] += signin_cache.RETRY_SECONDS
    assert fallback.get("k") == "shared"

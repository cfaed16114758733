"""Single sign-on in Chromium against a real OpenID Provider (node oidc-provider on
loopback): the code flow with PKCE and a nonce, matching to the roster, the staff second
factor rule, the refusals, and signing out at the provider."""

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from schoolwell.models import AccessLog, Role, User
from self_report import demo
from tests.e2e.conftest import screenshot, serious_violations, totp_code
from tests.e2e.sso import sso_sign_in
from tests.factories import PASSWORD, enrolled_student, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def check_in_content(transactional_db):
    """Where a student lands: the self-report page (flushed with every table)."""
    demo.ensure_catalogue()
    demo.ensure_page()


def ana(school):
    """A student on the roster, known to the provider as ana.student."""
    user = member(Role.STUDENT, school=school, email="ana.student@riverbend.test")
    enrolled_student(school, user=user)
    return user


def test_a_student_signs_in_through_the_district_provider(
    page, live_server, riverbend_sso, school_a
):
    student = ana(school_a)
    page.goto("/accounts/login/")
    assert serious_violations(page) == []
    screenshot(page, "sso-sign-in-page")
    sso_sign_in(page, live_server.url, "ana.student")
    assert "/accounts/" not in page.url  # no second factor for a student
    assert page.get_by_role("button", name="Sign out").count() == 1
    account = SocialAccount.objects.get()
    assert (account.user, account.uid, account.provider) == (student, "s-100", "riverbend")
    screenshot(page, "sso-student-home")


def test_a_teacher_is_asked_for_totp_unless_the_provider_vouched_for_a_second_factor(
    page, live_server, riverbend_sso, school_a
):
    teacher = member(Role.TEACHER, school=school_a, email="tom.teacher@riverbend.test")
    sso_sign_in(page, live_server.url, "tom.teacher")
    page.get_by_label("Code").fill(totp_code(teacher))  # the district does not trust it yet
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/2fa/" not in url)
    assert page.get_by_role("button", name="Sign out").count() == 1
    page.context.clear_cookies()

    riverbend_sso.trust_provider_mfa = True
    riverbend_sso.save()
    sso_sign_in(page, live_server.url, "tom.teacher")  # password only at the provider
    assert "/accounts/2fa/authenticate/" in page.url
    page.context.clear_cookies()

    sso_sign_in(page, live_server.url, "tom.teacher", otp="123456")  # amr: pwd, otp
    assert "/2fa/" not in page.url
    assert page.get_by_role("button", name="Sign out").count() == 1
    screenshot(page, "sso-teacher-signed-in")


@pytest.mark.parametrize(
    ("username", "arrange", "says"),
    [
        ("nobody", None, "does not list you"),
        ("unverified", "unverified", "did not confirm"),
        ("ana.student", "left", "no longer at a school"),
        ("ana.student", "switched_off", "not switched on yet"),
        ("ana.student", "other_district", "does not list you"),
    ],
)
def test_a_refused_sign_in_says_why_creates_nothing_and_is_logged(
    page, live_server, riverbend_sso, school_a, school_b, username, arrange, says
):
    student = ana(school_a)
    if arrange == "unverified":
        member(Role.STUDENT, school=school_a, email="unverified@riverbend.test")
    elif arrange == "left":
        User.objects.filter(pk=student.pk).update(is_active=False)
        student.memberships.update(active=False)
    elif arrange == "switched_off":
        User.objects.filter(pk=student.pk).update(sign_in_enabled=False)
    elif arrange == "other_district":
        student.memberships.update(school=school_b)
    users = User.objects.count()
    sso_sign_in(page, live_server.url, username)
    assert says in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    row = AccessLog.objects.get(action="sign_in_refused")
    assert row.object_type == "sso.identityprovider" and "single sign-on" in row.reason
    screenshot(page, f"sso-refused-{arrange or 'unknown'}")


@pytest.mark.parametrize(
    "tamper", ["wrong_key", "wrong_aud", "skew_future", "skew_past", "no_nonce", "bad_nonce"]
)
def test_an_id_token_that_fails_validation_signs_no_one_in(
    page, live_server, local_idp, riverbend_sso, school_a, tamper
):
    ana(school_a)
    local_idp.set_tamper(tamper)
    sso_sign_in(page, live_server.url, "ana.student")
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert "Third-Party Login Failure" in page.content()
    assert not SocialAccount.objects.exists()


def test_a_replayed_authorization_response_signs_no_one_in(
    page, live_server, riverbend_sso, school_a
):
    ana(school_a)
    callbacks = []
    page.on("request", lambda r: "/login/callback/" in r.url and callbacks.append(r.url))
    sso_sign_in(page, live_server.url, "ana.student")
    assert page.get_by_role("button", name="Sign out").count() == 1
    page.context.clear_cookies()
    page.goto(callbacks[0])  # the same code and state again, from a fresh browser session
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert "Third-Party Login Failure" in page.content()


def test_signing_out_also_signs_out_at_the_provider(page, live_server, riverbend_sso, school_a):
    ana(school_a)
    sso_sign_in(page, live_server.url, "ana.student")
    visited = []
    page.on("request", lambda r: visited.append(r.url))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    assert any("/session/end" in url and "id_token_hint=" in url for url in visited)
    # Signed out at the provider too: its own sign-in page is asked for again.
    page.get_by_role("button", name="Sign in with Riverbend SSO").click()
    expect(page.get_by_label("Username or email")).to_be_visible()


def test_a_student_of_an_sso_only_district_cannot_use_a_password(
    page, live_server, riverbend_sso, school_a
):
    riverbend_sso.students_sso_only = True
    riverbend_sso.save()
    student = ana(school_a)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(student.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert "school account" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("button", name="Sign out").count() == 0
    page.get_by_role("button", name="Sign in with Riverbend SSO").click()
    page.get_by_label("Username or email").fill("ana.student")

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from schoolwell.middleware import SIGNED_IN_AT
from schoolwell.models import Role
from tests.factories import PASSWORD, member


def current_code(user, steps_ago: int = 0) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_ago))


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_staff_sign_in_needs_the_totp_step(client, team_a):
    response = sign_in(client, team_a.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("support_team:queue")).status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(team_a)})
    assert response.status_code == 302
    assert client.get(reverse("support_team:queue")).status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(client, team_a):
    sign_in(client, team_a.email)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("steps_ago, signed_in", [(1, True), (2, False)])
def test_a_code_that_just_rolled_over_still_counts_an_older_one_does_not(
    client, team_a, steps_ago, signed_in
):
    """A code typed as the authenticator app rolls over is one 30 s step old when it arrives;
    a code two steps old is refused."""
    sign_in(client, team_a.email)
    with time_machine.travel(time.time() // 30 * 30 + 1, tick=False):
        response = client.post(
            reverse("mfa_authenticate"), {"code": current_code(team_a, steps_ago)}
        )
    assert (response.status_code == 302) is signed_in
    assert (client.get(reverse("support_team:queue")).status_code == 200) is signed_in


def test_staff_without_mfa_are_sent_to_set_it_up(client, school_a):
    teacher = member(Role.TEACHER, school=school_a, mfa=False)
    sign_in(client, teacher.email)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("mfa_activate_totp")
    # Changing MFA asks for the password again first (re-authentication before MFA changes).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_students_need_no_second_step(client, school_a):
    student = member(Role.STUDENT, school=school_a)
    response = sign_in(client, student.email)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("self_report:home")


def test_the_sixth_bad_password_within_five_minutes_is_refused(client, teacher_a):
    for _ in range(5):
        response = sign_in(client, teacher_a.email, "wrong password")
        assert "too many" not in response.content.decode().lower()
    response = sign_in(client, teacher_a.email, PASSWORD)  # even the right one, now
    assert response.status_code in (200, 429)
    assert response.status_code == 429 or "too many" in response.content.decode().lower()
    assert not response.wsgi_request.user.is_authenticated


def test_nobody_can_sign_themselves_up(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert b"closed" in response.content.lower()
    client.post(
        reverse("account_signup"),
        {
            "email": "new@x.example",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
        },
    )
    from schoolwell.models import User

    assert not User.objects.filter(email="new@x.example").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1!", False),  # under 8
        ("password123", False),  # common
        ("12345678901", False),  # numeric
        ("plain lowercase words", True),  # no composition rules
        ("x" * 30 + " a very long passphrase that is fine " + "y" * 20, True),  # 64+ allowed
    ],
)
def test_password_rules_follow_nist(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sessions_end_after_thirty_idle_minutes(client, settings, teacher_a):
    client.force_login(teacher_a)
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 30 * 60


def test_idle_time_restarts_while_in_use_with_at_most_one_write_a_minute(client, teacher_a):
    from django.contrib.sessions.models import Session

    client.force_login(teacher_a)
    with time_machine.travel(time.time(), tick=False) as clock:
        client.get(reverse("home"))
        key = client.session.session_key
        first = Session.objects.get(pk=key).expire_date
        clock.shift(30)
        client.get(reverse("home"))
        assert Session.objects.get(pk=key).expire_date == first  # no write within the minute
        clock.shift(61)
        client.get(reverse("home"))
        assert Session.objects.get(pk=key).expire_date > first  # in use: idle time restarts


def test_sessions_end_twelve_hours_after_sign_in(client, teacher_a):
    client.force_login(teacher_a)
    client.get(reverse("home"))
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_sign_out_clears_the_browser_copy(client, teacher_a):
    client.force_login(teacher_a)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_deactivating_a_user_ends_their_sessions(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("concerns:mine")).status_code == 200
    teacher_a.is_active = False
    teacher_a.save()
    response = client.get(reverse("concerns:mine"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_admin_and_cms_sign_in_go_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get("/cms/login/")
    assert response["Location"].startswith(reverse("account_login"))
    # Wagtail sends the signed-out to its login URL, which hands them on to allauth.
    response = client.get("/cms/")
    assert response["Location"] == "/cms/login/?next=/cms/"
    response = client.get(response["Location"])
    assert response["Location"] == reverse("account_login") + "?next=/cms/"


def test_pages_for_signed_in_people_are_not_cached(client, team_a):
    client.force_login(team_a)
    response = client.get(reverse("support_team:queue"))
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "http" not in csp

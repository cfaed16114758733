"""Every link in an e-mail starts with SITE_URL, the configured public address, whichever
Host the triggering request carried; /cms/ answers a signed-in non-editor 403, not a loop;
the Spanish sign-in page says "Iniciar sesión"."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from schoolwell.models import Role
from support_team.models import Intake
from support_team.services import intake_open, safeguarding_alert
from support_team.services.digest import digest_send_all
from tests.factories import member
from tests.schoolwell.test_settings import PRODUCTION, manage

PUBLIC = "https://schoolwell.example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")

pytestmark = pytest.mark.django_db


def links(mails) -> list[str]:
    found = [url for m in mails for url in LINK.findall(m.subject + "\n" + m.body)]
    assert found, "no link in these mails: is the pattern right?"
    return found


@override_settings(SITE_URL=PUBLIC)
def test_the_password_reset_mail_links_to_the_public_address_not_the_request_host(
    client, teacher_a, mailoutbox
):
    response = client.post(
        reverse("account_reset_password"), {"email": teacher_a.email}, HTTP_HOST="127.0.0.1:8000"
    )
    assert response.status_code == 302
    [mail] = mailoutbox
    assert all(url.startswith(f"{PUBLIC}/accounts/password/reset/key/") for url in links([mail]))
    assert "127.0.0.1" not in mail.subject + mail.body
    assert "schoolwell.example.org" in mail.body  # the footer names the public site


@override_settings(SITE_URL=PUBLIC)
def test_the_sign_in_code_mail_names_the_public_site_not_the_request_host(
    client, teacher_a, mailoutbox
):
    client.post(
        reverse("account_request_login_code"), {"email": teacher_a.email}, HTTP_HOST="localhost"
    )
    [mail] = mailoutbox
    assert "localhost" not in mail.subject + mail.body
    assert "schoolwell.example.org" in mail.body
    assert mail.subject.startswith("[SchoolWell]")


@override_settings(SITE_URL=PUBLIC)
def test_urgent_escalation_and_digest_mails_link_to_the_public_address(
    school_a, student_a, team_a, mailoutbox
):
    member(Role.SAFEGUARDING_LEAD, school=school_a, email="lead@a.example")
    intake = intake_open(
        school=school_a,
        student=student_a,
        source="staff_note",
        summary="Quiet",
        urgency=Intake.Urgency.URGENT,
    )
    safeguarding_alert(intake=intake)
    safeguarding_alert(intake=intake, escalated=True)
    digest_send_all()
    assert len(mailoutbox) >= 3
    assert all(url.startswith(f"{PUBLIC}/") for url in links(mailoutbox))


@pytest.mark.parametrize(
    "variables",
    [
        {"SITE_URL": ""},  # unset: would be http://127.0.0.1:8000
        {"SITE_URL": "http://schoolwell.example"},  # HTTPS=true, yet plain http links
        {"SITE_URL": "https://schoolwell.example/app"},  # a path: links would double up
    ],
)
def test_a_server_set_up_for_others_refuses_to_start_without_its_public_address(
    tmp_path, variables
):
    result = manage("check", env=PRODUCTION | {"DATA_DIR": str(tmp_path)} | variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SITE_URL" in result.stderr


def test_a_signed_in_person_without_editor_rights_gets_a_403_page_at_cms_not_a_loop(
    client, teacher_a
):
    client.force_login(teacher_a)
    response = client.get("/cms/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
    assert "have access to the content editor" in response.text
    assert f'href="{reverse("home")}"' in response.text


def test_someone_signed_out_is_sent_from_cms_to_the_one_sign_in_page(client):
    response = client.get("/cms/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=")


def test_an_editor_still_reaches_the_cms(client, school_a):
    editor = member(Role.DISTRICT_ADMIN, school=school_a)
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    assert client.get("/cms/login/?next=/cms/pages/").url == "/cms/pages/"
    assert client.get("/cms/login/?next=https://evil.example/").url == reverse("wagtailadmin_home")


def test_the_spanish_sign_in_page_says_iniciar_sesion(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S).group(1)
    buttons = [b.strip() for b in re.findall(r"<button[^>]*>(.*?)</button>", response.text, re.S)]
    assert "Iniciar sesión" in heading
    assert "Iniciar sesión" in buttons
    assert "Cerrar sesión" not in response.text

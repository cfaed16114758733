"""/sign-in/provider/: a district administrator sets up the district's identity provider. The
discovery document is read before anything is saved; the saved provider is then checked
against the real local OpenID Provider (schoolwell/sso/local_idp)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.test import Client
from django.urls import reverse

from schoolwell.models import Membership, Role
from schoolwell.sso.idp_process import LocalIdP, free_port
from schoolwell.sso.models import IdentityProvider
from tests.factories import DistrictFactory, member
from tests.sso.discovery import discovery_server
from tests.transfers.conftest import reauthenticated

URL = reverse("sso:provider")
SECRET = "a-client-secret"


@pytest.fixture
def district(school_a):
    school_a.district.name = "Riverbend"
    school_a.district.save()
    return school_a.district


@pytest.fixture
def admin(district, school_a):
    return member(Role.DISTRICT_ADMIN, school=school_a)


@pytest.fixture
def admin_client(admin):
    return reauthenticated(Client(), admin)


@pytest.fixture(scope="module")
def local_idp():
    callback = f"{settings.SITE_URL}/accounts/oidc/riverbend/login/callback/"
    config = {
        "clients": [
            {
                "client_id": "schoolwell-admin-test",
                "client_secret": SECRET,
                "redirect_uris": [callback],
                "post_logout_redirect_uris": [f"{settings.SITE_URL}/accounts/login/"],
            }
        ],
        "users": [],
    }
    with LocalIdP(config) as idp:
        yield idp


def body(server_url: str, **changes) -> dict:
    data = {
        "kind": "oidc",
        "server_url": server_url,
        "label": "Sign in with Riverbend SSO",
        "client_id": "schoolwell-admin-test",
        "client_secret": SECRET,
        "match_by": "email",
        "match_claim": "",
        "staff_sso_only": "on",
        "mfa_amr": "mfa otp",
        "mfa_acr": "",
        "sign_out_at_provider": "on",
        "enabled": "on",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def nothing_saved() -> bool:
    return not SocialApp.objects.exists() and not IdentityProvider.objects.exists()


# --- who reaches the page -------------------------------------------------------------------


def test_a_teacher_is_refused_the_page(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(URL).status_code == 403
    assert client.post(URL, body(discovery_server() + "/good")).status_code == 403
    assert nothing_saved()


def test_a_school_administrator_is_refused_the_page(client, school_a):
    client.force_login(member(Role.SCHOOL_ADMIN, school=school_a))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_districts_id_is_not_found(admin_client, school_b):
    assert admin_client.get(f"{URL}?district={school_b.district_id}").status_code == 404
    assert admin_client.get(f"{URL}?district=nonsense").status_code == 404
    posted = admin_client.post(
        f"{URL}?district={school_b.district_id}", body(discovery_server() + "/good")
    )
    assert posted.status_code == 404
    assert nothing_saved()


def test_an_administrator_of_two_districts_picks_one(admin, admin_client, district):
    other = DistrictFactory(name="Another district")
    Membership.objects.create(user=admin, role=Role.DISTRICT_ADMIN, district=other)
    page = admin_client.get(f"{URL}?district={other.pk}")
    assert page.status_code == 200
    assert page.context["district"] == other
    assert "Another district" in page.text and "Riverbend" in page.text  # the choice
    assert admin_client.get(URL).context["district"] == other  # first by name


def test_a_post_needs_a_fresh_sign_in(client, admin):
    client.force_login(admin)
    response = client.post(URL, body(discovery_server() + "/good"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert nothing_saved()


# --- what the page shows ------------------------------------------------------------------


def test_the_addresses_to_register_are_shown_before_the_first_save(admin_client, db):
    page = admin_client.get(URL)
    assert page.status_code == 200
    callback = f"{settings.SITE_URL}/accounts/oidc/riverbend/login/callback/"
    assert page.context["callback_url"] == callback
    assert f'<code id="redirect-uri">{callback}</code>' in page.text
    assert f'<code id="logout-uri">{settings.SITE_URL}/accounts/login/</code>' in page.text
    assert "Sign in with Riverbend SSO" in page.text  # the default label


# --- validation: nothing is saved unless the provider answers ----------------------------


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/missing", "does not give jwks_uri"),
        ("/html", "did not answer with an OpenID Connect discovery document"),
        ("/nowhere", "answered with status 404"),
    ],
)
def test_a_bad_discovery_document_is_an_error_and_saves_nothing(admin_client, path, said):
    response = admin_client.post(URL, body(discovery_server() + path))
    assert response.status_code == 200
    assert said in " ".join(response.context["form"].errors["server_url"])
    assert "Nothing was saved" in response.text
    assert nothing_saved()


def test_an_address_nobody_answers_is_an_error(admin_client):
    response = admin_client.post(URL, body(f"http://127.0.0.1:{free_port()}"))
    assert "could not reach" in " ".join(response.context["form"].errors["server_url"])
    assert nothing_saved()


def test_plain_http_is_only_for_this_machine(admin_client):
    response = admin_client.post(URL, body("http://sso.example.org/realms/district"))
    assert response.context["form"].errors["server_url"] == ["Use the provider's https:// address."]
    assert nothing_saved()


@pytest.mark.parametrize("tenant", ["", "common", "organizations", "bad/tenant"])
def test_microsoft_needs_the_districts_own_tenant(admin_client, tenant):
    response = admin_client.post(URL, body("", kind="microsoft", tenant=tenant))
    assert response.context["form"].errors["tenant"]
    assert nothing_saved()


def test_a_new_provider_needs_its_secret(admin_client):
    response = admin_client.post(URL, body(discovery_server() + "/good", client_secret=""))
    assert response.context["form"].errors["client_secret"]
    assert nothing_saved()


def test_a_preset_kind_uses_its_own_address(admin_client, monkeypatch):
    asked = []

    def fake_get(url, **kwargs):
        asked.append((url, kwargs["timeout"]))
        raise requests.ConnectionError("offline")

    monkeypatch.setattr(requests, "get", fake_get)
    admin_client.post(URL, body("https://ignored.example", kind="microsoft", tenant="rb.test"))
    admin_client.post(URL, body("", kind="google"))
    assert asked == [
        ("https://login.microsoftonline.com/rb.test/v2.0/.well-known/openid-configuration", 5),
        ("https://accounts.google.com/.well-known/openid-configuration", 5),
    ]
    assert nothing_saved()


# --- saving -------------------------------------------------------------------------------


def test_saving_with_the_local_provider_makes_a_working_sign_in(admin_client, local_idp):
    response = admin_client.post(URL, body(local_idp.issuer + "/"))
    assert response.status_code == 302, response.context["form"].errors
    idp = IdentityProvider.objects.select_related("app").get()
    app = idp.app
    assert (app.provider, app.provider_id, app.name) == (
        "openid_connect",
        "riverbend",
        "Sign in with Riverbend SSO",
    )
    assert (app.client_id, app.secret) == ("schoolwell-admin-test", SECRET)
    assert app.settings == {"server_url": local_idp.issuer, "oauth_pkce_enabled": True}
    assert idp.staff_sso_only and not idp.students_sso_only and idp.enabled
    page = admin_client.get(response["Location"])
    assert "“Sign in with Riverbend SSO” is on the sign-in page" in page.text
    assert SECRET not in page.text  # write-only
    # The sign-in button leads to the provider, which knows the redirect URI shown (allauth
    # builds it from the request: as on the server, the request comes to SITE_URL's host).
    browser = Client(HTTP_HOST=urlsplit(settings.SITE_URL).netloc)
    start = browser.post(idp.login_url, {"process": "login"})
    assert start.status_code == 302 and start["Location"].startswith(local_idp.issuer + "/auth")
    sent = parse_qs(urlsplit(start["Location"]).query)["redirect_uri"]
    assert sent == [page.context["callback_url"]]
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code in (302, 303)
    assert urlsplit(at_provider.headers["Location"]).path.startswith("/interaction/")


def test_an_empty_secret_keeps_the_stored_one_and_the_provider_id_stays(admin_client):
    good = discovery_server() + "/good"
    admin_client.post(URL, body(good))
    first = IdentityProvider.objects.select_related("app").get()
    response = admin_client.post(URL, body(good, client_secret="", label="School account"))
    assert response.status_code == 302
    idp = IdentityProvider.objects.select_related("app").get()
    assert idp.pk == first.pk and idp.app.pk == first.app.pk
    assert (idp.app.secret, idp.app.name) == (SECRET, "School account")
    assert idp.app.provider_id == "riverbend"
    assert idp.history.count() == 2


def test_turning_the_provider_off(admin_client):
    good = discovery_server() + "/good"
    admin_client.post(URL, body(good))
    response = admin_client.post(URL, body(good, client_secret="", enabled=None))
    assert response.status_code == 302
    assert not IdentityProvider.objects.get().enabled
    page = admin_client.get(URL)
    assert "Switched off: nobody signs in through this provider." in page.text


def test_a_refused_change_leaves_the_saved_provider_as_it_was(admin_client):
    admin_client.post(URL, body(discovery_server() + "/good"))
    changed = body(discovery_server() + "/missing", client_secret="other", enabled=None)
    page = admin_client.post(URL, changed)
    assert page.status_code == 200
    assert "“Sign in with Riverbend SSO” is on the sign-in page" in page.text  # as saved
    idp = IdentityProvider.objects.select_related("app").get()
    assert idp.enabled and idp.app.secret == SECRET
    assert idp.app.settings["server_url"].endswith("/good")


def test_provider_ids_never_collide(admin_client, db):
    good = discovery_server() + "/good"
    SocialApp.objects.create(provider="openid_connect", provider_id="riverbend", name="Taken")
    admin_client.post(URL, body(good))
    assert IdentityProvider.objects.get().app.provider_id == "riverbend-2"


def test_another_districts_admin_cannot_touch_this_provider(admin_client, school_b):
    good = discovery_server() + "/good"
    admin_client.post(URL, body(good))
    other = reauthenticated(Client(), member(Role.DISTRICT_ADMIN, school=school_b))
    other.post(URL, body(good, label="Theirs"))
    mine = IdentityProvider.objects.get(district__name="Riverbend")
    assert mine.app.name == "Sign in with Riverbend SSO"
    assert IdentityProvider.objects.count() == 2

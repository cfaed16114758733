"""The headers every response carries (QUALITY.md): a CSP with no external source, no-store
on every page, frame-ancestors none, a referrer policy, and HSTS when served over HTTPS."""

import pytest
from django.test import override_settings
from django.urls import reverse

from schoolwell.models import RosterImport
from tests.role_matrix.read_world import build_context, report_by
from tests.role_matrix.roles import make_user
from tests.role_matrix.routes import ROUTES


def assert_private(response, url):
    assert response["Cache-Control"] == "no-store", url
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp, url
    assert "script-src 'self';" in csp, url  # never inline or eval scripts
    assert "http:" not in csp and "https:" not in csp and "*" not in csp, url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize("role", ["teacher", "counselor", "safeguarding_lead", "student"])
@pytest.mark.django_db
def test_every_page_of_the_matrix_is_private_and_closed_to_other_origins(client, role):
    context = build_context()
    user = make_user(role, context["school"])
    client.force_login(user)
    context["own_import"] = RosterImport.objects.create(source_name="own.zip", started_by=user)
    if role == "student":
        context["own_report"] = report_by(user.student)
    for build, _expected in ROUTES.values():
        url = build(context)
        assert_private(client.get(url), url)


@pytest.mark.django_db
def test_anonymous_pages_are_not_cached_either(client):
    for url in (reverse("account_login"), "/self-report/", reverse("healthz")):
        assert client.get(url)["Cache-Control"] == "no-store", url


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_stay_cacheable(client):
    # A fresh clone has no collected files; the finders serve them as a deploy would.
    response = client.get("/static/schoolwell/site.css")
    assert response.status_code == 200
    assert response.get("Cache-Control", "") != "no-store"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_over_https(client, db):  # the sign-in page lists identity providers
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")

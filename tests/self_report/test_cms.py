"""Editors manage the check-in's content in Wagtail; the student page follows at once."""

import pytest
from django.urls import reverse

from schoolwell.models import Service
from self_report.models import RiskPhrase
from tests.factories import UserFactory


@pytest.fixture
def editor(client, db):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_editors_list_and_add_services_in_the_cms(client, editor, check_in_page):
    listing = client.get(reverse("wagtailsnippets_self_report_service:list"))
    assert listing.status_code == 200
    assert "Food" in listing.content.decode()
    response = client.post(
        reverse("wagtailsnippets_self_report_service:add") + "?locale=en",
        {
            "name": "Study hall",
            "description": "A quiet place to work after school.",
            "min_grade": "06",
            "max_grade": "12",
            "provided_by": "school",
            "discipline": "counselor",
            "order": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.filter(name="Study hall", locale__language_code="en").exists()


@pytest.mark.django_db
def test_editors_add_a_risk_phrase_and_it_applies_to_the_next_check_in(
    client, editor, check_in_page
):
    response = client.post(
        reverse("wagtailsnippets_self_report_riskphrase:add"),
        {"phrase": "nobody would miss me", "language": "en"},
    )
    assert response.status_code == 302
    assert RiskPhrase.objects.filter(phrase="nobody would miss me").exists()
    from self_report.services import risk_in_words

    assert risk_in_words("Honestly, NOBODY would miss me.")


@pytest.mark.django_db
def test_the_page_is_edited_in_the_cms(client, editor, check_in_page):
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[check_in_page.pk]))
    assert edit.status_code == 200
    assert "How are you this week?" in edit.content.decode()

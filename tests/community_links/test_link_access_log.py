"""A partner opening a referral through its e-mailed signed link has no account, yet reads a
student's referral: the access log names the organisation and the address the link went to
(QUALITY.md 13)."""

import pytest
from django.urls import reverse

from community_links.services.referrals import referral_link_token, referral_send
from schoolwell.models import AccessLog
from tests.community_links.helpers import open_case, resource


@pytest.fixture
def referral(school_a, categories):
    case, lead = open_case(school_a)
    (sent,) = referral_send(
        case=case,
        resources=[resource(name="Pantry")],
        by=lead,
        consent_by="family",
        consent_name="Maria Lopez",
        need=categories["food-insecurity"],
    )
    return sent


def test_opening_a_signed_link_writes_an_access_log_row_naming_the_partner(client, referral):
    before = AccessLog.objects.count()
    url = reverse("partners:link", args=[referral_link_token(referral)])
    assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("pk")
    assert (row.user, row.student, row.object_type, row.object_id) == (
        None,
        referral.student,
        "community_links.referral",
        str(referral.pk),
    )
    assert row.actor == "partner link: Pantry Org <org@partner.example>"


def test_a_dead_signed_link_reads_nothing_and_logs_nothing(client, referral):
    url = reverse("partners:link", args=[referral_link_token(referral)])
    before = AccessLog.objects.count()
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert AccessLog.objects.count() == before


def test_an_access_log_row_must_say_who(referral):
    from django.db import IntegrityError, transaction

    from schoolwell import audit

    with pytest.raises(IntegrityError), transaction.atomic():
        audit.access_log(user=None, obj=referral, student=referral.student)


def test_a_refused_update_through_the_link_shows_the_referral_again_and_logs_it(client, referral):
    url = reverse("partners:link", args=[referral_link_token(referral)])
    before = AccessLog.objects.count()
    response = client.post(url, {"status": "no-such-status"})
    assert response.status_code == 400
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.latest("pk").actor.startswith("partner link: ")


def test_a_refused_update_in_the_portal_shows_the_referral_again_and_logs_it(
    client, referral, school_a
):
    from tests.community_links.helpers import partner_for

    partner = partner_for(referral.resource.organization, school_a.district)
    client.force_login(partner)
    url = reverse("partners:referral", args=[referral.pk])
    before = AccessLog.objects.filter(user=partner).count()
    assert client.post(url, {"status": "no-such-status"}).status_code == 400
    assert AccessLog.objects.filter(user=partner).count() == before + 1

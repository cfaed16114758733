"""The partner portal and the signed link: only the partner's own referrals, only what the
consent allows, never case notes; status updates with a note; proposals to their own entry
are drafts until district staff publish them."""

import copy
import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from community_links.models import Referral, Resource
from community_links.services.referrals import referral_link_token, referral_send
from schoolwell.models import AccessLog, Role
from support_team.models import Note
from tests.community_links.helpers import open_case, partner_for, resource
from tests.factories import SchoolFactory, member


@pytest.fixture
def loop(school_a, categories):
    case, lead = open_case(school_a)
    pantry = resource(name="Pantry")
    (referral,) = referral_send(
        case=case,
        resources=[pantry],
        by=lead,
        consent_by="family",
        consent_name="Maria Lopez",
        need=categories["food-insecurity"],
        share_name=True,
        share_contact=False,
        contact_route="",
        note="Weekend food",
        share_note=True,
    )
    Note.objects.create(
        case=case, body="SECRET-CASE-NOTE", author=lead, written_at=referral.sent_at
    )
    partner = partner_for(pantry.organization, school_a.district)
    return {"case": case, "lead": lead, "referral": referral, "partner": partner, "pantry": pantry}


def test_partner_sees_their_referral_with_only_the_minimum(client, loop):
    client.force_login(loop["partner"])
    home = client.get(reverse("partners:home")).text
    assert loop["case"].student.display_name in home
    page = client.get(reverse("partners:referral", args=[loop["referral"].pk])).text
    assert "Weekend food" in page and "Food insecurity" in page
    assert "SECRET-CASE-NOTE" not in page
    assert loop["case"].student.sis_id not in page
    assert "Through the school" in page  # the contact route was not shared
    assert AccessLog.objects.filter(
        user=loop["partner"], object_type="community_links.referral"
    ).exists()


def test_what_the_consent_leaves_out_is_not_shown(client, loop):
    Referral.objects.filter(pk=loop["referral"].pk).update(share_name=False, share_note=False)
    client.force_login(loop["partner"])
    page = client.get(reverse("partners:referral", args=[loop["referral"].pk])).text
    assert loop["case"].student.display_name not in page
    assert "Weekend food" not in page


def test_partner_accepts_and_marks_got_help_with_a_note(client, loop):
    client.force_login(loop["partner"])
    url = reverse("partners:referral", args=[loop["referral"].pk])
    assert client.post(url, {"status": "accepted"}).status_code == 302
    assert client.post(url, {"status": "got_help", "note": "Picked up"}).status_code == 302
    referral = Referral.objects.get()
    assert referral.status == "got_help"
    assert [u.via for u in referral.updates.all()] == ["team", "portal", "portal"]


def test_partner_of_another_organisation_gets_404(client, loop, school_a):
    other = partner_for(resource(name="Elsewhere").organization, school_a.district)
    client.force_login(other)
    assert client.get(reverse("partners:referral", args=[loop["referral"].pk])).status_code == 404
    assert loop["case"].student.display_name not in client.get(reverse("partners:home")).text


def test_partner_of_another_district_gets_404(client, loop):
    elsewhere = SchoolFactory()
    partner = partner_for(loop["pantry"].organization, elsewhere.district)
    client.force_login(partner)
    assert client.get(reverse("partners:referral", args=[loop["referral"].pk])).status_code == 404


def test_partner_never_reaches_cases_or_team_pages(client, loop):
    client.force_login(loop["partner"])
    assert client.get(reverse("support_team:case", args=[loop["case"].pk])).status_code == 403
    assert (
        client.get(reverse("community_links:case_referrals", args=[loop["case"].pk])).status_code
        == 403
    )
    assert client.get(reverse("community_links:directory")).status_code == 403


def test_signed_link_reads_and_updates_one_referral_without_an_account(client, loop):
    token = referral_link_token(loop["referral"])
    url = reverse("partners:link", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Weekend food" in page.text
    assert page["Cache-Control"] == "no-store" or "no-store" in page["Cache-Control"]
    assert client.post(url, {"status": "accepted", "note": "Called"}).status_code == 302
    update = Referral.objects.get().updates.last()
    assert update.via == "link" and update.by is None and "e-mailed link" in update.by_label
    # The link reaches nothing else.
    assert client.get(reverse("partners:home")).status_code == 302


def test_signed_link_expires_and_dies_when_reissued(client, loop):
    token = referral_link_token(loop["referral"])
    url = reverse("partners:link", args=[token])
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=15)):
        assert client.get(url).status_code == 404
    Referral.objects.filter(pk=loop["referral"].pk).update(link_nonce=1)
    assert client.get(url).status_code == 404
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_signed_link_is_read_only_once_the_referral_is_closed(client, loop):
    token = referral_link_token(loop["referral"])
    url = reverse("partners:link", args=[token])
    client.post(url, {"status": "got_help"})
    assert client.post(url, {"status": "accepted"}).status_code == 400
    assert Referral.objects.get().status == "got_help"


def test_tampered_tokens_are_not_found(client, loop):
    forged = signing.dumps({"r": loop["referral"].pk, "n": 0}, salt="wrong")
    assert client.get(reverse("partners:link", args=[forged])).status_code == 404


def test_partner_proposes_a_change_that_waits_for_review(client, loop):
    client.force_login(loop["partner"])
    pantry = loop["pantry"]
    url = reverse("partners:resource_edit", args=[pantry.pk])
    response = client.post(url, {"description": "Now open Sundays", "language_codes": ",en,es,"})
    assert response.status_code == 302
    pantry.refresh_from_db()
    assert pantry.description != "Now open Sundays"  # the live entry is unchanged
    assert pantry.has_unpublished_changes
    draft = pantry.get_latest_revision_as_object()
    assert draft.description == "Now open Sundays"
    draft.save_revision().publish()
    assert Resource.objects.get(pk=pantry.pk).description == "Now open Sundays"


def test_partner_cannot_edit_another_organisations_entry(client, loop):
    client.force_login(loop["partner"])
    other = resource(name="Other")
    assert client.get(reverse("partners:resource_edit", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 500])
def test_portal_query_count_is_constant(client, loop, django_assert_num_queries, size):
    if size > 1:
        # A few real referrals for other students and cases, then copies up to `size`
        # (building 500 cases one by one would only slow the test).
        for n in range(3):
            case, lead = open_case(loop["case"].school)
            referral_send(
                case=case,
                resources=[loop["pantry"]],
                by=lead,
                consent_by="family",
                consent_name=f"P{n}",
            )
        template = Referral.objects.order_by("-pk").first()
        copies = []
        for _ in range(size - Referral.objects.count()):
            template.pk = template.id = None
            copies.append(copy.copy(template))
        Referral.objects.bulk_create(copies)
    client.force_login(loop["partner"])
    url = reverse("partners:home")
    client.get(url)
    with django_assert_num_queries(QUERIES_PORTAL):
        response = client.get(url)
    assert response.text.count("/partners/referrals/") == size


QUERIES_PORTAL = (
    6  # a session in use is written at most once a minute (schoolwell.middleware.session_touch)
)


def test_partner_without_an_organisation_sees_a_sentence_not_an_error(client, school_a):
    client.force_login(member(Role.PARTNER, school=school_a))
    response = client.get(reverse("partners:home"))
    assert response.status_code == 200
    assert "not linked to an organisation" in response.text

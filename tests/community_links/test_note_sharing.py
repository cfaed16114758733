"""A partner sees only what the team chose to share: every note a team member writes on a
referral (the note sent with it, each status note) stays with the team unless its author
ticked "share with the partner", on every way a partner reads a referral (portal list and
page, the signed link, the e-mails), and existing notes became private."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from community_links.models import ReferralUpdate
from community_links.services.referrals import (
    referral_link_reissue,
    referral_link_token,
    referral_send,
    referral_status_change,
)
from tests.community_links.helpers import open_case, partner_for, resource

PRIVATE = "PRIVATE-TEAM-NOTE mother sounded drunk"
SHARED = "SHARED-NOTE please call after 4pm"
NOTE_SENT = "NOTE-SENT-WITH-REFERRAL"


@pytest.fixture
def loop(school_a):
    case, lead = open_case(school_a)
    pantry = resource(name="Pantry")
    (referral,) = referral_send(
        case=case,
        resources=[pantry],
        by=lead,
        consent_by="family",
        consent_name="Maria Lopez",
        note=NOTE_SENT,
    )
    partner = partner_for(pantry.organization, school_a.district)
    return {"case": case, "lead": lead, "referral": referral, "partner": partner}


def private_status_note(loop) -> None:
    referral_status_change(
        referral=loop["referral"], status="sent", note=PRIVATE, by=loop["lead"], via="team"
    )


def partner_pages(client, loop) -> dict[str, str]:
    """Every page a partner reads a referral on, as the partner sees it."""
    referral = loop["referral"]
    link = reverse("partners:link", args=[referral_link_token(referral)])
    client.force_login(loop["partner"])
    portal = reverse("partners:referral", args=[referral.pk])
    pages = {
        "portal list": client.get(reverse("partners:home") + "?status=all").text,
        "portal page": client.get(portal).text,
        "portal page after a refused update": client.post(portal, {"status": "nope"}).text,
    }
    client.logout()
    pages["signed link"] = client.get(link).text
    pages["signed link after a refused update"] = client.post(link, {"status": "nope"}).text
    return pages


def test_a_team_status_note_not_shared_never_reaches_the_partner(client, loop):
    private_status_note(loop)
    for where, page in partner_pages(client, loop).items():
        assert PRIVATE not in page, where
    # The step itself (a status change) is still there for the partner to follow.
    assert "Sent" in partner_pages(client, loop)["signed link"]


def test_a_team_status_note_is_private_unless_its_author_shares_it(client, loop):
    referral_status_change(
        referral=loop["referral"],
        status="sent",
        note=SHARED,
        by=loop["lead"],
        via="team",
        share=True,
    )
    pages = partner_pages(client, loop)
    assert SHARED in pages["portal page"] and SHARED in pages["signed link"]


def test_the_note_sent_with_a_referral_is_private_unless_shared(client, loop, school_a):
    for where, page in partner_pages(client, loop).items():
        assert NOTE_SENT not in page, where
    case, lead = open_case(school_a)
    (shared,) = referral_send(
        case=case,
        resources=[resource(name="Clinic")],
        by=lead,
        consent_by="family",
        consent_name="Maria Lopez",
        note=SHARED,
        share_note=True,
    )
    assert SHARED in client.get(reverse("partners:link", args=[referral_link_token(shared)])).text


def test_the_team_form_shares_only_when_ticked_and_says_who_reads_it(client, loop):
    referral = loop["referral"]
    client.force_login(loop["lead"])
    panel = client.get(reverse("community_links:case_referrals", args=[loop["case"].pk])).text
    assert f'name="share" aria-describedby="share-help-{referral.pk}">' in panel  # not checked
    assert "Share this note with the partner" in panel
    assert "anyone holding its e-mailed link" in panel
    url = reverse("community_links:referral_status", args=[referral.pk])
    client.post(url, {"status": "sent", "note": PRIVATE})
    client.post(url, {"status": "sent", "note": SHARED, "share": "on"})
    assert list(referral.updates.filter(via="team").values_list("note", "shared")) == [
        ("", False),
        (PRIVATE, False),
        (SHARED, True),
    ]
    panel = client.get(reverse("community_links:case_referrals", args=[loop["case"].pk])).text
    assert "School team only" in panel and "Shared with the partner" in panel
    page = client.get(reverse("partners:link", args=[referral_link_token(referral)])).text
    assert SHARED in page and PRIVATE not in page


def test_the_referral_form_leaves_the_note_unshared_until_ticked(client, loop):
    pantry = resource(name="Other pantry")
    client.force_login(loop["lead"])
    url = reverse("community_links:referral_new", args=[loop["case"].pk])
    page = client.get(url + f"?resource={pantry.pk}").text
    assert 'name="share_note" id="id_share_note">' in page  # rendered without `checked`
    assert "the partner reads it only if ticked" in page


def test_a_partner_always_reads_its_own_notes_and_the_team_reads_them_too(client, loop):
    referral = loop["referral"]
    referral_status_change(
        referral=referral, status="accepted", note="PARTNER-SAYS hi", by=None, via="link"
    )
    assert "PARTNER-SAYS hi" in partner_pages(client, loop)["portal page"]
    client.force_login(loop["lead"])
    panel = client.get(reverse("community_links:case_referrals", args=[loop["case"].pk])).text
    assert "PARTNER-SAYS hi" in panel


def test_emails_to_the_partner_carry_no_note(loop, django_capture_on_commit_callbacks):
    private_status_note(loop)
    with django_capture_on_commit_callbacks(execute=True):
        referral_link_reissue(referral=loop["referral"], by=loop["lead"])
    assert mail.outbox
    for message in mail.outbox:
        assert PRIVATE not in message.body and NOTE_SENT not in message.body


def test_existing_team_notes_become_private_and_partner_notes_stay_shared(loop):
    referral = loop["referral"]
    private_status_note(loop)
    referral_status_change(referral=referral, status="accepted", note="ok", by=None, via="link")
    migration = importlib.import_module("community_links.migrations.0002_note_sharing_and_web_urls")
    ReferralUpdate.objects.update(shared=False)  # what the new column holds for existing rows
    migration.partner_notes_stay_shared(django_apps, None)
    assert list(referral.updates.values_list("via", "shared")) == [
        ("team", False),
        ("team", False),
        ("link", True),
    ]

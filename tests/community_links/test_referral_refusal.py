"""A refused referral update shows inside that referral's card on the case page (open,
focused), with what was typed kept, not at the top of a page thousands of pixels above it
(issue 15, item 10). The panel is a fragment the case page loads, so the refusal travels in
the session to the next load of the panel, and is shown once."""

import pytest
from django.urls import reverse

from community_links.models import Referral, ReferralUpdate
from community_links.services.referrals import referral_send
from tests.community_links.helpers import open_case, resource

NOTE = "Called the pantry twice, no answer yet"


@pytest.fixture
def sent(school_a):
    case, lead = open_case(school_a)
    (referral,) = referral_send(
        case=case,
        resources=[resource(name="Pantry")],
        by=lead,
        consent_by="family",
        consent_name="Maria Lopez",
    )
    return case, lead, referral


def post_update(client, referral, **data):
    return client.post(reverse("community_links:referral_status", args=[referral.pk]), data)


@pytest.mark.parametrize(
    "data, reason",
    [
        ({"status": "nope", "note": NOTE, "share": "on"}, "Pick a status from the list."),
        ({"status": "sent", "note": "  "}, "Change the status or write a note."),
    ],
    ids=["unknown status", "nothing changed"],
)
def test_a_refused_update_comes_back_in_its_own_card_with_what_was_typed(
    client, sent, data, reason
):
    case, lead, referral = sent
    updates = ReferralUpdate.objects.count()
    client.force_login(lead)
    response = post_update(client, referral, **data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.pk}/#referrals")
    # Not at the top of the case page, where it used to be.
    page = client.get(response["Location"].split("#")[0]).text
    assert reason not in page

    panel = client.get(reverse("community_links:case_referrals", args=[case.pk])).text
    card = panel.split(f'id="referral-{referral.pk}"', 1)[1].split("</details>", 1)[0]
    assert "<details open>" in card
    assert f'id="referral-error-{referral.pk}"' in card and "autofocus" in card
    assert reason in card
    assert data["note"].strip() in card  # nothing typed is lost
    assert ("checked>" in card) == bool(data.get("share"))

    # Shown once: the next load is the ordinary panel.
    panel = client.get(reverse("community_links:case_referrals", args=[case.pk])).text
    assert reason not in panel and "<details open>" not in panel
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT
    assert ReferralUpdate.objects.count() == updates

"""The pages: access, logging, re-authentication, the PDF."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from schoolwell import permissions
from schoolwell.models import AccessLog
from support_team.transfers import pdf as packet_pdf
from support_team.transfers import selectors, services
from support_team.transfers.models import TransferPacket
from tests.transfers.conftest import enroll_elsewhere, reauthenticated

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def draft(sender, record):
    return services.packet_draft(
        student=record["student"], school=sender["school"], by=sender["team"]
    )


def test_the_list_offers_a_packet_for_a_student_who_left(client, sender, record):
    enroll_elsewhere(
        record["student"],
        sender["school"].__class__.objects.create(
            district=sender["school"].district, sourced_id="elsewhere", name="Elsewhere"
        ),
    )
    client.force_login(sender["team"])
    response = client.get(reverse("transfers:list"))
    assert "Start packet for Zoë" in response.content.decode()
    response = client.post(
        reverse("transfers:start", args=[sender["school"].pk, record["student"].pk])
    )
    packet = TransferPacket.objects.get()
    assert response["Location"] == reverse("transfers:detail", args=[packet.pk])
    assert "Start packet for" not in client.get(reverse("transfers:list")).content.decode()


def test_another_schools_team_gets_404_for_a_packet(client, draft, team_b):
    client.force_login(team_b)
    assert client.get(reverse("transfers:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("transfers:pdf", args=[draft.pk])).status_code == 404


def test_a_packet_is_not_visible_to_the_next_school_before_it_arrives(
    client, draft, receiver, record
):
    client.force_login(receiver["team"])
    assert client.get(reverse("transfers:detail", args=[draft.pk])).status_code == 404


def test_every_view_and_download_is_logged(client, draft, sender):
    client.force_login(sender["team"])
    client.get(reverse("transfers:detail", args=[draft.pk]))
    client.get(reverse("transfers:pdf", args=[draft.pk]))
    actions = list(
        AccessLog.objects.filter(object_type="transfers.transferpacket").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["download", "view"]


def test_the_draft_page_shows_no_case_note(client, draft, sender):
    client.force_login(sender["lead"])
    page = client.get(reverse("transfers:detail", args=[draft.pk])).content.decode()
    assert "SENTINEL" not in page.split("Case notes (safeguarding lead only)")[0]
    assert "Approve the packet" in page


def test_approving_asks_the_lead_to_reauthenticate(client, draft, sender):
    client.force_login(sender["lead"])
    response = client.post(reverse("transfers:approve", args=[draft.pk]), {"note_level": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    draft.refresh_from_db()
    assert draft.status == TransferPacket.Status.DRAFT


def test_a_reauthenticated_lead_approves(client, draft, sender):
    reauthenticated(client, sender["lead"])
    client.post(reverse("transfers:approve", args=[draft.pk]), {"note_level": "team"})
    draft.refresh_from_db()
    assert draft.status == TransferPacket.Status.APPROVED
    assert draft.note_level == "team"


def test_a_team_member_cannot_approve(client, draft, sender):
    reauthenticated(client, sender["team"])
    response = client.post(reverse("transfers:approve", args=[draft.pk]), {"note_level": ""})
    assert response.status_code == 403


def test_review_with_a_garbage_item_changes_nothing(client, draft, sender):
    client.force_login(sender["team"])
    client.post(reverse("transfers:review", args=[draft.pk]), {"excluded": ["nonsense"]})
    draft.refresh_from_db()
    assert draft.excluded == []


def test_the_receiving_flow_through_the_pages(client, draft, sender, receiver, record):
    draft = services.packet_approve(packet=draft, by=sender["lead"], note_level="")
    enroll_elsewhere(record["student"], receiver["school"])
    reauthenticated(client, sender["team"])
    client.post(reverse("transfers:send", args=[draft.pk]))
    client.force_login(receiver["team"])
    page = client.get(reverse("transfers:list")).content.decode()
    assert reverse("transfers:detail", args=[draft.pk]) in page
    client.get(reverse("transfers:detail", args=[draft.pk]))
    client.post(reverse("transfers:accept", args=[draft.pk]))
    assert client.post(reverse("transfers:acknowledge", args=[draft.pk])).status_code == 403
    client.force_login(receiver["lead"])
    client.post(reverse("transfers:acknowledge", args=[draft.pk]))
    client.force_login(sender["team"])
    page = client.get(reverse("transfers:detail", args=[draft.pk])).content.decode()
    for step in ("Sent", "Viewed", "Accepted", "Acknowledged"):
        assert f"{step}: <time" in page


def test_the_pdf_carries_the_approved_sections_in_readable_text(sender, record, draft):
    from pypdf import PdfReader

    services.packet_include_notes(
        packet=draft, by=sender["lead"], notes=[record["notes"]["team"], record["notes"]["lead"]]
    )
    packet = services.packet_approve(
        packet=draft, by=sender["lead"], note_level="team", leave_out_above=True
    )
    data = packet_pdf.render(
        packet.content, reads=selectors.packet_note_reader(sender["lead"], packet)
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for title in packet_pdf.section_titles().values():
        assert title in text, title
    assert "Zoë Ñúñez" in text  # Unicode names survive (DejaVu Sans)
    assert "SENTINEL-TEAM" in text and "SENTINEL-LEAD" not in text
    assert "Worked well" in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "transfer-packet.pdf").write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(ARTIFACTS / "transfer-packet.pdf"),
                str(ARTIFACTS / "transfer-packet"),
            ],
            check=True,
        )
        assert list(ARTIFACTS.glob("transfer-packet*.png"))


def test_the_pdf_falls_back_to_a_core_font_without_dejavu(sender, draft, monkeypatch, tmp_path):
    from pypdf import PdfReader

    monkeypatch.setattr(packet_pdf, "REGULAR", tmp_path / "missing.ttf")
    packet = services.packet_approve(packet=draft, by=sender["lead"], note_level="")
    data = packet_pdf.render(packet.content, reads=permissions.sealed_pdf_reads)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Zo" in text and "Student" in text

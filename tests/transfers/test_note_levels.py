"""A packet carries each note's level with it, and where the packet is read the reader's
level decides what they see: at the sending school as on the note's own case, at the
receiving school by their place in its team, in another district after import by theirs.
Below a note's level a reader sees that it exists, never its text: on the packet's page, in
its PDF, in the sealed file's PDF and, once imported, on the other district's page and PDF."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from schoolwell.models import Enrollment
from support_team.models import Note
from support_team.transfers import exchange
from support_team.transfers.models import TransferPacket
from support_team.transfers.services import (
    packet_approve,
    packet_draft,
    packet_include_notes,
    packet_send_within_district,
)
from tests.factories import SchoolFactory, StudentFactory
from tests.support_team.note_world import (
    BODIES,
    CAN_READ,
    CASE_READERS,
    SCHOOL_READERS,
    assert_shown_at_level,
    note_world,
    school_team,
)
from tests.transfers.conftest import enroll_elsewhere, reauthenticated


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def w(sender):
    """School A's case with a note at each level, all three added to a packet that the lead
    approved at the highest level, so every level leaves."""
    world = note_world(sender["school"])
    packet = packet_draft(student=world.student, school=world.school, by=world.social_worker)
    packet_include_notes(packet=packet, by=world.lead, notes=world.notes.values())
    world.packet = packet_approve(packet=packet, by=world.lead, note_level="lead")
    assert {n["level"] for n in world.packet.content["notes"]} == set(Note.Level.values)
    return world


@pytest.fixture
def delivered(w):
    """The packet sent within the district and delivered to school C's queue."""
    school_c = SchoolFactory(name="School C", district=w.school.district)
    w.receiving = school_team(school_c)
    enroll_elsewhere(w.student, school_c)
    packet_send_within_district(packet=w.packet, by=w.lead)
    w.packet.refresh_from_db()
    assert w.packet.delivered_at is not None
    return w


def page_and_pdf(client, user, packet) -> tuple[str, str]:
    client.force_login(user)
    page = client.get(reverse("transfers:detail", args=[packet.pk]))
    assert page.status_code == 200
    pdf = client.get(reverse("transfers:pdf", args=[packet.pk]))
    assert pdf.status_code == 200
    return page.content.decode(), pdf_text(pdf.content)


@pytest.mark.parametrize("reader", CASE_READERS)
def test_at_the_sending_school_the_packet_page_and_pdf_follow_each_notes_level(client, w, reader):
    html, text = page_and_pdf(client, getattr(w, reader), w.packet)
    assert_shown_at_level(html, CAN_READ[reader])
    assert_shown_at_level(text, CAN_READ[reader])


@pytest.mark.parametrize("reader", SCHOOL_READERS)
def test_at_the_receiving_school_the_packet_page_and_pdf_follow_the_readers_level_there(
    client, delivered, reader
):
    html, text = page_and_pdf(client, getattr(delivered.receiving, reader), delivered.packet)
    assert_shown_at_level(html, CAN_READ[reader])
    assert_shown_at_level(text, CAN_READ[reader])


def test_the_case_lead_at_the_sending_school_reads_no_lead_only_note_of_another_case(client, w):
    """Lead-only follows the note's own case: leading this case opens this case's notes."""
    other = note_world(w.school)
    packet = packet_draft(student=other.student, school=other.school, by=other.social_worker)
    packet_include_notes(packet=packet, by=other.lead, notes=other.notes.values())
    packet = packet_approve(packet=packet, by=other.lead, note_level="lead")
    html, text = page_and_pdf(client, w.case_lead, packet)
    assert_shown_at_level(html, {"team"})
    assert_shown_at_level(text, {"team"})


# --- the sealed file, for another district ------------------------------------------------


@pytest.fixture
def sealed(w, two_districts):
    data, _passphrase = exchange.packet_export(
        packet=w.packet, by=w.lead, peer=two_districts["peer_b_at_a"]
    )
    school_b = two_districts["school_b"]
    w.other = school_team(school_b)
    w.other.school = school_b
    s = w.student
    student_b = StudentFactory(
        district=school_b.district,
        legal_first_name=s.legal_first_name,
        legal_last_name=s.legal_last_name,
        date_of_birth=s.date_of_birth,
    )
    Enrollment.objects.create(student=student_b, school=school_b)
    w.other.student = student_b
    w.sealed = data
    return w


def test_the_sealed_file_carries_every_notes_level_and_its_pdf_only_team_bodies(sealed):
    document, pdf_bytes, _peer = exchange.read_packet_file(
        data=sealed.sealed, district=sealed.other.school.district
    )
    carried = {n["body"]: n["level"] for n in document["notes"]}
    assert carried == {body: level for level, body in BODIES.items()}
    # The PDF in the file is read by whoever opens it, before anyone knows their level.
    assert_shown_at_level(pdf_text(pdf_bytes), {"team"})


@pytest.mark.parametrize("stage", ["held", "confirmed"])
@pytest.mark.parametrize("reader", SCHOOL_READERS)
def test_after_import_the_other_districts_page_and_pdf_follow_each_readers_level(
    client, sealed, reader, stage
):
    packet = exchange.packet_import(
        data=sealed.sealed, school=sealed.other.school, by=sealed.other.social_worker
    )
    if stage == "confirmed":
        packet = exchange.packet_import_confirm(
            packet=packet, by=sealed.other.social_worker, student=sealed.other.student
        )
    assert {n["level"] for n in packet.content["notes"]} == set(Note.Level.values)
    html, text = page_and_pdf(client, getattr(sealed.other, reader), packet)
    assert_shown_at_level(html, CAN_READ[reader])
    assert_shown_at_level(text, CAN_READ[reader])


@pytest.mark.parametrize("reader", ["sending case lead", "receiving lead"])
def test_a_packet_note_at_a_level_this_schoolwell_does_not_know_is_shown_to_nobody(
    client, delivered, reader
):
    """Deny by default: a level this SchoolWell does not know reads as above everyone's
    (only the note's author, here the sending safeguarding lead, still reads it)."""
    content = json.loads(json.dumps(delivered.packet.content))
    for note in content["notes"]:
        note["level"] = "secret"
    TransferPacket.objects.filter(pk=delivered.packet.pk).update(content=content)
    user = {"sending case lead": delivered.case_lead, "receiving lead": delivered.receiving.lead}
    html, text = page_and_pdf(client, user[reader], delivered.packet)
    for body in BODIES.values():
        assert body not in html and body not in text
    assert html.count("A case note, not shown at your level.") == len(BODIES)


# --- choosing notes ------------------------------------------------------------------------


def test_the_note_chooser_shows_a_note_only_to_a_reader_at_its_level(w):
    """The approving lead reads every level at their school; the chooser asks the rule
    anyway, so a note above its reader's level never shows there either."""
    from support_team.transfers.forms import NotesForm

    def labels(user) -> str:
        form = NotesForm(queryset=Note.objects.filter(case=w.case), user=user)
        return " ".join(str(label) for _value, label in form.fields["notes"].choices)

    for reader in CASE_READERS:
        assert_shown_at_level(labels(getattr(w, reader)), CAN_READ[reader])


# --- exporting with a passphrase ------------------------------------------------------------


@pytest.fixture
def passphrase_peer(two_districts):
    peer = two_districts["peer_b_at_a"]
    peer.encryption_public = ""
    peer.save()
    return peer


@pytest.mark.parametrize("exporter", ["social_worker", "nurse", "case_lead"])
def test_a_passphrase_file_is_not_exported_by_someone_below_a_note_it_carries(
    w, passphrase_peer, exporter
):
    """Whoever exports is shown the passphrase, and the passphrase opens the whole file."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="above your level"):
        exchange.packet_export(packet=w.packet, by=getattr(w, exporter), peer=passphrase_peer)
    w.packet.refresh_from_db()
    assert w.packet.status == TransferPacket.Status.APPROVED and not w.packet.export_file


def test_the_lead_exports_a_passphrase_file_and_it_still_carries_every_level(
    w, passphrase_peer, two_districts
):
    data, passphrase = exchange.packet_export(packet=w.packet, by=w.lead, peer=passphrase_peer)
    document, _pdf, _peer = exchange.read_packet_file(
        data=data, district=two_districts["school_b"].district, passphrase=passphrase
    )
    assert {n["level"] for n in document["notes"]} == set(Note.Level.values)


def test_a_file_sealed_to_the_peers_key_may_be_exported_by_anyone_on_the_team(w, two_districts):
    data, passphrase = exchange.packet_export(
        packet=w.packet, by=w.social_worker, peer=two_districts["peer_b_at_a"]
    )
    assert data and passphrase == ""


def test_the_export_page_says_why_a_passphrase_file_was_refused(client, w, passphrase_peer):
    reauthenticated(client, w.social_worker)
    response = client.post(
        reverse("transfers:export", args=[w.packet.pk]), {"peer": passphrase_peer.pk}, follow=True
    )
    assert "above your level" in response.content.decode()
    w.packet.refresh_from_db()
    assert not w.packet.export_file

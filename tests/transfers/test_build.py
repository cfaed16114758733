"""Drafting, reviewing and approving a packet: what goes in, what never does."""

import json

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from support_team.models import Note
from support_team.transfers import build, schema
from support_team.transfers.models import TransferPacket
from support_team.transfers.services import (
    packet_approve,
    packet_draft,
    packet_include_notes,
    packet_review,
)


def draft(sender, record):
    return packet_draft(student=record["student"], school=sender["school"], by=sender["team"])


def bodies(document) -> str:
    return json.dumps(document)


def test_a_draft_carries_the_record_but_no_case_note(sender, record):
    packet = draft(sender, record)
    doc = build.build_document(packet)
    assert doc["student"]["legal_first_name"] == "Zoë"
    assert doc["accommodations"] == {"iep": True, "section_504": False}
    assert doc["case"]["tier"] == 2
    assert {n["slug"] for n in doc["needs"]} == {"attendance", "housing"}
    assert doc["plan"][0]["interventions"][0]["outcome"].startswith("Worked well")
    assert doc["referrals"][0]["title"] == "Referred to a food bank"
    assert doc["notes"] == []
    assert "SENTINEL" not in bodies(doc)


def test_a_do_not_contact_guardian_is_named_but_not_reachable(sender, record):
    doc = build.build_document(draft(sender, record))
    hidden = next(c for c in doc["contacts"] if c["do_not_contact"])
    assert hidden["phone"] == "" and hidden["email"] == ""
    assert "555-9999" not in bodies(doc)
    assert any(c["phone"] == "555-1111" for c in doc["contacts"])


@pytest.mark.parametrize(
    ("approved_level", "expected"),
    [
        ("", set()),
        ("team", {"TEAM"}),
        ("health", {"TEAM", "HEALTH"}),
        ("lead", {"TEAM", "HEALTH", "LEAD"}),
    ],
)
def test_a_packet_never_contains_a_note_above_the_level_the_lead_approved(
    sender, record, approved_level, expected
):
    packet = draft(sender, record)
    packet_include_notes(packet=packet, by=sender["lead"], notes=record["notes"].values())
    # The lead confirms that the notes above the level stay behind (else approval is refused).
    packet = packet_approve(
        packet=packet, by=sender["lead"], note_level=approved_level, leave_out_above=True
    )
    text = bodies(packet.content)
    found = {level for level in ("TEAM", "HEALTH", "LEAD") if f"SENTINEL-{level}" in text}
    assert found == expected
    assert {n["level"] for n in packet.content["notes"]} <= build.notes_allowed(approved_level)


def test_only_notes_the_lead_added_leave_even_at_the_highest_level(sender, record):
    packet = draft(sender, record)
    packet_include_notes(packet=packet, by=sender["lead"], notes=[record["notes"]["health"]])
    packet = packet_approve(packet=packet, by=sender["lead"], note_level="lead")
    assert [n["level"] for n in packet.content["notes"]] == ["health"]


def test_a_team_member_cannot_add_notes_or_approve(sender, record):
    packet = draft(sender, record)
    with pytest.raises(PermissionDenied):
        packet_include_notes(packet=packet, by=sender["team"], notes=[record["notes"]["team"]])
    with pytest.raises(PermissionDenied):
        packet_approve(packet=packet, by=sender["team"], note_level="team")
    packet.refresh_from_db()
    assert packet.status == TransferPacket.Status.DRAFT


def test_redacted_items_and_sections_are_left_out(sender, record):
    packet = draft(sender, record)
    doc = build.build_document(packet)
    guardian_ref = doc["contacts"][0]["ref"]
    packet_review(
        packet=packet,
        by=sender["team"],
        excluded=[guardian_ref, "section:chronology"],
        consents="Parent agreed to share with the next school",
    )
    packet = packet_approve(packet=packet, by=sender["lead"], note_level="")
    assert guardian_ref not in {c["ref"] for c in packet.content["contacts"]}
    assert packet.content["chronology"] == []
    assert packet.content["consents"][0]["text"].startswith("Parent agreed")
    assert packet.content["redactions"] == 2


def test_an_unknown_item_cannot_be_redacted_and_nothing_changes(sender, record):
    packet = draft(sender, record)
    with pytest.raises(ValidationError):
        packet_review(packet=packet, by=sender["team"], excluded=["guardian:999999"], consents="")
    packet.refresh_from_db()
    assert packet.excluded == []


def test_an_approved_packet_can_no_longer_be_changed(sender, record):
    packet = packet_approve(packet=draft(sender, record), by=sender["lead"], note_level="")
    with pytest.raises(ValidationError):
        packet_review(packet=packet, by=sender["team"], excluded=[], consents="")


def test_the_approved_json_validates_against_the_published_schema(sender, record):
    packet = draft(sender, record)
    packet_include_notes(packet=packet, by=sender["lead"], notes=[record["notes"]["team"]])
    packet = packet_approve(packet=packet, by=sender["lead"], note_level="team")
    published = json.loads(schema.SCHEMA_PATH.read_text())
    # The published file itself, through jsonschema directly.
    jsonschema.Draft202012Validator.check_schema(published)
    jsonschema.validate(json.loads(json.dumps(packet.content)), published)
    assert packet.content["schema"] == "schoolwell.transfer-packet/1"
    assert packet.content["approved"]["by"] == str(sender["lead"])


def test_a_document_that_breaks_the_schema_is_named(sender, record):
    packet = packet_approve(packet=draft(sender, record), by=sender["lead"], note_level="")
    broken = {**packet.content, "notes": [{"level": "secret"}]}
    with pytest.raises(schema.SchemaError, match="notes/0"):
        schema.validate(broken)
    with pytest.raises(schema.SchemaError, match="schoolwell.transfer-packet/2"):
        schema.validate({**packet.content, "schema": "schoolwell.transfer-packet/2"})


def test_drafting_twice_returns_the_open_packet(sender, record):
    assert draft(sender, record) == draft(sender, record)
    assert TransferPacket.objects.count() == 1


def test_a_mckinney_vento_students_packet_is_urgent(sender, record):
    record["student"].mckinney_vento = True
    record["student"].save()
    assert draft(sender, record).urgent is True


def test_the_team_of_another_school_cannot_draft(sender, record, team_b):
    with pytest.raises(PermissionDenied):
        packet_draft(student=record["student"], school=sender["school"], by=team_b)


def test_notes_of_another_student_cannot_be_added(sender, record):
    from django.utils import timezone

    from support_team.services.cases import case_open_or_join
    from tests.factories import enrolled_student

    other = enrolled_student(sender["school"])
    case, _ = case_open_or_join(school=sender["school"], student=other, by=sender["lead"])
    note = Note.objects.create(
        case=case, level="team", body="x", author=sender["lead"], written_at=timezone.now()
    )
    packet = draft(sender, record)
    with pytest.raises(ValidationError):
        packet_include_notes(packet=packet, by=sender["lead"], notes=[note])
    assert packet.included_notes.count() == 0

"""The transfer models moved from support_team to their own app (support_team.0007_transfers_to_
own_app, transfers.0001_initial): a packet written before the move, with its peer district, its
chosen note and its history, is read after it with the same keys, and its content type (with
the permissions on it) and its access-log rows say `transfers`."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from schoolwell.models import AccessLog
from support_team.transfers.models import PeerDistrict, TransferPacket
from tests.factories import SchoolFactory, UserFactory, enrolled_student

BEFORE = ("support_team", "0006_transfer_packets")


def rows_that_stay() -> tuple:
    """The school, the student and the lead: the core's rows, written at the latest state."""
    school = SchoolFactory()
    return school, enrolled_student(school), UserFactory()


def write_before_the_move(old, school, student, lead) -> dict:
    """Rows as the app wrote them before the move, through that time's models."""
    now = timezone.now()
    peer = old.get_model("support_team", "PeerDistrict").objects.create(
        district_id=school.district_id, identifier="lakeside", name="Lakeside", signing_public="k"
    )
    case = old.get_model("support_team", "Case").objects.create(
        school_id=school.pk, student_id=student.pk, lead_id=lead.pk, opened_at=now
    )
    note = old.get_model("support_team", "Note").objects.create(
        case=case, author_id=lead.pk, body="Chosen for the packet", written_at=now
    )
    packet = old.get_model("support_team", "TransferPacket").objects.create(
        student_id=student.pk,
        from_school_id=school.pk,
        peer=peer,
        direction="outgoing",
        status="approved",
        note_level="team",
        content={"format": "schoolwell-transfer-packet"},
        created_by_id=lead.pk,
        approved_at=now,
        version=3,
    )
    packet.included_notes.add(note)
    history = old.get_model("support_team", "HistoricalTransferPacket").objects.create(
        id=packet.pk,
        uid=packet.uid,
        student_id=student.pk,
        from_school_id=school.pk,
        peer_id=peer.pk,
        direction="outgoing",
        status="approved",
        created_at=packet.created_at,
        version=3,
        history_date=now,
        history_type="~",
        history_user_id=lead.pk,
        history_change_reason="approved",
    )
    old.get_model("support_team", "HistoricalTransferPacket_included_notes").objects.create(
        id=packet.included_notes.through.objects.get().pk,
        history=history,
        transferpacket_id=packet.pk,
        note_id=note.pk,
    )
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldContentType.objects.filter(model="transferpacket").delete()
    kind = OldContentType.objects.create(app_label="support_team", model="transferpacket")
    permission = old.get_model("auth", "Permission").objects.create(
        content_type=kind, codename="view_transferpacket", name="Can view transfer packet"
    )
    # The core's tables stay as they are: its own model writes the row.
    log = AccessLog.objects.create(
        user_id=lead.pk,
        student_id=student.pk,
        object_type="support_team.transferpacket",
        object_id=str(packet.pk),
    )
    return {
        "peer": peer,
        "note": note,
        "packet": packet,
        "history": history,
        "kind": kind,
        "permission": permission,
        "log": log,
    }


def read_after_the_move(before: dict, school, student, lead) -> None:
    packet = TransferPacket.objects.get(pk=before["packet"].pk)
    assert (packet.uid, packet.student_id, packet.from_school_id) == (
        before["packet"].uid,
        student.pk,
        school.pk,
    )
    assert (packet.status, packet.direction, packet.note_level, packet.version) == (
        TransferPacket.Status.APPROVED,
        TransferPacket.Direction.OUTGOING,
        TransferPacket.NoteLevel.TEAM,
        3,
    )
    assert packet.content == {"format": "schoolwell-transfer-packet"}
    assert packet.peer == PeerDistrict.objects.get(pk=before["peer"].pk)
    assert list(packet.included_notes.values_list("pk", flat=True)) == [before["note"].pk]

    history = packet.history.get()
    assert (history.history_id, history.history_user_id, history.history_change_reason) == (
        before["history"].history_id,
        lead.pk,
        "approved",
    )
    assert [row.note_id for row in history.included_notes.all()] == [before["note"].pk]

    ContentType.objects.clear_cache()
    kind = ContentType.objects.get_for_model(TransferPacket)
    assert (kind.pk, kind.app_label) == (before["kind"].pk, "transfers")
    assert not ContentType.objects.filter(app_label="support_team", model="transferpacket")
    assert Permission.objects.get(content_type=kind, codename="view_transferpacket").pk == (
        before["permission"].pk
    )
    log = AccessLog.objects.get(pk=before["log"].pk)
    assert (log.object_type, log.object_id) == ("transfers.transferpacket", str(packet.pk))

"""manage.py export_transfer_packet / import_transfer_packet, end to end in one database."""

import pytest
from django.core.management import CommandError, call_command

from support_team.models import Intake
from support_team.transfers.models import TransferPacket
from tests.transfers.test_exchange import approved_packet, receiving_student


def test_export_then_import_puts_the_packet_in_the_receiving_queue(
    sender, record, two_districts, tmp_path, capsys
):
    packet = approved_packet(sender, record)
    out = tmp_path / "packet.swtp"
    call_command(
        "export_transfer_packet",
        packet.pk,
        peer=two_districts["peer_b_at_a"].identifier,
        user=sender["team"].email,
        output=out,
    )
    student_b = receiving_student(two_districts["school_b"], record)
    call_command(
        "import_transfer_packet",
        out,
        user=two_districts["team_b"].email,
        school=two_districts["school_b"].sourced_id,
    )
    intake = Intake.objects.get(source=Intake.Source.TRANSFER)
    assert intake.student == student_b and intake.school == two_districts["school_b"]
    assert "Imported packet" in capsys.readouterr().out


def test_a_tampered_file_is_refused_by_the_command_and_nothing_is_imported(
    sender, record, two_districts, tmp_path
):
    packet = approved_packet(sender, record)
    out = tmp_path / "packet.swtp"
    call_command(
        "export_transfer_packet",
        packet.pk,
        peer=two_districts["peer_b_at_a"].identifier,
        user=sender["team"].email,
        output=out,
    )
    receiving_student(two_districts["school_b"], record)
    data = bytearray(out.read_bytes())
    data[-100] ^= 0x10
    out.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="Refused, nothing imported: The signature"):
        call_command(
            "import_transfer_packet",
            out,
            user=two_districts["team_b"].email,
            school=two_districts["school_b"].sourced_id,
        )
    assert not TransferPacket.objects.filter(direction="incoming").exists()


def test_the_passphrase_is_printed_once_when_the_peer_has_no_key(
    sender, record, two_districts, tmp_path, capsys
):
    peer = two_districts["peer_b_at_a"]
    peer.encryption_public = ""
    peer.save()
    packet = approved_packet(sender, record)
    call_command(
        "export_transfer_packet",
        packet.pk,
        peer=peer.identifier,
        user=sender["lead"].email,
        output=tmp_path / "p.swtp",
    )
    assert "One-time passphrase" in capsys.readouterr().out

"""Seal an approved transfer packet for another district: one file, signed with our
district's key and encrypted to theirs (or to a one-time passphrase, printed once)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from schoolwell.models import User
from support_team.transfers import exchange
from support_team.transfers.models import PeerDistrict, TransferPacket


class Command(BaseCommand):
    help = "Export an approved transfer packet as a signed, encrypted file for another district."

    def add_arguments(self, parser):
        parser.add_argument("packet", type=int, help="The packet's id (as in /transfers/<id>/)")
        parser.add_argument("--peer", required=True, help="The receiving district's identifier")
        parser.add_argument("--user", required=True, help="E-mail of the sending team member")
        parser.add_argument("--output", required=True, type=Path, help="Where to write the file")

    def handle(self, *args, packet, peer, user, output, **options):
        try:
            by = User.objects.get(email__iexact=user, is_active=True)
            packet = TransferPacket.objects.select_related("from_school").get(pk=packet)
            peer = PeerDistrict.objects.get(
                identifier=peer, district_id=packet.from_school.district_id
            )
        except (User.DoesNotExist, TransferPacket.DoesNotExist, PeerDistrict.DoesNotExist):
            raise CommandError("No such user, packet, or peer district of the sender.") from None
        except AttributeError:
            raise CommandError("Only a packet of one of our schools can be exported.") from None
        try:
            data, passphrase = exchange.packet_export(packet=packet, by=by, peer=peer)
        except PermissionDenied:
            raise CommandError(f"{by.email} is not on the sending school's team.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output.write_bytes(data)
        self.stdout.write(f"Wrote {output} ({len(data)} bytes) for {peer.name}.")
        if passphrase:
            # Printed once, never stored: give it to the receiver by phone.
            self.stdout.write(f"One-time passphrase (give it by phone): {passphrase}")

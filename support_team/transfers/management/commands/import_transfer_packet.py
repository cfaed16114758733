"""Import another district's transfer packet (or the receipt for one we sent). The file is
verified, decrypted and validated before anything is written; then it is delivered into the
receiving school's queue in one transaction, or nothing is."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schoolwell.models import School, User
from support_team.transfers import exchange


class Command(BaseCommand):
    help = "Import a transfer packet file from another district, or a receipt file (--receipt)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="E-mail of the receiving team member")
        parser.add_argument("--school", help="The receiving school's sourced id")
        parser.add_argument("--passphrase", default="", help="If the file was sealed with one")
        parser.add_argument(
            "--student",
            help="The student's sourced id here (default: the one enrolled student whose "
            "legal name and date of birth match)",
        )
        parser.add_argument(
            "--receipt", action="store_true", help="The file is a receipt for a packet we sent"
        )

    def handle(self, *args, file, user, school, passphrase, student, receipt, **options):
        try:
            data = file.read_bytes()
            by = User.objects.get(email__iexact=user, is_active=True)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except User.DoesNotExist:
            raise CommandError(f"No active user {user}.") from None
        try:
            if receipt:
                packet = exchange.acknowledgement_import(data=data, by=by)
                self.stdout.write(f"Receipt recorded: packet {packet.pk} acknowledged.")
                return
            if not school:
                raise CommandError("--school is required to import a packet.")
            self._import(data, by, school, passphrase, student)
        except exchange.ImportRefused as refused:
            raise CommandError(f"Refused, nothing imported: {refused}") from None
        except PermissionDenied:
            raise CommandError(f"{by.email} is not on that school's team.") from None

    @transaction.atomic
    def _import(self, data, by, school_id, passphrase, student_id):
        school = School.objects.filter(sourced_id=school_id).first()
        if school is None:
            raise CommandError(f"No school {school_id}.")
        held = exchange.packet_import(data=data, school=school, by=by, passphrase=passphrase)
        matches = exchange.matching_students(school, held.content)
        if student_id:
            matches = held.student.__class__.objects.filter(
                sourced_id=student_id, enrollments__school=school, enrollments__end_date=None
            )
        if matches.count() != 1:
            raise CommandError(
                "Refused, nothing imported: name the student with --student (no single "
                "enrolled student matches the packet)."
            )
        packet = exchange.packet_import_confirm(packet=held, by=by, student=matches.get())
        self.stdout.write(
            f"Imported packet {packet.pk} into the queue of {school.name} "
            f"(intake {packet.intake_id})."
        )

from django.core.management.base import BaseCommand, CommandError

from schoolwell import retention
from schoolwell.models import District


class Command(BaseCommand):
    help = (
        "Delete the records of students past their district's retention period (history "
        "included), except those under a legal hold, and keep a purge record of the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", help="sourced id of one district (default: all)")

    def handle(self, *args, district=None, **options):
        districts = District.objects.all()
        if district:
            districts = districts.filter(sourced_id=district)
            if not districts.exists():
                raise CommandError(f"No district with sourced id {district!r}.")
        for each in districts:
            record = retention.purge_district(district=each)
            self.stdout.write(
                f"{each.name}: {record.students} students purged (left before "
                f"{record.cutoff:%Y-%m-%d}), {record.held} kept under a legal hold."
            )
            for label, count in sorted(record.rows.items()):
                self.stdout.write(f"  {label}: {count}")

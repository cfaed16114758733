from pathlib import Path

from django.core.management.base import BaseCommand

from community_links.hsds import export_csv, export_json, export_tables


class Command(BaseCommand):
    help = (
        "Export the resource directory as Open Referral HSDS 3.0: OUT/csv (a tabular "
        "datapackage) and OUT/json (full service records and lists)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out")

    def handle(self, *args, out, **options):
        data = export_tables()
        out = Path(out)
        export_csv(out / "csv", data)
        export_json(out / "json", data)
        self.stdout.write(
            f"Exported {len(data['service'])} services and {len(data['organization'])} "
            f"organizations to {out}/csv and {out}/json."
        )

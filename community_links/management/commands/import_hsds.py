from django.core.management.base import BaseCommand, CommandError

from community_links.hsds import HsdsImportError, import_path


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS 3.0 package into the resource directory: a CSV folder "
        "with datapackage.json, a folder of JSON files, or one JSON file. All or nothing; "
        "re-importing updates records by HSDS id."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            result = import_path(path)
        except HsdsImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Nothing imported: {len(exc.errors)} problem(s).") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        created = ", ".join(f"{n} {t}" for t, n in sorted(result.created.items())) or "nothing"
        updated = ", ".join(f"{n} {t}" for t, n in sorted(result.updated.items())) or "nothing"
        self.stdout.write(f"Imported. Created: {created}. Updated: {updated}.")

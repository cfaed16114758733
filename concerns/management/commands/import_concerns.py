"""manage.py import_concerns FILE --school ID [--map field=Column ...] [--confirm]

Checks a legacy spreadsheet of past concerns (CSV or XLSX). Each problem is printed as
`line N: column: message` and the command exits non-zero with nothing written. Without
--confirm it prints what would be imported and writes nothing; with --confirm it imports
every row or none.
"""

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concerns import legacy_import
from schoolwell.forms import parse_pk
from schoolwell.models import School


class Command(BaseCommand):
    help = (
        "Check a spreadsheet of past concerns and, with --confirm, import all of it or none "
        "of it. Fields for --map: " + ", ".join(legacy_import.FIELDS)
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument("--school", required=True, help="the school's sourced_id or id")
        parser.add_argument(
            "--map",
            action="append",
            dest="overrides",
            default=[],
            metavar="FIELD=COLUMN",
            help="which column holds a field, when the header does not say (FIELD= for none)",
        )
        parser.add_argument("--confirm", action="store_true", help="import (default: check only)")

    def handle(self, *args: Any, file: str, school: str, overrides: list[str], **options) -> None:
        path = Path(file)
        the_school = self._school(school)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > legacy_import.MAX_FILE_BYTES:
            raise CommandError("This file is larger than 20 MB. Split it into smaller files.")
        data = path.read_bytes()
        try:
            checked = legacy_import.check(
                data, school=the_school, overrides=self._overrides(overrides)
            )
        except legacy_import.ImportFileError as error:
            raise CommandError(str(error)) from None
        for name, column in checked.mapping.items():
            self.stdout.write(f"  {name:<14} <- {column}")
        if checked.problems:
            for problem in checked.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported from {path.name}: {len(checked.problems)} problem(s) "
                "listed above."
            )
        self._summary(checked, the_school)
        if not options["confirm"]:
            self.stdout.write("Nothing was written. Run again with --confirm to import.")
            return
        record = legacy_import.concern_import_checked(
            checked, school=the_school, file_name=path.name
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {record.imported_count} concerns (concern import #{record.pk})."
            )
        )

    def _school(self, value: str) -> School:
        school = School.objects.filter(sourced_id=value).first()
        if school is None and (pk := parse_pk(value)) is not None:
            school = School.objects.filter(pk=pk).first()
        if school is None:
            raise CommandError(f"No school with sourced_id or id {value!r}.")
        return school

    def _overrides(self, items: list[str]) -> dict[str, str]:
        overrides = {}
        for item in items:
            name, sep, column = item.partition("=")
            if not sep or name.strip() not in legacy_import.FIELDS:
                raise CommandError(
                    f"--map {item!r}: use FIELD=Column, FIELD being one of "
                    + ", ".join(legacy_import.FIELDS)
                )
            overrides[name.strip()] = column.strip()
        return overrides

    def _summary(self, checked: legacy_import.Checked, school: School) -> None:
        rows = checked.rows
        dates = sorted(row.on for row in rows)
        self.stdout.write(
            f"{len(rows)} concerns ready to import into {school}, dated {dates[0]} to {dates[-1]}."
        )
        counts = Counter(c.name for row in rows for c in row.categories)
        for name, count in counts.most_common():
            self.stdout.write(f"  {count:>6}  {name}")

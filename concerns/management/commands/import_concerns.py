"""manage.py import_concerns FILE --school ID [--map field=Column ...] [--date-order ORDER]
    [--again] [--include-duplicates] [--confirm]

Checks a legacy spreadsheet of past concerns (CSV or XLSX). Each problem is printed as
`line N: column: message` and the command exits non-zero with nothing written. Without
--confirm it prints what would be imported and writes nothing; with --confirm it imports
every row or none. As in the browser: numeric dates that read either way need
--date-order; a file imported before is refused without --again; rows that repeat concerns
already recorded are listed and skipped without --include-duplicates.
"""

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concerns import legacy_import
from concerns.models import ConcernImport
from schoolwell.forms import parse_pk
from schoolwell.models import School

ORDERS = {
    "day-first": ConcernImport.DateOrder.DAY_FIRST,
    "month-first": ConcernImport.DateOrder.MONTH_FIRST,
}


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
        parser.add_argument(
            "--date-order",
            choices=ORDERS,
            help="how numeric dates like 03/11/2025 are written, when the file cannot tell",
        )
        parser.add_argument(
            "--again", action="store_true", help="import a file that was imported before"
        )
        parser.add_argument(
            "--include-duplicates",
            action="store_true",
            help="also import rows that repeat concerns already recorded",
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
                data,
                school=the_school,
                overrides=self._overrides(overrides),
                order=ORDERS.get(options["date_order"]),
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
        self._dates(checked)
        self._duplicates(checked, options["include_duplicates"])
        earlier = legacy_import.earlier_import(
            school=the_school, file_hash=legacy_import.file_hash(data)
        )
        if earlier is not None:
            by = earlier.started_by or "the import command"
            self.stdout.write(
                f"This file was imported on {earlier.finished_at:%Y-%m-%d} by {by} "
                f"(concern import #{earlier.pk})."
            )
            if options["confirm"] and not options["again"]:
                raise CommandError("Nothing was imported. Run again with --again to import it.")
        self._summary(checked, the_school, options["include_duplicates"])
        if not options["confirm"]:
            self.stdout.write("Nothing was written. Run again with --confirm to import.")
            return
        record = legacy_import.concern_import_checked(
            checked,
            school=the_school,
            file_name=path.name,
            file_hash=legacy_import.file_hash(data),
            include_duplicates=options["include_duplicates"],
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

    def _dates(self, checked: legacy_import.Checked) -> None:
        found = checked.dates
        if checked.pending:
            line, text = found.either or found.day_first
            raise CommandError(
                f"Dates such as {text} (line {line}) could be day first or month first, and "
                f"{len(checked.pending)} row(s) have such dates. Run again with --date-order "
                "day-first or --date-order month-first (one order for the whole file)."
            )
        if found.inferred and checked.order == found.inferred:
            line, text = found.day_first or found.month_first
            order = "day first" if found.inferred == ORDERS["day-first"] else "month first"
            self.stdout.write(f"Dates read {order}: {text} on line {line} can only be read so.")

    def _duplicates(self, checked: legacy_import.Checked, include: bool) -> None:
        for duplicate in checked.duplicates:
            same = (
                f"repeats line {duplicate.same_as}"
                if duplicate.same_as
                else f"repeats concern #{duplicate.concern}, already recorded"
            )
            self.stdout.write(f"line {duplicate.line}: {same}")
        if checked.duplicates:
            fate = "imported anyway" if include else "skipped (--include-duplicates to import)"
            self.stdout.write(f"{len(checked.duplicates)} row(s) already recorded: {fate}.")

    def _summary(self, checked: legacy_import.Checked, school: School, include: bool) -> None:
        skipped = set() if include else {d.line for d in checked.duplicates}
        rows = [row for row in checked.rows if row.line not in skipped]
        if not rows:
            self.stdout.write(f"No new concerns to import into {school}.")
            return
        dates = sorted(row.on for row in rows)
        self.stdout.write(
            f"{len(rows)} concerns ready to import into {school}, dated {dates[0]} to {dates[-1]}."
        )
        counts = Counter(c.name for row in rows for c in row.categories)
        for name, count in counts.most_common():
            self.stdout.write(f"  {count:>6}  {name}")

"""Legacy spreadsheet import of past concerns: a CSV or XLSX file of concerns kept before
SchoolWell, checked row by row, then imported all at once or not at all.

    concern_import_start(started_by=, school=, file_name=, data=) -> ConcernImport (preview)
    concern_import_remap(record=, mapping=) -> ConcernImport      the user chose other columns
    concern_import_date_order(record=, order=) -> ConcernImport   the user chose the date order
    concern_import_preview(record) -> Table                       the header and first rows
    earlier_import(school=, file_hash=) -> ConcernImport | None   this file imported before
    concern_import_confirm(record=, again=, include_duplicates=)  imported, or still refused
    check(data, school=, mapping=None, order=None) -> Checked     no writes (the command)
    concern_import_checked(checked, ...) -> ConcernImport         the command's --confirm

A file that is not a readable table, or is past one of the caps in limits.py (size, rows,
columns, cells, characters, and for a workbook its unzipped parts), raises ImportFileError
and nothing is kept. A row is refused, with its
spreadsheet line (the header is line 1), when its student is not found at the school, a date
cannot be read or is ambiguous, a category is unknown (with the nearest one suggested), the
narrative is empty or too long, or a cell looks like a spreadsheet formula.

Nothing is imported twice unless the user says so: a file already imported (recognised by
the SHA-256 of its bytes) is flagged and its rows are skipped unless the user ticks "import
this file again"; a row that repeats a concern already recorded, or a row above it
(duplicates.py says what "the same" means), is flagged line by line and skipped unless the
user ticks "import these anyway". Numeric dates are read in one order for the whole file,
inferred from the file when its dates prove it, else chosen by the user (dates.py).

Imported concerns are history, not new work: they keep their original date (at noon), name
their reporter as text, say which file they came from, reach the student's chronology, and
open no queue intake.

The file is read once, at upload: the table read from it waits in the ConcernImport row
(never on disk), with its header and first rows apart for the preview page; a remap and the
confirmation check that table again, they never read the file again. Both are cleared once
the import has run.

How the pieces fit: table / workbook (bytes -> cells, within limits) -> rows (mapping,
checks, dates, duplicates) -> here (records) -> write (concerns, history, chronology).
"""

from __future__ import annotations

import hashlib
import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concerns.legacy_import.duplicates import described
from concerns.legacy_import.rows import (
    FIELDS,
    Checked,
    Problem,
    check,
    check_table,
    detect_mapping,
)
from concerns.legacy_import.table import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    Table,
    read_table,
)
from concerns.legacy_import.write import write
from concerns.models import ConcernImport
from schoolwell.models import School, User

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Checked",
    "ImportFileError",
    "Problem",
    "Table",
    "check",
    "ImportRefused",
    "check_table",
    "concern_import_checked",
    "concern_import_confirm",
    "concern_import_date_order",
    "concern_import_preview",
    "concern_import_remap",
    "concern_import_start",
    "detect_mapping",
    "earlier_import",
    "file_hash",
    "read_table",
]

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20


class ImportRefused(Exception):
    """The confirmation imported nothing and the preview was brought up to date; the
    message says why, in words for the user."""


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_file_name(name: str) -> str:
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "spreadsheet"


def concern_import_start(
    *, started_by: User | None, school: School, file_name: str, data: bytes
) -> ConcernImport:
    """Read an uploaded file, the one time it is read, check it, and keep the table read
    from it, in preview, until the user confirms. Raises ImportFileError (and keeps nothing)
    when the file is not a readable table or is past a cap."""
    table = read_table(data)
    digest = file_hash(data)
    # The same bytes write their dates the same way: an order chosen for them holds again.
    earlier = earlier_import(school=school, file_hash=digest)
    order = earlier.date_order if earlier else ""
    checked = check_table(table, school=school, order=order or None)
    return ConcernImport.objects.create(
        started_by=started_by,
        school=school,
        file_name=clean_file_name(file_name),
        file_hash=digest,
        date_order=order,
        table=table.as_json(),
        preview=Table(
            table.kind, table.columns, table.rows[:PREVIEW_ROWS], table.first_line
        ).as_json(),
        row_count=checked.table.row_count,
        **_findings(checked),
    )


def _findings(checked: Checked) -> dict:
    """What a check found, as the ConcernImport fields the preview page reads."""
    return {
        "mapping": checked.mapping,
        "problems": [p.as_dict() for p in checked.problems],
        "dates": {
            **checked.dates.as_json(),
            "order": checked.order or "",
            "pending": len(checked.pending),
        },
        "duplicates": described(checked.rows, checked.duplicates),
    }


def _keep_findings(record: ConcernImport, checked: Checked, *fields: str) -> None:
    for name, value in _findings(checked).items():
        setattr(record, name, value)
    record.save(update_fields=["mapping", "problems", "dates", "duplicates", *fields])


def concern_import_remap(*, record: ConcernImport, mapping: dict[str, str]) -> ConcernImport:
    """Check the kept table again with the columns the user chose."""
    if record.status != ConcernImport.Status.PREVIEW or not record.table:
        return record
    checked = check_table(
        Table.from_json(record.table),
        school=record.school,
        mapping=mapping,
        order=record.date_order or None,
    )
    _keep_findings(record, checked)
    return record


def concern_import_date_order(*, record: ConcernImport, order: str) -> ConcernImport:
    """Read the file's numeric dates in the order the user chose (for the whole file), and
    check the kept table again: a date not valid in that order is its row's problem."""
    if record.status != ConcernImport.Status.PREVIEW or not record.table:
        return record
    record.date_order = ConcernImport.DateOrder(order)
    checked = check_table(
        Table.from_json(record.table), school=record.school, mapping=record.mapping, order=order
    )
    _keep_findings(record, checked, "date_order")
    return record


def concern_import_preview(record: ConcernImport) -> Table | None:
    """The header and the first rows of the kept table, as stored at upload (None once the
    import has run)."""
    return Table.from_json(record.preview) if record.preview else None


def earlier_import(*, school: School, file_hash: str) -> ConcernImport | None:
    """The first import of a file with these bytes at this school that imported something,
    whoever ran it: an importer at the school is told a colleague already imported it."""
    if not file_hash:
        return None
    return (
        ConcernImport.objects.filter(
            school=school,
            file_hash=file_hash,
            status=ConcernImport.Status.IMPORTED,
            imported_count__gt=0,
        )
        .select_related("started_by")
        .defer("table", "preview", "problems", "duplicates")
        .order_by("finished_at", "pk")
        .first()
    )


def concern_import_confirm(
    *, record: ConcernImport, again: bool = False, include_duplicates: bool = False
) -> ConcernImport:
    """Import every row or none, skipping what the preview flagged unless the user ticked it:
    every row of a file already imported (again=False), the rows that repeat a concern
    already recorded or a row above them (include_duplicates=False). The kept table is
    checked again first (a student or a category may have changed since the preview): any
    problem refuses the whole file. Raises ImportRefused, importing nothing, while the date
    order is still to be chosen, or when the rows repeating recorded concerns are no longer
    those the preview showed (someone imported them meanwhile): what the user ticked was
    about other rows. A second confirm of the same import changes nothing."""
    refusal = None
    try:
        with transaction.atomic():
            record = ConcernImport.objects.select_for_update().get(pk=record.pk)
            if record.status != ConcernImport.Status.PREVIEW or not record.table:
                return record
            table = Table.from_json(record.table)
            checked = check_table(
                table,
                school=record.school,
                mapping=record.mapping,
                order=record.date_order or None,
            )
            shown = [d["line"] for d in record.duplicates]
            if checked.problems:
                _keep_findings(record, checked)
                return record
            if checked.pending:
                _keep_findings(record, checked)
                refusal = _("Choose how the dates of this file are written first.")
            elif [d.line for d in checked.duplicates] != shown:
                _keep_findings(record, checked)
                refusal = _(
                    "Since the preview, other rows of this file have come to match concerns "
                    "already recorded. Check the rows listed below, then import again."
                )
            else:
                skipped = set() if include_duplicates else {d.line for d in checked.duplicates}
                if not again and earlier_import(school=record.school, file_hash=record.file_hash):
                    skipped = {row.line for row in checked.rows}
                write([row for row in checked.rows if row.line not in skipped], record)
    except DatabaseError as error:
        # The checks run first so that this should not happen; if the database still
        # refuses a row, nothing was kept. Logged without the error text: it may quote data.
        logger.error("Concern import %s refused by the database: %s", record.pk, type(error))
        return _fail(record, _("The database refused the import, so nothing was imported."))
    if refusal:
        raise ImportRefused(refusal)
    return record


def concern_import_checked(
    checked: Checked,
    *,
    school: School,
    file_name: str,
    file_hash: str = "",
    started_by: User | None = None,
    include_duplicates: bool = False,
) -> ConcernImport:
    """Import rows that check() found no problem with, recording the import (the command
    has no preview to keep), skipping the rows that repeat recorded concerns unless told
    otherwise. Whether the file was imported before is the caller's to ask first
    (earlier_import)."""
    if checked.problems or checked.pending:
        raise ValueError("refusing to import a file with problems or undecided dates")
    skipped = set() if include_duplicates else {d.line for d in checked.duplicates}
    with transaction.atomic():
        record = ConcernImport.objects.create(
            started_by=started_by,
            school=school,
            file_name=clean_file_name(file_name),
            file_hash=file_hash,
            row_count=checked.table.row_count,
            date_order=checked.order if checked.order and checked.dates.must_ask else "",
            **_findings(checked),
        )
        write([row for row in checked.rows if row.line not in skipped], record)
    return record


def _fail(record: ConcernImport, message: str) -> ConcernImport:
    record.status = ConcernImport.Status.FAILED
    record.problems = [Problem(None, "", message).as_dict()]
    record.table, record.preview, record.duplicates = {}, {}, []
    record.finished_at = timezone.now()
    record.save(
        update_fields=["status", "problems", "table", "preview", "duplicates", "finished_at"]
    )
    return record

"""Legacy spreadsheet import of past concerns: a CSV or XLSX file of concerns kept before
SchoolWell, checked row by row, then imported all at once or not at all.

    concern_import_start(started_by=, school=, file_name=, data=) -> ConcernImport (preview)
    concern_import_remap(record=, mapping=) -> ConcernImport      the user chose other columns
    concern_import_preview(record) -> Table                       the header and first rows
    concern_import_confirm(record=) -> ConcernImport              imported, or still refused
    check(data, school=, mapping=None) -> Checked                 no writes (the command)
    concern_import_checked(checked, ...) -> ConcernImport         the command's --confirm

A file that is not a readable table, or is past one of the caps in limits.py (size, rows,
columns, cells, characters, and for a workbook its unzipped parts), raises ImportFileError
and nothing is kept. A row is refused, with its
spreadsheet line (the header is line 1), when its student is not found at the school, a date
cannot be read or is ambiguous, a category is unknown (with the nearest one suggested), the
narrative is empty or too long, or a cell looks like a spreadsheet formula.

Imported concerns are history, not new work: they keep their original date (at noon), name
their reporter as text, say which file they came from, reach the student's chronology, and
open no queue intake.

The file is read once, at upload: the table read from it waits in the ConcernImport row
(never on disk), with its header and first rows apart for the preview page; a remap and the
confirmation check that table again, they never read the file again. Both are cleared once
the import has run.

How the pieces fit: table / workbook (bytes -> cells, within limits) -> rows (mapping,
checks) -> here (records, write).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, time

from django.apps import apps
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from concerns.legacy_import.rows import (
    FIELDS,
    Checked,
    Problem,
    Row,
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
from concerns.models import Concern, ConcernImport
from schoolwell.models import School, Student, User
from support_team import services as hub
from support_team.models import TimelineEntry

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Checked",
    "ImportFileError",
    "Problem",
    "Table",
    "check",
    "check_table",
    "concern_import_checked",
    "concern_import_confirm",
    "concern_import_preview",
    "concern_import_remap",
    "concern_import_start",
    "detect_mapping",
    "read_table",
]

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
BATCH = 500


def clean_file_name(name: str) -> str:
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "spreadsheet"


def concern_import_start(
    *, started_by: User | None, school: School, file_name: str, data: bytes
) -> ConcernImport:
    """Read an uploaded file, the one time it is read, check it, and keep the table read
    from it, in preview, until the user confirms. Raises ImportFileError (and keeps nothing)
    when the file is not a readable table or is past a cap."""
    table = read_table(data)
    checked = check_table(table, school=school)
    return ConcernImport.objects.create(
        started_by=started_by,
        school=school,
        file_name=clean_file_name(file_name),
        table=table.as_json(),
        preview=Table(
            table.kind, table.columns, table.rows[:PREVIEW_ROWS], table.first_line
        ).as_json(),
        mapping=checked.mapping,
        row_count=checked.table.row_count,
        problems=[p.as_dict() for p in checked.problems],
    )


def concern_import_remap(*, record: ConcernImport, mapping: dict[str, str]) -> ConcernImport:
    """Check the kept table again with the columns the user chose."""
    if record.status != ConcernImport.Status.PREVIEW or not record.table:
        return record
    checked = check_table(Table.from_json(record.table), school=record.school, mapping=mapping)
    record.mapping = checked.mapping
    record.problems = [p.as_dict() for p in checked.problems]
    record.save(update_fields=["mapping", "problems"])
    return record


def concern_import_preview(record: ConcernImport) -> Table | None:
    """The header and the first rows of the kept table, as stored at upload (None once the
    import has run)."""
    return Table.from_json(record.preview) if record.preview else None


def concern_import_confirm(*, record: ConcernImport) -> ConcernImport:
    """Import every row or none. The kept table is checked again first (a student or a
    category may have changed since the preview): any problem refuses the whole file. A
    second confirm of the same import changes nothing."""
    try:
        with transaction.atomic():
            record = ConcernImport.objects.select_for_update().get(pk=record.pk)
            if record.status != ConcernImport.Status.PREVIEW or not record.table:
                return record
            table = Table.from_json(record.table)
            checked = check_table(table, school=record.school, mapping=record.mapping)
            if checked.problems:
                record.problems = [p.as_dict() for p in checked.problems]
                record.save(update_fields=["problems"])
                return record
            _write(checked.rows, record)
    except DatabaseError as error:
        # The checks run first so that this should not happen; if the database still
        # refuses a row, nothing was kept. Logged without the error text: it may quote data.
        logger.error("Concern import %s refused by the database: %s", record.pk, type(error))
        return _fail(record, _("The database refused the import, so nothing was imported."))
    return record


def concern_import_checked(
    checked: Checked, *, school: School, file_name: str, started_by: User | None = None
) -> ConcernImport:
    """Import rows that check() found no problem with, recording the import (the command
    has no preview to keep)."""
    if checked.problems:
        raise ValueError("refusing to import a file with problems")
    with transaction.atomic():
        record = ConcernImport.objects.create(
            started_by=started_by,
            school=school,
            file_name=clean_file_name(file_name),
            mapping=checked.mapping,
            row_count=checked.table.row_count,
        )
        _write(checked.rows, record)
    return record


def _fail(record: ConcernImport, message: str) -> ConcernImport:
    record.status = ConcernImport.Status.FAILED
    record.problems = [Problem(None, "", message).as_dict()]
    record.table, record.preview = {}, {}
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "problems", "table", "preview", "finished_at"])
    return record


def _write(rows: list[Row], record: ConcernImport) -> None:
    """In the caller's transaction: the concerns with their history rows (in bulk), their
    categories, one chronology line each, and the record marked imported, its file cleared.
    2,000 concerns one by one (save, categories.set, each with its history) take seconds
    on SQLite; in bulk, a fraction of that, with the same history kept."""
    concerns = [
        Concern(
            school=record.school,
            student_id=row.student_id,
            reporter=None,
            severity=row.severity,
            narrative=row.narrative,
            observed_on=row.on,
            created_at=timezone.make_aware(datetime.combine(row.on, time(12))),
            imported_from=record.file_name,
            imported_reporter=row.reporter,
            idempotency_key=uuid.uuid4(),
        )
        for row in rows
    ]
    for concern in concerns:
        concern.clean_fields(exclude=["school", "student", "reporter"])
    concerns = bulk_create_with_history(
        concerns,
        Concern,
        batch_size=BATCH,
        default_user=record.started_by,
        default_change_reason=f"Imported from {record.file_name}"[:100],
    )
    _categories_with_history(concerns, rows)
    students = Student.objects.in_bulk({row.student_id for row in rows})
    for concern, row in zip(concerns, rows, strict=True):
        hub.timeline_add(
            student=students[row.student_id],
            school=record.school,
            source=TimelineEntry.Source.CONCERN,
            title=_("Imported concern: %(categories)s")
            % {"categories": ", ".join(c.name for c in row.categories)},
            at=concern.created_at,
            categories=[c.slug for c in row.categories],
            link=reverse("concerns:detail", args=[concern.pk]),
        )
    record.status = ConcernImport.Status.IMPORTED
    record.imported_count = len(concerns)
    record.problems = []
    record.table, record.preview = {}, {}
    record.finished_at = timezone.now()
    record.save()


def _categories_with_history(concerns: list[Concern], rows: list[Row]) -> None:
    """What concern.categories.set() does with its history, in bulk: the link rows, and a
    copy of them on each concern's creation history row (simple-history's m2m history), so
    the history shows each concern created with its categories."""
    through = Concern.categories.through
    through.objects.bulk_create(
        [
            through(concern_id=concern.pk, category_id=category.pk)
            for concern, row in zip(concerns, rows, strict=True)
            for category in row.categories
        ],
        batch_size=BATCH,
    )
    m2m_history = apps.get_model("concerns", "HistoricalConcern_categories")
    pks = [concern.pk for concern in concerns]
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        created = dict(
            Concern.history.filter(id__in=chunk, history_type="+").values_list("id", "history_id")
        )
        links = through.objects.filter(concern_id__in=chunk).values_list(
            "id", "concern_id", "category_id"
        )
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=pk, concern_id=concern, category_id=category, history_id=created[concern]
                )
                for pk, concern, category in links
            ],
            batch_size=BATCH,
        )

"""OneRoster 1.1 and 1.2 CSV import: districts, schools, students, enrollments, staff and
student accounts with their memberships, and guardians.

All or nothing. Every file is parsed and every row checked (columns, values, references
between files and to what is already here) before anything is written; any problem refuses
the whole bundle, listing each problem with its file and line. The writes then run in one
transaction. Only the RosterImport record is written outside it, so that a refused or
failed import is still on record.

    import_path(path, scope=Scope.for_user(user), started_by=user) -> RosterImport
                                                                raises RosterError

An import changes only what whoever runs it governs (scope.py): the command line the whole
site, a district administrator their districts, a school administrator their schools. The
scope is decided once, by the caller, and the plan, its checks (fence.py) and the writes
all take it.

How the pieces fit: bundle (folder/zip, safety, limits) -> table (CSV rows) -> parse
(records) -> orgs + plan (what should exist, with the database checks) -> fence (the scope)
-> write (what changes).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from schoolwell.models import RosterImport, User
from schoolwell.roster import limits
from schoolwell.roster.bundle import Bundle, Problem, Problems, RosterError, open_path
from schoolwell.roster.fence import Fence
from schoolwell.roster.orgs import OrgPlan
from schoolwell.roster.parse import parse_bundle
from schoolwell.roster.plan import People
from schoolwell.roster.scope import Scope
from schoolwell.roster.snapshot import load_orgs, load_people
from schoolwell.roster.table import Progress
from schoolwell.roster.write import Writer

__all__ = ["Problem", "Progress", "RosterError", "Scope", "import_path"]

logger = logging.getLogger(__name__)
NO_SCOPE = (
    "whoever started this import administers no school or district (any more), so it may "
    "change nothing: nothing was imported"
)


def import_path(
    path: str | Path,
    *,
    scope: Scope,
    started_by: User | None = None,
    progress: Progress | None = None,
    record: RosterImport | None = None,
) -> RosterImport:
    """Import the bundle in a folder or a .zip file, changing only what `scope` covers.
    Raises RosterError (nothing written but the failed RosterImport) when the bundle is
    refused. `record` continues an import the web page queued."""
    path = Path(path)
    record = record or _start(path.name, started_by)
    if scope.empty:
        problem = Problem(path.name, None, NO_SCOPE)
        _fail(record, [problem])
        raise RosterError([problem])
    caps = limits.caps_for(schools_only=scope.schools_only, schools=len(scope.school_sids))
    try:
        bundle = open_path(path, caps)
    except RosterError as exc:
        _fail(record, exc.problems)
        raise
    return _run(record, bundle, scope, progress)


def _start(source_name: str, started_by: User | None) -> RosterImport:
    return RosterImport.objects.create(source_name=source_name[:255], started_by=started_by)


def _run(
    record: RosterImport, bundle: Bundle, scope: Scope, progress: Progress | None
) -> RosterImport:
    try:
        with transaction.atomic():
            summary = _import(bundle, record, scope, progress)
    except RosterError as exc:
        _fail(record, exc.problems)
        raise
    except DatabaseError as exc:
        # Checks run first so that this should not happen; if the database still refuses a
        # row (a constraint the checks do not know about), nothing was kept.
        logger.exception("Roster import %s refused by the database", record.pk)
        problems = [Problem(bundle.name, None, f"the database refused the import: {exc}")]
        _fail(record, problems)
        raise RosterError(problems) from exc
    except BaseException:
        _fail(record, [Problem(bundle.name, None, "the import stopped on an internal error")])
        raise
    finally:
        bundle.close()
    record.status = RosterImport.Status.DONE
    record.summary = summary
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "summary", "finished_at"])
    return record


def _import(bundle: Bundle, record: RosterImport, scope: Scope, progress: Progress | None) -> dict:
    """Parse, check against the database, then write; raise RosterError before any write."""
    problems = Problems()
    parsed = parse_bundle(bundle, problems, progress)
    if problems.broken_files or not parsed.version:
        problems.raise_if_any()
    orgs = OrgPlan(parsed, load_orgs(), problems, bundle.display_name("orgs.csv"))
    fence = Fence(parsed, orgs, scope, problems, bundle.display_name)
    fence.places()
    if fence.refused:
        problems.raise_if_any()  # a bundle about other schools: no need to read its people
    db_people = load_people(parsed, orgs.db)
    plan = People(parsed, orgs, db_people, problems, fence=fence).build()
    problems.raise_if_any()
    about = {
        "version": parsed.version,
        "files": parsed.modes,
        "rows": parsed.rows,
        "scope": scope.label,
    }
    # The plan holds all the writes need; the parsed rows (a third of the memory of a
    # 50,000-user import) can go before the writes start making model instances.
    del parsed, orgs
    writer = Writer(
        plan,
        db_people,
        scope=scope,
        user=record.started_by,
        reason=f"OneRoster import #{record.pk}",
        today=timezone.localdate(),
        progress=progress,
    )
    return {**about, **writer.run()}


def _fail(record: RosterImport, problems: list[Problem]) -> None:
    record.status = RosterImport.Status.FAILED
    record.errors = [problem.as_dict() for problem in problems]
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "errors", "finished_at"])

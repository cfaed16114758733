"""Background work of the core app (django-tasks: immediate in the embedded default, the
database backend and `db_worker` in production)."""

import shutil
from datetime import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django_tasks import task

from schoolwell import retention, roster
from schoolwell.models import RosterImport
from schoolwell.schedule import Periodic

PROGRESS_EVERY = 2000
SHARED = "shared:"  # a task argument naming a file in the shared storage
CHUNK_BYTES = 1024 * 1024
# Where this node keeps its copy of an upload while the import reads it (removed after).
UPLOAD_DIR = settings.DATA_DIR / "private" / "roster-uploads"


def progress_key(record_id: int) -> str:
    return f"roster-import:{record_id}:progress"


def import_progress(record_id: int) -> dict | None:
    return cache.get(progress_key(record_id))


@task()
def roster_import_task(record_id: int, path: str) -> None:
    """Run a roster import the web page queued. Progress goes to the cache (the import's own
    transaction would hide it from the page); the uploaded file is removed afterwards.
    `path` is a file here, or SHARED + the name the upload has in the shared storage (the
    web page's: whichever node took it), copied to this node's disk while it is read."""
    record = RosterImport.objects.get(pk=record_id)
    stored = path.removeprefix(SHARED) if path.startswith(SHARED) else None
    if stored is not None:
        path = str(_local_copy(stored))

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            cache.set(progress_key(record_id), {"stage": stage, "done": done, "total": total}, 3600)

    # The scope is the uploader's as they are now, not as they were when they uploaded: a
    # role lost in between is not used (and a deleted uploader's import changes nothing).
    scope = roster.Scope.for_user(record.started_by)
    try:
        roster.import_path(path, scope=scope, record=record, progress=progress)
    except roster.RosterError:
        pass  # the record says failed and lists every problem
    finally:
        Path(path).unlink(missing_ok=True)
        if stored is not None:
            storages["shared"].delete(stored)
        cache.delete(progress_key(record_id))


def _local_copy(name: str) -> Path:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    local = UPLOAD_DIR / Path(name).name
    with storages["shared"].open(name) as source, local.open("wb") as out:
        shutil.copyfileobj(source, out, CHUNK_BYTES)
    return local


@task()
def purge_expired_task() -> int:
    """The nightly retention purge (the same as `manage.py purge_expired`)."""
    return sum(record.students for record in retention.purge_all())


# The trends app rebuilds its summary after this (schoolwell/trends/tasks.py), so purged
# records leave it the same night.
PERIODIC = [Periodic(task=purge_expired_task, daily_at=time(2, 30))]

"""Concerns and their observations, for the retention purge (schoolwell.retention)."""

import datetime

from concerns.models import Concern, ConcernImport, Observation
from schoolwell.retention import delete_in_order

PREVIEW_KEPT_FOR = datetime.timedelta(days=1)


def purge_students(student_ids: list[int]) -> dict[str, int]:
    return delete_in_order(
        [
            Observation.objects.filter(concern__student_id__in=student_ids),
            Concern.objects.filter(student_id__in=student_ids),
        ]
    )


def purge_stale(*, district_id: int, now) -> dict[str, int]:
    """A spreadsheet uploaded for preview and never confirmed keeps the table read from it
    for a day, then loses it (the row stays, so the uploader sees what happened)."""
    stale = ConcernImport.objects.filter(
        school__district_id=district_id,
        status=ConcernImport.Status.PREVIEW,
        created_at__lt=now - PREVIEW_KEPT_FOR,
    )
    return {
        "concerns.ConcernImport (unconfirmed file)": stale.update(
            table={},
            preview={},
            duplicates=[],  # they name students and quote the file's text
            status=ConcernImport.Status.FAILED,
            problems=[
                {
                    "line": 0,
                    "column": "",
                    "message": "Preview expired before it was confirmed; upload the file again.",
                }
            ],
        )
    }

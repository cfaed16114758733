"""Self-reports and their requests, for the retention purge (schoolwell.retention)."""

from schoolwell.retention import delete_in_order
from self_report.models import SelfReport, SelfReportRequest


def purge_students(student_ids: list[int]) -> dict[str, int]:
    return delete_in_order(
        [
            SelfReportRequest.objects.filter(report__student_id__in=student_ids),
            SelfReport.objects.filter(student_id__in=student_ids),
        ]
    )

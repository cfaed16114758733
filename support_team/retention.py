"""The hub's records about a student, for the retention purge (schoolwell.retention):
intakes, the chronology and cases with everything inside them (transfer packets are the
transfers app's own: support_team/transfers/retention.py)."""

from schoolwell.retention import delete_in_order
from support_team.models import (
    Case,
    CaseMember,
    FollowUp,
    Goal,
    Intake,
    Intervention,
    Meeting,
    Note,
    TimelineEntry,
)


def purge_students(student_ids: list[int]) -> dict[str, int]:
    in_cases = {"case__student_id__in": student_ids}
    return delete_in_order(
        [
            Intake.objects.filter(student_id__in=student_ids),
            TimelineEntry.objects.filter(student_id__in=student_ids),
            FollowUp.objects.filter(**in_cases),
            Meeting.objects.filter(**in_cases),
            Note.objects.filter(**in_cases),
            Intervention.objects.filter(goal__case__student_id__in=student_ids),
            Goal.objects.filter(**in_cases),
            CaseMember.objects.filter(**in_cases),
            Case.objects.filter(student_id__in=student_ids),
        ]
    )

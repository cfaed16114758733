"""Transfer packets about a student, for the retention purge (schoolwell.retention): run
before the hub's records, whose intakes and notes a packet points at."""

from schoolwell.retention import delete_in_order
from support_team.transfers.models import TransferPacket


def purge_students(student_ids: list[int]) -> dict[str, int]:
    return delete_in_order([TransferPacket.objects.filter(student_id__in=student_ids)])

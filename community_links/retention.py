"""Referrals and their status updates, for the retention purge (schoolwell.retention). The
directory (resources, organisations) is not about students and is never purged."""

from community_links.models import Referral, ReferralUpdate
from schoolwell.retention import delete_in_order


def purge_students(student_ids: list[int]) -> dict[str, int]:
    return delete_in_order(
        [
            ReferralUpdate.objects.filter(referral__student_id__in=student_ids),
            Referral.objects.filter(student_id__in=student_ids),
        ]
    )

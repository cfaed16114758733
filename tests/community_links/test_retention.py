import datetime

import pytest

from community_links.models import Referral, ReferralUpdate
from community_links.services.referrals import referral_send
from schoolwell import retention
from schoolwell.models import Student
from tests.community_links.helpers import open_case, resource


@pytest.mark.django_db
def test_a_purged_students_referrals_go_with_their_history_and_the_directory_stays(
    school_a, categories
):
    case, lead = open_case(school_a)
    pantry = resource(name="Pantry")
    referral_send(case=case, resources=[pantry], by=lead, consent_by="family", consent_name="Robin")
    referral = Referral.objects.get(case=case)
    case.student.enrollments.update(end_date=datetime.date(2015, 6, 1))
    case.status = "closed"
    case.save()

    record = retention.purge_district(district=school_a.district, today=datetime.date(2026, 11, 22))

    assert record.rows["community_links.Referral"] == 1
    assert not Student.objects.filter(pk=case.student_id).exists()
    assert not Referral.history.filter(id=referral.pk).exists()
    assert not ReferralUpdate.objects.filter(referral_id=referral.pk).exists()
    pantry.refresh_from_db()  # the resource is not about the student

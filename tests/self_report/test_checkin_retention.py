"""A check-in past retention goes with everything it made: its requests, its one queue item
(which the requests point at) and the history of all of them."""

import datetime
import uuid

import pytest

from schoolwell import retention
from self_report.models import SelfReport, SelfReportRequest
from self_report.services import Answers, self_report_submit
from support_team.models import Intake


@pytest.mark.django_db
def test_a_purge_removes_the_check_in_its_requests_and_its_queue_item(pupil, school_a):
    _user, student = pupil
    report, _created = self_report_submit(
        student=student,
        school=school_a,
        language="en",
        answers=Answers(wellbeing=1, hurting_self=True, talk_when="today"),
        idempotency_key=uuid.uuid4(),
    )
    assert SelfReportRequest.objects.filter(intake__isnull=False).count() == 2
    student.enrollments.update(end_date=datetime.date(2018, 6, 15))

    record = retention.purge_district(district=school_a.district, today=datetime.date(2026, 11, 22))

    assert record.rows["self_report.SelfReport"] == 1
    assert record.rows["self_report.SelfReportRequest"] == 2
    assert not SelfReport.objects.exists() and not SelfReportRequest.objects.exists()
    assert not Intake.objects.exists()
    for model in (SelfReport, SelfReportRequest, Intake):
        assert not model.history.exists(), model

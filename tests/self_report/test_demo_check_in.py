"""The demo has one check-in by the demo student, so the team has a student's words to read
on the intake page and in the chronology; seeding again adds nothing."""

import pytest

from schoolwell import demo as core_demo
from self_report import demo
from self_report.models import SelfReport
from support_team.models import Intake, TimelineEntry


@pytest.mark.django_db
def test_the_demo_student_has_one_check_in_in_one_queue_item():
    core_demo.seed()
    assert demo.seed()["check-ins"] == 1
    assert demo.seed()["check-ins"] == 0
    # Their only one: the past check-ins (demo_history) are other students'.
    report = SelfReport.objects.get(student__user__email=core_demo.demo_email("student"))
    assert "ran out of food" in report.own_words
    intake = Intake.objects.get(source=Intake.Source.SELF_REPORT, student=report.student)
    assert intake.source_id == str(report.pk) and intake.school == report.school
    assert TimelineEntry.objects.get(source="self_report").link.endswith(f"/{report.pk}/")

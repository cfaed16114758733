import datetime
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from concerns.models import Concern, ConcernImport
from concerns.services import concern_create
from schoolwell import audit, retention
from schoolwell.models import AccessLog, Category, Disclosure, LegalHold, PurgeRecord, Role, Student
from support_team.models import Case, Intake, Note, TimelineEntry
from support_team.services.cases import case_open_or_join
from tests.factories import GuardianFactory, enrolled_student, member

LEFT_LONG_AGO = datetime.date(2018, 6, 15)  # more than 7 years before 2026-11-22
LEFT_RECENTLY = datetime.date(2021, 6, 15)


def student_with_records(school, teacher, lead):
    """A student with a concern (and its intake), a case with a note, a guardian, a
    disclosure and an access-log row: everything a purge must reach."""
    student = enrolled_student(school)
    concern_create(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="low",
        narrative="Missed many mornings",
        observed_on=datetime.date(2017, 3, 1),
        idempotency_key=uuid.uuid4(),
    )
    case, _created = case_open_or_join(school=school, student=student, by=lead)
    Note.objects.create(case=case, author=lead, body="Met family", written_at=timezone.now())
    GuardianFactory().students.add(student)
    audit.disclosure_record(
        student=student, made_by=lead, recipient="Clinic", contents=["name"], basis="consent"
    )
    audit.access_log(user=lead, obj=student, reason="chronology")
    return student


def leave(student, on: datetime.date) -> None:
    student.enrollments.update(end_date=on)


@pytest.fixture
def people(school_a):
    return {
        "teacher": member(Role.TEACHER, school=school_a),
        "lead": member(Role.SAFEGUARDING_LEAD, school=school_a),
    }


@pytest.mark.django_db
def test_only_students_past_retention_and_not_on_hold_are_purged_with_their_history(
    school_a, people
):
    gone, recent, on_hold, enrolled = (
        student_with_records(school_a, people["teacher"], people["lead"]) for _ in range(4)
    )
    leave(gone, LEFT_LONG_AGO)
    leave(recent, LEFT_RECENTLY)
    leave(on_hold, LEFT_LONG_AGO)
    LegalHold.objects.create(student=on_hold, reason="Court order", placed_by=people["lead"])
    gone_ids = {
        "concern": Concern.objects.get(student=gone).pk,
        "intake": Intake.objects.get(student=gone).pk,
        "case": Case.objects.get(student=gone).pk,
    }

    record = retention.purge_district(district=school_a.district, today=datetime.date(2026, 11, 22))

    assert record.students == 1 and record.held == 1
    assert record.rows["concerns.Concern"] == 1 and record.rows["schoolwell.Student"] == 1
    assert set(Student.objects.values_list("pk", flat=True)) == {recent.pk, on_hold.pk, enrolled.pk}
    # History rows of the purged records are gone too, not just the rows.
    assert not Student.history.filter(id=gone.pk).exists()
    assert not Concern.history.filter(id=gone_ids["concern"]).exists()
    assert not Intake.history.filter(id=gone_ids["intake"]).exists()
    assert not Case.history.filter(id=gone_ids["case"]).exists()
    assert not TimelineEntry.objects.filter(student_id=gone.pk).exists()
    assert not Disclosure.objects.filter(student_id=gone.pk).exists()
    # The others keep everything.
    assert Concern.objects.filter(student__in=[recent, on_hold, enrolled]).count() == 3
    assert Note.objects.filter(case__student__in=[recent, on_hold, enrolled]).count() == 3
    # Who read records is kept; the link to the purged person is not.
    assert AccessLog.objects.filter(student=None, object_id=str(gone.pk)).exists()


@pytest.mark.django_db
def test_a_lifted_hold_no_longer_protects(school_a, people):
    student = student_with_records(school_a, people["teacher"], people["lead"])
    leave(student, LEFT_LONG_AGO)
    LegalHold.objects.create(
        student=student, reason="Closed inquiry", placed_by=people["lead"], lifted_at=timezone.now()
    )
    record = retention.purge_district(district=school_a.district, today=datetime.date(2026, 11, 22))
    assert record.students == 1 and not Student.objects.filter(pk=student.pk).exists()


@pytest.mark.django_db
def test_the_command_uses_todays_date_and_keeps_a_record_of_counts_only(school_a, people):
    student = student_with_records(school_a, people["teacher"], people["lead"])
    leave(student, datetime.date(2020, 1, 10))
    with time_machine.travel(datetime.datetime(2027, 1, 9, 12, tzinfo=datetime.UTC)):
        call_command("purge_expired")
    assert Student.objects.filter(pk=student.pk).exists()  # one day short of 7 years
    with time_machine.travel(datetime.datetime(2027, 1, 11, 12, tzinfo=datetime.UTC)):
        call_command("purge_expired")
    assert not Student.objects.filter(pk=student.pk).exists()
    record = PurgeRecord.objects.latest("ran_at")
    assert record.students == 1
    assert student.legal_last_name not in str(record.rows)


@pytest.mark.django_db
def test_unconfirmed_spreadsheet_previews_lose_their_table_after_a_day(school_a, people):
    kept = {"kind": "csv", "columns": ["name"], "rows": [["Ana"]], "first_line": 2}
    repeated = [{"line": 2, "concern": 1, "same_as": None, "student": "Ana", "text": "x"}]
    upload = ConcernImport.objects.create(
        started_by=people["lead"],
        school=school_a,
        file_name="old.csv",
        table=kept,
        preview=kept,
        duplicates=repeated,
    )
    ConcernImport.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    fresh = ConcernImport.objects.create(
        started_by=people["lead"], school=school_a, file_name="new.csv", table=kept
    )
    retention.purge_district(district=school_a.district)
    upload.refresh_from_db()
    fresh.refresh_from_db()
    assert (upload.table, upload.preview, upload.status) == ({}, {}, ConcernImport.Status.FAILED)
    assert upload.duplicates == []
    assert fresh.table == kept


def test_the_purge_runs_nightly_from_the_schedule():
    from schoolwell import schedule, tasks

    jobs = {job.name: job for job in schedule.discover()}
    purge = jobs[tasks.purge_expired_task.module_path]
    assert purge.daily_at.hour == 2 and purge.every is None

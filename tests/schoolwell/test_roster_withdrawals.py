"""OneRoster import withdrawals: students and staff missing from a bulk import or deleted
in a delta are ended, never deleted, and a changed name writes one history row."""

from datetime import date

import pytest
from django.utils import timezone

from schoolwell.models import Enrollment, Membership, Student, User
from tests.schoolwell.roster_bundles import (
    FULL,
    MINIMAL,
    copy_bundle,
    drop_rows,
    edit,
    import_path,
    make_delta,
    table_counts,
)

pytestmark = pytest.mark.django_db


# --- withdrawals --------------------------------------------------------------------------------


def test_a_student_missing_from_a_bulk_import_has_their_enrollment_ended_not_deleted(
    tmp_path, full_imported
):
    bundle = copy_bundle(FULL, tmp_path)
    drop_rows(bundle / "users.csv", "usr-222-567891")
    drop_rows(bundle / "roles.csv", "rol-321-3211")

    record = import_path(bundle)

    anna = Enrollment.objects.get(student__sourced_id="usr-222-567891")
    assert anna.end_date == timezone.localdate()
    assert anna.exit_reason.startswith("Not in the OneRoster bulk import")
    assert Membership.objects.get(user__email="anna.brown@myschool.com").active is False
    assert Enrollment.objects.filter(end_date__isnull=True).count() == 3
    assert record.summary["enrollments"]["ended"] == 1
    assert anna.history.count() == 2


def test_a_delta_deleting_the_enrollment_and_the_role_ends_the_enrollment(tmp_path):
    import_path(MINIMAL)
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "enrollments.csv", "ENROLLMENT_001,active", "ENROLLMENT_001,tobedeleted")
    edit(bundle / "roles.csv", "ROLE_8,active", "ROLE_8,tobedeleted")

    import_path(bundle)

    enrollment = Enrollment.objects.get()
    # No endDate on the row: the enrollment ends when its class's term (ACAD_SESS_1) ended.
    assert enrollment.end_date == date(2024, 1, 26)
    assert "tobedeleted" in enrollment.exit_reason
    assert Student.objects.get().active is True


def test_a_delta_deleting_one_class_enrollment_keeps_the_school_enrollment_of_a_live_role(
    tmp_path,
):
    import_path(MINIMAL)
    bundle = copy_bundle(MINIMAL, tmp_path)
    edit(bundle / "enrollments.csv", "ENROLLMENT_001,active", "ENROLLMENT_001,tobedeleted")

    import_path(bundle)

    assert Enrollment.objects.get().end_date is None


def test_a_user_deleted_in_a_delta_loses_sign_in_membership_and_enrollment(tmp_path, full_imported):
    bundle = copy_bundle(FULL, tmp_path)
    make_delta(bundle)
    edit(bundle / "users.csv", "usr-222-567891,active", "usr-222-567891,tobedeleted")

    import_path(bundle)

    anna = Student.objects.select_related("user").get(sourced_id="usr-222-567891")
    assert (anna.active, anna.user.is_active) == (False, False)
    assert anna.enrollments.get().end_date == timezone.localdate()
    assert Membership.objects.get(user=anna.user).active is False
    assert Enrollment.objects.filter(end_date__isnull=True).count() == 3


def test_a_teacher_deleted_in_a_delta_is_switched_off_even_without_their_role_rows(
    tmp_path, full_imported
):
    bundle = copy_bundle(FULL, tmp_path)
    make_delta(bundle)
    edit(bundle / "users.csv", "usr-222-123456,active", "usr-222-123456,tobedeleted")
    drop_rows(bundle / "roles.csv", "rol-123-1234", "rol-333-9898")
    drop_rows(bundle / "enrollments.csv", "enr-t-222-12345-123456", "enr-t-222-12345-123232")

    import_path(bundle)

    john = User.objects.get(email="john.doe@myschool.com")
    assert john.is_active is False
    assert Membership.objects.get(user=john).active is False
    assert Membership.objects.filter(active=True).count() == 6


def test_a_changed_name_updates_only_that_student_with_one_history_row(tmp_path, full_imported):
    bundle = copy_bundle(FULL, tmp_path)
    edit(bundle / "users.csv", "Anna,Brown", "Anna,Browne")
    before = table_counts()

    record = import_path(bundle)

    assert Student.objects.get(sourced_id="usr-222-567891").legal_last_name == "Browne"
    assert User.objects.get(email="anna.brown@myschool.com").last_name == "Browne"
    after = table_counts()
    assert after["HistoricalStudent"] == before["HistoricalStudent"] + 1
    assert after["HistoricalUser"] == before["HistoricalUser"] + 1
    assert after["HistoricalEnrollment"] == before["HistoricalEnrollment"]
    assert record.summary["students"] == {"created": 0, "updated": 1, "unchanged": 3}

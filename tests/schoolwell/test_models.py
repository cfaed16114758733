import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from schoolwell.audit import access_log, disclosure_record
from schoolwell.models import AccessLog, Disclosure, Membership, Role
from tests.factories import GuardianFactory, SchoolFactory, UserFactory, enrolled_student


@pytest.mark.django_db
def test_every_core_model_keeps_history(school_a):
    student = enrolled_student(school_a)
    student.preferred_name = "Jo"
    student.save()
    enrollment = student.enrollments.get()
    enrollment.exit_reason = "Moved"
    enrollment.save()
    guardian = GuardianFactory()
    guardian.students.add(student)
    guardian.do_not_contact = True
    guardian.save()
    school_a.safeguarding_phone = "555-0199"
    school_a.save()
    school_a.district.name = "Renamed"
    school_a.district.save()
    assert [h.preferred_name for h in student.history.order_by("history_id")] == ["", "Jo"]
    assert enrollment.history.count() == 2
    assert guardian.history.count() == 3  # created, student linked, flag set
    assert apps.get_model("schoolwell", "HistoricalGuardian_students").objects.exists()  # m2m too
    assert school_a.history.count() == 2
    assert school_a.district.history.count() == 2
    user = UserFactory()
    membership = Membership.objects.create(user=user, role=Role.TEACHER, school=school_a)
    membership.active = False
    membership.save()
    assert membership.history.count() == 2
    assert user.history.count() == 1


@pytest.mark.django_db
def test_a_school_role_needs_a_school_and_a_district_role_a_district(school_a):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.TEACHER, district=school_a.district)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.DISTRICT_ANALYST, school=school_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.TEACHER, school=school_a, discipline="nurse")


@pytest.mark.django_db
def test_a_student_has_one_open_enrollment_per_school(school_a):
    student = enrolled_student(school_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        student.enrollments.create(school=school_a)


@pytest.mark.django_db
def test_the_access_log_says_who_and_what_never_the_content(school_a, team_a):
    student = enrolled_student(school_a, legal_first_name="Sentinelname")
    row = access_log(user=team_a, obj=student, reason="triage")
    assert (row.student, row.object_type, row.object_id) == (
        student,
        "schoolwell.student",
        str(student.pk),
    )
    values = " ".join(str(v) for v in AccessLog.objects.values_list().get())
    assert "Sentinelname" not in values


@pytest.mark.django_db
def test_a_disclosure_cannot_be_deleted_while_the_student_exists(school_a, team_a):
    student = enrolled_student(school_a)
    disclosure = disclosure_record(
        student=student,
        made_by=team_a,
        recipient="Food bank",
        contents=["name", "need"],
        basis="Consent",
        consent="Guardian, written",
    )
    with pytest.raises(models.ProtectedError):
        disclosure.delete()
    with pytest.raises(models.ProtectedError):
        Disclosure.objects.all().delete()
    student.delete()  # the retention purge removes the student, and with them the register row
    assert not Disclosure.objects.exists()


@pytest.mark.django_db
def test_district_suppression_threshold_is_never_below_five():
    from tests.factories import DistrictFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictFactory(suppression_threshold=4)
    SchoolFactory()  # and the default is fine

import pytest
from django.http import Http404

from schoolwell import permissions
from schoolwell.models import Role
from support_team.selectors.access import intake_for
from support_team.services import intake_open
from tests.factories import member


@pytest.mark.django_db
def test_a_teacher_of_school_a_finds_no_object_of_school_b(teacher_a, student_b, team_b, school_b):
    intake = intake_open(
        school=school_b, student=student_b, source="staff_note", summary="x", opened_by=team_b
    )
    with pytest.raises(Http404):
        permissions.get_student_or_404(teacher_a, student_b.pk)
    with pytest.raises(Http404):
        intake_for(teacher_a, intake.pk)


@pytest.mark.django_db
def test_a_team_member_sees_their_school_and_nothing_of_another(
    team_a, team_b, student_a, student_b, school_a
):
    intake = intake_open(
        school=school_a, student=student_a, source="staff_note", summary="x", opened_by=team_a
    )
    assert list(permissions.students_for(team_a)) == [student_a]
    assert list(permissions.students_for(team_b)) == [student_b]
    assert intake_for(team_a, intake.pk) == intake
    with pytest.raises(Http404):
        intake_for(team_b, intake.pk)
    with pytest.raises(Http404):
        permissions.get_student_or_404(team_b, student_a.pk)


@pytest.mark.django_db
def test_a_teacher_sees_no_student_record_even_at_their_school(teacher_a, student_a):
    assert not permissions.students_for(teacher_a).exists()


@pytest.mark.django_db
def test_students_who_left_drop_out_of_scope(team_a, student_a):
    student_a.enrollments.update(end_date="2026-01-01")
    with pytest.raises(Http404):
        permissions.get_student_or_404(team_a, student_a.pk)


@pytest.mark.django_db
def test_district_roles_cover_every_school_of_their_district_only(school_a, school_b):
    analyst = member(Role.DISTRICT_ANALYST, district=school_a.district)
    assert permissions.school_ids(analyst, {Role.DISTRICT_ANALYST}) == {school_a.pk}


@pytest.mark.django_db
def test_an_inactive_membership_grants_nothing(team_a, student_a):
    team_a.memberships.update(active=False)
    assert not permissions.can_use_queue(team_a)


@pytest.mark.django_db
def test_home_sends_each_person_where_they_work(team_a, teacher_a, school_a):
    assert permissions.home_for(team_a) == "support_team:queue"
    assert permissions.home_for(member(Role.SCHOOL_ADMIN, school=school_a)) == "roster_import"
    assert permissions.home_for(teacher_a) == "concerns:new"
    assert permissions.home_for(member(Role.STUDENT, school=school_a)) == "self_report:home"
    assert permissions.home_for(member(Role.DISTRICT_ANALYST, district=school_a.district)) is None

import io

import pytest
from django.core.management import call_command

from schoolwell import demo, permissions
from schoolwell.models import Enrollment, Guardian, Membership, Role, School, Student, User


@pytest.mark.django_db
def test_the_demo_district_is_realistic_and_seeding_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Student, Enrollment, Guardian, Membership, User, School)]
    histories = [m.history.count() for m in (Student, Enrollment, Guardian, Membership, User)]
    call_command("seed_demo", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (Student, Enrollment, Guardian, Membership, User, School)
    ] == counts
    assert [
        m.history.count() for m in (Student, Enrollment, Guardian, Membership, User)
    ] == histories
    assert Student.objects.count() == 1500
    assert set(School.objects.values_list("level", flat=True)) == {"elementary", "middle", "high"}
    # two school years: last year's feeder-school enrollments ended with a reason
    assert Enrollment.objects.filter(end_date__isnull=False, exit_reason="Promoted").exists()
    assert Student.objects.filter(mckinney_vento=True).exists()
    assert Guardian.objects.filter(do_not_contact=True).exists()


@pytest.mark.django_db
def test_there_is_one_demo_account_per_role_and_staff_have_mfa():
    demo.seed()
    roles = set()
    for local, *_rest, role, _discipline in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=demo.demo_email(local))
        roles |= permissions.roles(user)
        assert permissions.requires_mfa(user) == (role != Role.STUDENT)
        assert user.check_password("schoolwell-demo-2026")
    assert roles == set(Role.values)
    assert User.objects.get(email=demo.demo_email("student")).student is not None

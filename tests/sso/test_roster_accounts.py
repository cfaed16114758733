"""The roster is the source of truth for single sign-on: what an import stores to match a
person by, and the district's switch every roster-made account starts with off."""

import pytest

from schoolwell import signin_switch
from schoolwell.auth import may_sign_in
from schoolwell.models import District, Role, User
from tests.factories import member
from tests.schoolwell.roster_bundles import FULL, import_path

pytestmark = pytest.mark.django_db


def test_a_roster_import_keeps_the_identifiers_single_sign_on_may_match_by():
    import_path(FULL)
    john = User.objects.get(email="john.doe@myschool.com")
    assert john.roster_ids == {"username": "john.doe", "identifier": "john.doe"}


def test_accounts_a_roster_import_makes_start_switched_off_until_their_role_is_switched_on():
    import_path(FULL)
    made = User.objects.all()
    assert made.count() == 6 and not any(may_sign_in(user) for user in made)
    district = District.objects.get()
    came_on = signin_switch.set_roles(district, [Role.TEACHER])
    teachers = User.objects.filter(memberships__role=Role.TEACHER).distinct()
    assert came_on == teachers.count() == 2
    assert all(user.sign_in_enabled for user in teachers)
    assert not User.objects.get(email="anna.brown@myschool.com").sign_in_enabled

    import_path(FULL)  # again: nothing the district switched on goes off, students stay off
    assert all(user.sign_in_enabled for user in teachers.all())
    assert not User.objects.get(email="anna.brown@myschool.com").sign_in_enabled


def test_a_district_switches_on_only_its_own_people(school_a, school_b):
    ours = member(Role.STUDENT, school=school_a)
    theirs = member(Role.STUDENT, school=school_b)
    User.objects.filter(pk__in=[ours.pk, theirs.pk]).update(sign_in_enabled=False)
    assert signin_switch.switch_on(school_a.district, theirs.pk) is None
    assert signin_switch.switch_on(school_a.district, ours.pk) == ours
    assert User.objects.get(pk=ours.pk).sign_in_enabled
    assert not User.objects.get(pk=theirs.pk).sign_in_enabled


def test_a_switched_off_account_cannot_sign_in_with_its_password_or_keep_its_session(
    client, teacher_a
):
    from tests.factories import PASSWORD

    client.force_login(teacher_a)
    assert client.get("/concerns/new/").status_code != 302
    User.objects.filter(pk=teacher_a.pk).update(sign_in_enabled=False)
    assert client.get("/concerns/new/").status_code == 302  # the session is nobody's now
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": teacher_a.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)

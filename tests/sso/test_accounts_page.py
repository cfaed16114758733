"""/sign-in/accounts/: a district administrator switches on the accounts a roster import
made switched off, by role (and every later arrival in that role) or one by one; an account
of another district is not found and stays as it was."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwell.models import Membership, Role, User
from tests.factories import SchoolFactory, enrolled_student, member

URL = reverse("sso:accounts")


@pytest.fixture
def admin(school_a):
    return member(Role.DISTRICT_ADMIN, school=school_a)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def waiting(role: str, school, **kwargs) -> User:
    """An account as a roster import leaves it: live on the roster, sign-in switched off."""
    user = member(role, school=school, mfa=False, sign_in_enabled=False, **kwargs)
    if role == Role.STUDENT:
        enrolled_student(school, user=user)
    return user


def is_on(user: User) -> bool:
    return User.objects.get(pk=user.pk).sign_in_enabled


# --- who reaches the page -------------------------------------------------------------------


def test_a_teacher_is_refused_the_page(client, teacher_a, school_a):
    off = waiting(Role.TEACHER, school_a)
    client.force_login(teacher_a)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "one", "user": off.pk}).status_code == 403
    assert client.post(URL, {"action": "roles", "roles": ["teacher"]}).status_code == 403
    assert not is_on(off)
    school_a.district.refresh_from_db()
    assert school_a.district.sign_in_roles == []


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_districts_id_is_not_found(admin_client, school_b):
    off = waiting(Role.TEACHER, school_b)
    assert admin_client.get(f"{URL}?district={school_b.district_id}").status_code == 404
    posted = admin_client.post(
        f"{URL}?district={school_b.district_id}", {"action": "one", "user": off.pk}
    )
    assert posted.status_code == 404
    assert not is_on(off)


# --- what the page shows ------------------------------------------------------------------


def test_the_page_lists_switched_off_accounts_with_counts_per_role(admin_client, school_a):
    waiting(Role.TEACHER, school_a, first_name="Tess", last_name="Ayers")
    waiting(Role.TEACHER, school_a)
    waiting(Role.STUDENT, school_a)
    member(Role.TEACHER, school=school_a, mfa=False)  # switched on already
    waiting(Role.TEACHER, SchoolFactory())  # another district's
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 3
    counts = {box.data["value"]: n for box, n in page.context["roles"]}
    assert counts["teacher"] == 2 and counts["student"] == 1 and counts["support"] == 0
    assert "Tess Ayers" in page.text
    assert f"Teacher ({school_a.name})" in page.text
    assert "(2 accounts switched off)" in page.text


def test_nobody_waiting_says_so(admin_client, school_a):
    page = admin_client.get(URL)
    assert f"Every account of {school_a.district.name} is switched on." in page.text


def test_the_list_reads_the_same_queries_for_one_row_as_for_many(admin_client, school_a):
    waiting(Role.TEACHER, school_a)
    admin_client.get(URL)  # warm: session, sites, translations
    with CaptureQueriesContext(connection) as one:
        admin_client.get(URL)
    for role in (Role.STUDENT, Role.SUPPORT, Role.TEACHER, Role.SCHOOL_ADMIN):
        waiting(role, school_a)
    with CaptureQueriesContext(connection) as many:
        page = admin_client.get(URL)
    assert page.context["page"].paginator.count == 5
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_the_list_is_paged_by_fifty(admin_client, school_a):
    for _ in range(51):
        waiting(Role.STUDENT, school_a)
    first = admin_client.get(URL)
    assert len(first.context["page"].object_list) == 50
    second = admin_client.get(f"{URL}?page=2")
    assert len(second.context["page"].object_list) == 1
    assert "Page 2 of 2" in second.text


# --- switching on by role -----------------------------------------------------------------


def test_roles_switch_on_the_roster_made_accounts_of_this_district(admin_client, school_a):
    teachers = [waiting(Role.TEACHER, school_a) for _ in range(2)]
    student = waiting(Role.STUDENT, school_a)
    elsewhere = waiting(Role.TEACHER, SchoolFactory())
    response = admin_client.post(URL, {"action": "roles", "roles": ["teacher"]})
    assert response.status_code == 302 and response["Location"] == URL
    assert all(is_on(t) for t in teachers)
    assert not is_on(student) and not is_on(elsewhere)
    school_a.district.refresh_from_db()
    assert school_a.district.sign_in_roles == ["teacher"]
    page = admin_client.get(URL)
    assert "Saved. 2 accounts were switched on." in page.text
    assert [box.data["selected"] for box, _n in page.context["roles"]][:2] == [False, True]


def test_a_later_arrival_in_a_switched_on_role_comes_on(admin_client, school_a):
    from schoolwell.signin_switch import apply_roles

    admin_client.post(URL, {"action": "roles", "roles": ["student"]})
    arrived = waiting(Role.STUDENT, school_a)
    school_a.district.refresh_from_db()
    apply_roles([school_a.district])  # what the roster import does after it writes
    assert is_on(arrived)


def test_a_role_that_is_not_switchable_is_refused(admin_client, school_a):
    response = admin_client.post(URL, {"action": "roles", "roles": ["partner"]})
    assert response.status_code == 400
    school_a.district.refresh_from_db()
    assert school_a.district.sign_in_roles == []


# --- switching on one by one --------------------------------------------------------------


def test_one_account_is_switched_on(admin_client, school_a):
    one, other = waiting(Role.TEACHER, school_a), waiting(Role.TEACHER, school_a)
    response = admin_client.post(f"{URL}?page=1", {"action": "one", "user": one.pk})
    assert response.status_code == 302 and response["Location"] == f"{URL}?page=1"
    assert is_on(one) and not is_on(other)
    page = admin_client.get(URL)
    assert f"{one.get_full_name()} can now sign in." in page.text


def test_an_account_of_another_district_is_not_found_and_stays_off(admin_client, school_b):
    theirs = waiting(Role.TEACHER, school_b)
    response = admin_client.post(URL, {"action": "one", "user": theirs.pk})
    assert response.status_code == 404
    assert not is_on(theirs)


def test_an_account_that_left_the_district_is_not_found(admin_client, school_a):
    gone = waiting(Role.TEACHER, school_a)
    Membership.objects.filter(user=gone).update(active=False)
    assert admin_client.post(URL, {"action": "one", "user": gone.pk}).status_code == 404
    assert not is_on(gone)


@pytest.mark.parametrize("data", [{}, {"action": "one"}, {"action": "one", "user": "x"}])
def test_a_post_that_names_nothing_is_a_bad_request(admin_client, data):
    assert admin_client.post(URL, data).status_code == 400

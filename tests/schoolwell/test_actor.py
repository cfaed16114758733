"""The Actor is built once per request, and accessors answer 404 outside the actor's scope,
carry what the actor may do, and write the access-log row themselves."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from schoolwell.actor import Actor, as_actor
from schoolwell.middleware import actor as actor_middleware
from schoolwell.models import AccessLog, Role
from support_team.selectors.access import case_for
from tests.factories import member
from tests.support_team.caseload_data import open_case


@pytest.mark.django_db
def test_one_actor_per_user_object_and_its_memberships_read_once(
    team_a, school_a, django_assert_num_queries
):
    actor = Actor.of(team_a)
    assert Actor.of(team_a) is actor and as_actor(team_a) is actor and as_actor(actor) is actor
    with django_assert_num_queries(0):
        assert actor.roles == {Role.SUPPORT}
        assert actor.school_ids({Role.SUPPORT}) == {school_a.pk}
        assert actor.school_ids({Role.SUPPORT}) == {school_a.pk}


@pytest.mark.django_db
def test_the_middleware_puts_the_users_actor_on_the_request(team_a):
    request = RequestFactory().get("/")
    request.user = team_a
    seen = {}

    def view(request):
        seen["actor"] = request.actor
        return None

    actor_middleware(view)(request)
    assert seen["actor"].user == team_a
    assert seen["actor"].pk == Actor.of(team_a).pk


@pytest.mark.django_db
def test_a_signed_out_visitor_is_an_actor_with_nothing(client):
    actor = Actor.of(None)
    assert not actor.is_authenticated and actor.roles == frozenset()
    assert actor.school_ids({Role.SUPPORT}) == frozenset()


@pytest.mark.django_db
def test_reading_a_case_logs_it_and_says_what_the_reader_may_do(school_a, team_a, team_b):
    lead = member(Role.SAFEGUARDING_LEAD, school=school_a)
    case = open_case(school_a, team_a)
    other = member(Role.SUPPORT, school=school_a)

    reached = case_for(Actor.of(other), case.pk, read="case")
    assert reached == case
    assert reached.can.work and not reached.can.close and not reached.can.manage_team
    assert AccessLog.objects.filter(user=other, reason="case", student=case.student).count() == 1

    assert case_for(Actor.of(team_a), case.pk).can.close  # the case lead
    assert case_for(Actor.of(lead), case.pk).can.manage_team  # the safeguarding lead
    # A write's fetch is not a read: its service records the change.
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db
def test_another_schools_case_is_not_found_and_nothing_is_logged(school_a, team_a, team_b):
    case = open_case(school_a, team_a)
    with pytest.raises(Http404):
        case_for(Actor.of(team_b), case.pk, read="case")
    assert not AccessLog.objects.exists()

"""Each resource has its own page for the teams of its district: where, when (open now), who
it is for, how to apply, languages and when it was last checked; the directory's cards show
address, phone and today's hours and lead to it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from community_links.models import Location, Phone, Resource
from community_links.selectors.directory import Criteria, directory_search
from schoolwell.models import Role
from tests.community_links.helpers import open_case, resource
from tests.factories import DistrictFactory, SchoolFactory, member

WEDNESDAY = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30))


def page(client, res, **query):
    return client.get(reverse("community_links:resource", args=[res.pk]), query)


def full_resource(**fields) -> Resource:
    res = resource(
        name="Family Food Pantry",
        days="MO,TU,WE,TH,FR,SA,SU",
        opens=datetime.time(0),
        closes=datetime.time(23, 59, 59),
        minimum_age=0,
        maximum_age=120,
        url="https://pantry.example/help",
        application_process="Walk in with a photo ID.",
        last_verified=datetime.date(2026, 3, 3),
        **fields,
    )
    Location.objects.filter(name="Family Food Pantry").update(address="12 Elm St, Riverbend")
    Phone.objects.create(resource=res, number='"+1 (555) 010-2000"')
    return res


def test_the_page_answers_what_a_family_asks(client, team_a):
    res = full_resource()
    client.force_login(team_a)
    response = page(client, res)
    assert response.status_code == 200
    text = response.text
    assert "Family Food Pantry" in text and "Family Food Pantry Org" in text
    assert "12 Elm St, Riverbend" in text
    assert 'href="tel:+15550102000"' in text and "+1 (555) 010-2000" in text
    assert "Open now, until 23:59" in text
    assert 'href="https://pantry.example/help" rel="noopener noreferrer"' in text
    assert "English, Spanish" in text
    assert "All ages" in text and "Ages 0 to 120" not in text
    assert "Walk in with a photo ID." in text
    assert "Last checked 3 March 2026" in text
    assert "Refer to this service" not in text  # not opened from a case


def test_a_page_says_plainly_when_nothing_is_known(client, team_a):
    res = resource(name="Bare", days="")
    client.force_login(team_a)
    text = page(client, res).text
    assert "Hours not known" in text
    assert "Never checked with the provider" in text
    assert "No phone listed" in text


def test_another_districts_resource_is_not_found(client, team_a, school_a):
    elsewhere = full_resource(district=DistrictFactory())
    ours = resource(name="Ours", district=school_a.district)
    shared = resource(name="Shared")
    client.force_login(team_a)
    assert page(client, elsewhere).status_code == 404
    assert page(client, ours).status_code == 200
    assert page(client, shared).status_code == 200
    found, total = directory_search(
        Criteria(), scope=Resource.objects.filter(pk__in=[ours.pk, shared.pk]), now=WEDNESDAY
    )
    assert {m.resource.name for m in found} == {"Ours", "Shared"}
    listed = client.get(reverse("community_links:directory"), {"q": ""}).text
    assert "Ours" in listed and "Shared" in listed and "Family Food Pantry" not in listed


def test_a_draft_is_not_found_and_a_teacher_is_refused(client, teacher_a, team_a):
    draft = resource(name="Draft", live=False)
    live = resource(name="Live")
    client.force_login(team_a)
    assert page(client, draft).status_code == 404
    client.force_login(teacher_a)
    assert page(client, live).status_code == 403


def test_opened_from_a_case_it_refers_from_the_page(client, school_a):
    case, lead = open_case(school_a)
    res = full_resource()
    client.force_login(lead)
    response = page(client, res, case=case.pk)
    refer = reverse("community_links:referral_new", args=[case.pk]) + f"?resource={res.pk}"
    assert f'href="{refer}"' in response.text
    form = client.get(refer)
    assert list(form.context["form"].fields["resources"].queryset) == [res]


def test_no_refer_action_for_a_resource_without_electronic_referrals(client, school_a):
    case, lead = open_case(school_a)
    res = resource(name="Phone only", accepts_electronic_referrals=False)
    client.force_login(lead)
    response = page(client, res, case=case.pk)
    assert "Refer to this service" not in response.text
    assert "contact them directly" in response.text


def test_another_schools_case_on_the_page_is_not_found(client, school_a):
    other = SchoolFactory(district=school_a.district)
    case, _ = open_case(other)
    res = resource()
    client.force_login(member(Role.SUPPORT, school=school_a, discipline="counselor"))
    assert page(client, res, case=case.pk).status_code == 404


def card(text: str, res: Resource) -> str:
    start = text.index(f'id="resource-{res.pk}"')
    end = text.find('<li class="card resource"', start)
    return text[start : end if end > 0 else None]


def test_result_cards_show_address_phone_and_todays_hours_and_link_to_the_page(client, team_a):
    res = full_resource()
    bare = resource(name="Bare", days="")
    client.force_login(team_a)
    text = client.get(reverse("community_links:directory"), {"q": "", "age": "15"}).text
    shown = card(text, res)
    assert "12 Elm St, Riverbend" in shown
    assert 'href="tel:+15550102000"' in shown
    assert "00:00–23:59" in shown and "Open now, until 23:59" in shown
    assert reverse("community_links:resource", args=[res.pk]) in shown
    assert "Takes age 15: All ages" in shown
    assert "Hours not known" in card(text, bare) and "No phone listed" in card(text, bare)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime.datetime(2026, 3, 6, 23, 30), ["Late night"]),  # Friday night
        (datetime.datetime(2026, 3, 7, 1, 30), ["Late night"]),  # early Saturday
        (datetime.datetime(2026, 3, 7, 2, 30), []),
        (datetime.datetime(2026, 3, 5, 1, 0), []),  # early Thursday: Wednesday has no rule
    ],
)
def test_the_open_now_filter_follows_openings_past_midnight(db, now, expected):
    resource(name="Late night", days="FR", opens=datetime.time(22), closes=datetime.time(2))
    found, _ = directory_search(Criteria(open_now=True), now=timezone.make_aware(now))
    assert [m.resource.name for m in found] == expected

"""Directory search: by need, language, age or grade, open now and distance, each result
saying why it matches, in a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from community_links.models import Organization, Resource
from community_links.selectors.directory import (
    Criteria,
    Origin,
    directory_search,
    postcode_origin,
    school_origin,
)
from tests.community_links.helpers import SCHOOL_AT, open_case, place, resource

HERE = Origin(SCHOOL_AT[0], SCHOOL_AT[1], "School A")
# A Wednesday, 10:30 in the site's time zone.
WEDNESDAY = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30))


def names(criteria: Criteria, **kw) -> list[str]:
    return [m.resource.name for m in directory_search(criteria, now=WEDNESDAY, **kw)[0]]


def test_need_language_and_distance_filter_and_sort_by_distance(db, categories):
    resource(name="Near pantry", at=(38.5841, -121.4862))
    resource(name="English only pantry", languages=",en,")
    resource(name="Far pantry", at=(38.6801, -121.3903))
    resource(name="Clinic", need="health")
    food = categories["food-insecurity"]
    found = names(Criteria(need=food, language="es", origin=HERE, within_km=5))
    assert found == ["Near pantry"]
    assert names(Criteria(need=food, language="es", origin=HERE)) == ["Near pantry", "Far pantry"]


def test_open_now_reads_the_schedules(db):
    resource(
        name="Weekday mornings",
        days="MO,TU,WE,TH,FR",
        opens=datetime.time(9),
        closes=datetime.time(12),
    )
    resource(name="Weekends", days="SA,SU", opens=datetime.time(9), closes=datetime.time(12))
    resource(name="Afternoons", days="WE", opens=datetime.time(13), closes=datetime.time(17))
    assert names(Criteria(open_now=True)) == ["Weekday mornings"]


def test_age_and_grade_eligibility(db):
    resource(name="Teens", minimum_age=13, maximum_age=18)
    resource(name="Little ones", min_grade="PK", max_grade="03")
    resource(name="Everyone")
    assert names(Criteria(age=15)) == ["Everyone", "Little ones", "Teens"]
    assert names(Criteria(age=8)) == ["Everyone", "Little ones"]
    assert names(Criteria(grade="07")) == ["Everyone", "Teens"]


def test_each_result_explains_why_it_matches(db, categories):
    resource(name="Near pantry", closes=datetime.time(21))
    match = directory_search(
        Criteria(need=categories["food-insecurity"], language="es", open_now=True, origin=HERE),
        now=WEDNESDAY,
    )[0][0]
    assert "Helps with Food insecurity" in match.reasons
    assert "Staff speak Spanish" in match.reasons
    assert "Open now, until 21:00" in match.reasons
    assert any(r.endswith("km from School A") and r.startswith("0.") for r in match.reasons)


def test_drafts_and_inactive_resources_are_not_found(db):
    resource(name="Live")
    resource(name="Closed", status=Resource.Status.INACTIVE)
    resource(name="Unpublished", live=False)
    assert names(Criteria()) == ["Live"]


def test_placeholder_coordinates_never_count_as_near(db):
    resource(name="Nowhere", at=(100, 101))
    assert names(Criteria(origin=HERE)) == []


def test_origins_come_from_the_school_or_a_postcode_in_the_directory(db, school_a):
    assert school_origin(school_a) is None
    place(school_a)
    assert school_origin(school_a).latitude == SCHOOL_AT[0]
    resource(name="Near pantry")
    assert postcode_origin("95814").latitude == pytest.approx(38.5841)
    assert postcode_origin("00000") is None


@pytest.mark.parametrize("size", [1, 500])
def test_search_query_count_is_constant(db, categories, django_assert_num_queries, size):
    org = Organization.objects.create(name="Org")
    for n in range(size):
        resource(name=f"Pantry {n}", org=org)
    criteria = Criteria(
        need=categories["food-insecurity"], language="es", open_now=True, origin=HERE, within_km=5
    )
    # count, page, needs; then what the cards show: places, schedules, phones, languages
    with django_assert_num_queries(7):
        matches, total = directory_search(criteria, now=WEDNESDAY)
    assert total == size


def test_search_page_for_the_team(client, team_a, school_a, categories):
    place(school_a)
    resource(name="Near pantry")
    client.force_login(team_a)
    url = reverse("community_links:directory")
    response = client.get(
        url,
        {
            "need": categories["food-insecurity"].pk,
            "language": "es",
            "near": "school",
            "within_km": 5,
        },
    )
    assert response.status_code == 200
    assert "Near pantry" in response.text
    assert "Why it matches" in response.text


def test_bad_search_input_is_a_form_error_not_a_500(client, team_a):
    client.force_login(team_a)
    response = client.get(
        reverse("community_links:directory"), {"need": "99999999999999999999", "age": "x"}
    )
    assert response.status_code == 200
    assert "error" in response.text


@pytest.mark.parametrize("odd", ["¹", "٣", "١٢", "²³", "1" * 30, "-1", " 1"])
def test_an_id_in_the_query_string_that_is_not_ascii_digits_is_ignored_not_a_500(
    client, school_a, odd
):
    """str.isdigit() says yes to "¹", which int() refuses (a 500), and "٣" would be read as
    case 3, an id nobody typed."""
    case, lead = open_case(school_a)
    pantry = resource()
    client.force_login(lead)
    page = client.get(reverse("community_links:directory"), {"case": odd})
    assert page.status_code == 200
    assert page.context["case"] is None
    url = reverse("community_links:referral_new", args=[case.pk])
    form = client.get(url, {"resource": [odd, str(pantry.pk)]})
    assert form.status_code == 200
    assert list(form.context["form"].fields["resources"].queryset) == [pantry]

"""The directory speaks the district's units: miles and "ZIP code" in the US, km and
"postcode" elsewhere; a typed distance is read in those units."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community_links.units import KM_PER_MILE, Units
from tests.community_links.helpers import place, resource

pytestmark = pytest.mark.django_db

# About 4.3 km (2.7 miles) north of SCHOOL_AT.
FOUR_KM_AWAY = (38.6190, -121.4900)


def search(client, **params):
    params = {"near": "school", **params}
    return client.get(reverse("community_links:directory"), params).text


def set_country(school, country: str) -> None:
    school.district.country = country
    school.district.full_clean()
    school.district.save()


def test_a_us_district_reads_and_writes_distances_in_miles_and_says_zip_code(
    client, team_a, school_a
):
    set_country(school_a, "US")
    place(school_a)
    resource(name="Far pantry", at=FOUR_KM_AWAY)
    client.force_login(team_a)
    page = search(client, within=3)  # 3 miles is 4.8 km: inside
    assert "Far pantry" in page
    assert re.search(r"2\.7 miles from", page)
    assert "ZIP code" in page and "Postcode" not in page
    assert "Within (miles)" in page
    assert "Far pantry" not in search(client, within=2)  # 2 miles: 3.2 km, outside


def test_a_district_elsewhere_uses_km_and_says_postcode(client, team_a, school_a):
    set_country(school_a, "FR")
    place(school_a)
    resource(name="Far pantry", at=FOUR_KM_AWAY)
    client.force_login(team_a)
    assert "Far pantry" not in search(client, within=3)  # 3 km: outside
    page = search(client, within=5)
    assert "Far pantry" in page
    assert re.search(r"4\.3 km from", page)
    assert "Postcode" in page and "ZIP code" not in page
    assert "Within (km)" in page


def test_an_unknown_zip_code_is_named_so(client, team_a, school_a):
    set_country(school_a, "US")
    client.force_login(team_a)
    page = search(client, near="postcode", postcode="00000")
    assert "No resource in the directory has this ZIP code." in page


def test_a_new_district_takes_the_configured_country(settings):
    from schoolwell.models import District

    settings.SCHOOLWELL_DEFAULT_COUNTRY = "GB"
    assert District(sourced_id="d-gb", name="Shire").country == "GB"


def test_a_country_must_be_two_capital_letters(school_a):
    school_a.district.country = "usa"
    with pytest.raises(ValidationError):
        school_a.district.full_clean()


def test_miles_convert_both_ways():
    assert Units("US").to_km(1) == pytest.approx(KM_PER_MILE)
    assert Units("US").from_km(KM_PER_MILE) == pytest.approx(1)
    assert Units("DE").to_km(7) == 7

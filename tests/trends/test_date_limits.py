"""A date range at the far ends of the calendar is refused with a message, never a 500: the
figures work out the day after the range and the months it touches."""

import pytest
from django.urls import reverse

from schoolwell.models import Role
from tests.factories import member

EDGES = [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")]


@pytest.mark.parametrize(("start", "end"), EDGES)
def test_a_range_at_the_end_of_the_calendar_is_refused_on_the_dashboard(
    client, school_a, start, end
):
    client.force_login(member(Role.DISTRICT_ANALYST, school=school_a))
    response = client.get(reverse("trends:dashboard"), {"start": start, "end": end})
    assert response.status_code == 200
    assert "Choose dates between the years 1900 and 2999." in response.content.decode()


@pytest.mark.parametrize(("start", "end"), EDGES)
def test_a_range_at_the_end_of_the_calendar_is_refused_in_the_csv(client, school_a, start, end):
    client.force_login(member(Role.DISTRICT_ANALYST, school=school_a))
    response = client.get(reverse("trends:csv", args=["month"]), {"start": start, "end": end})
    assert response.status_code == 200  # the default range, as for any invalid filter


def test_the_last_years_allowed_still_answer(client, school_a):
    client.force_login(member(Role.DISTRICT_ANALYST, school=school_a))
    response = client.get(reverse("trends:dashboard"), {"start": "2999-01-01", "end": "2999-12-31"})
    assert response.status_code == 200
    assert "Choose dates between" not in response.content.decode()

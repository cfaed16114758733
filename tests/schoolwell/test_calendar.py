import datetime
from zoneinfo import ZoneInfo

import pytest

from schoolwell.calendar import add_school_days, school_days_between
from schoolwell.models import Holiday
from tests.factories import SchoolFactory

CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int = 16) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=CHICAGO)


@pytest.mark.django_db
def test_two_school_days_from_friday_afternoon_is_tuesday_afternoon(school_a):
    assert add_school_days(school=school_a, start=at(20), days=2) == at(24)


@pytest.mark.django_db
def test_district_holidays_and_the_schools_own_closures_do_not_count(school_a):
    neighbour = SchoolFactory(district=school_a.district)
    Holiday.objects.create(
        district=school_a.district, date=datetime.date(2026, 11, 26), name="Thanksgiving"
    )
    Holiday.objects.create(
        district=school_a.district,
        school=school_a,
        date=datetime.date(2026, 11, 27),
        name="Staff day",
    )
    # Wednesday 25th + 2 school days: Thu and Fri are closed, so Mon 30th and Tue 1 Dec.
    assert add_school_days(school=school_a, start=at(25), days=2) == datetime.datetime(
        2026, 12, 1, 16, 0, tzinfo=CHICAGO
    )
    # The neighbouring school is open on the 27th: Fri 27th and Mon 30th.
    assert add_school_days(school=neighbour, start=at(25), days=2) == at(30)


@pytest.mark.django_db
def test_school_days_between_counts_whole_school_days_only(school_a):
    Holiday.objects.create(
        district=school_a.district, date=datetime.date(2026, 11, 23), name="Closed"
    )
    assert school_days_between(school=school_a, start=at(20), end=at(24, 15)) == 0
    assert school_days_between(school=school_a, start=at(20), end=at(24, 16)) == 1
    assert school_days_between(school=school_a, start=at(24), end=at(20)) == 0

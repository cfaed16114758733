"""The threshold counts distinct students, never records, whether a figure is counted live or
read from the nightly summary; and the same records are the same published figure wherever
they appear (another table, another filter that selects the same records)."""

import csv
import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from schoolwell.models import Category, Role
from schoolwell.trends import rollup
from self_report.models import SelfReport, SelfReportRequest
from tests.factories import DistrictFactory, SchoolFactory, enrolled_student, member
from tests.trends.conftest import RANGE, START, at

pytestmark = pytest.mark.django_db
AFTER_RANGE = timezone.make_aware(datetime.datetime(2026, 4, 2, 3, 30))


def csv_table(client, key: str, query: dict) -> dict:
    rows = csv.reader(
        io.StringIO(client.get(reverse("trends:csv", args=[key]), query).content.decode())
    )
    header, *body = list(rows)
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def concern(school, pupil, day: int) -> None:
    item = Concern.objects.create(
        school=school,
        student=pupil,
        severity="moderate",
        narrative="n",
        observed_on=START,
        created_at=at(day),
        idempotency_key=uuid.uuid4(),
    )
    item.categories.set([Category.objects.get(slug="attendance")])


@pytest.fixture
def district(db):
    district = DistrictFactory()
    ash = SchoolFactory(district=district, name="Ash School")
    for _ in range(12):  # enough ordinary figures for the tables to have published counts
        concern(ash, enrolled_student(ash, grade="06"), 5)
    return district


@pytest.mark.parametrize("summary", [False, True])
def test_eleven_requests_from_one_student_are_one_student(client, district, summary):
    school = district.schools.get()
    pupil = enrolled_student(school, grade="11")
    for day in range(11):
        report = SelfReport.objects.create(
            student=pupil, school=school, language="en", wellbeing=2, submitted_at=at(3 + day)
        )
        SelfReportRequest.objects.create(report=report, kind="talk")
    if summary:
        rollup.rebuild(now=AFTER_RANGE)
    client.force_login(member(Role.DISTRICT_ANALYST, district=district))
    assert csv_table(client, "grade", RANGE)["11"]["Student requests"] == "<10"
    assert csv_table(client, "month", RANGE)["2026-01"]["Student requests"] == "<10"
    assert csv_table(client, "school", RANGE)["All"]["Student requests"] == "<10"


@pytest.mark.parametrize("summary", [False, True])
def test_the_same_students_in_three_months_are_counted_once(client, district, summary):
    """Four students with a concern in each of three months: twelve concerns, four students.
    The summary has each month apart; its bounds (4 to 12) leave it open, so the students are
    counted exactly. Twelve different students publish."""
    same = SchoolFactory(district=district, name="Beech School")
    other = SchoolFactory(district=district, name="Cedar School")
    pupils = [enrolled_student(same, grade="07") for _ in range(4)]
    for month in range(3):
        for pupil in pupils:
            concern(same, pupil, 31 * month + 10)
        for _ in range(4):
            concern(other, enrolled_student(other, grade="07"), 31 * month + 10)
    if summary:
        rollup.rebuild(now=AFTER_RANGE)
    client.force_login(member(Role.DISTRICT_ANALYST, district=district))
    table = csv_table(client, "month", {**RANGE, "school": same.pk})
    assert table["Whole period"]["Concerns"] == "<10"
    table = csv_table(client, "month", {**RANGE, "school": other.pk})
    assert table["2026-01"]["Concerns"] == "<10"
    assert int(table["Whole period"]["Concerns"]) >= 10


def test_the_same_records_are_the_same_figure_in_every_table_and_filter(client, district):
    school = district.schools.get()
    client.force_login(member(Role.DISTRICT_ANALYST, district=district))
    month = csv_table(client, "month", RANGE)["Whole period"]["Concerns"]
    assert int(month) >= 10
    assert csv_table(client, "school", RANGE)["All"]["Concerns"] == month
    assert csv_table(client, "grade", RANGE)["All"]["Concerns"] == month
    # Grade 12 and a second school add no records: the same records, the same figure.
    assert csv_table(client, "grade", {**RANGE, "grade": ["06", "12"]})["All"]["Concerns"] == month
    SchoolFactory(district=district, name="Empty School")
    assert csv_table(client, "school", {**RANGE, "school": [school.pk]})["All"]["Concerns"] == month
    assert csv_table(client, "school", RANGE)["All"]["Concerns"] == month

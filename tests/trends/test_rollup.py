"""The nightly summary: every figure read from it equals the same figure counted live, for
any filter and any range (whole months from the summary, the other days live)."""

import dataclasses
import datetime

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from schoolwell.models import Category, School
from schoolwell.schedule import discover
from schoolwell.trends import rollup, tables
from schoolwell.trends.models import (
    ConcernMonth,
    TrendsRollup,
    WaitMonth,
    WaitPercentile,
)
from schoolwell.trends.scope import Scope
from tests.trends.conftest import END, RANGE, START, intake

pytestmark = pytest.mark.django_db


def published(scope: Scope) -> dict:
    return {
        t.key: [(r.label, [c.text for c in r.cells]) for r in t.rows] for t in tables.build(scope)
    }


def scopes(world) -> list[Scope]:
    both = tuple(School.objects.values_list("pk", flat=True))
    attendance = Category.objects.get(slug="attendance").pk
    base = Scope(school_ids=both, start=START, end=END)
    return [
        base,
        dataclasses.replace(base, school_ids=(world["a"].pk,)),
        dataclasses.replace(base, grades=("06", "07")),
        dataclasses.replace(base, category_ids=(attendance,)),
        # Part months at both ends: those days are counted live, February from the summary.
        dataclasses.replace(base, start=datetime.date(2026, 1, 10), end=datetime.date(2026, 3, 20)),
    ]


def test_every_table_from_the_summary_equals_the_live_count(world):
    built = rollup.rebuild()
    assert ConcernMonth.objects.exists() and WaitMonth.objects.exists()
    for scope in scopes(world):
        summarised = rollup.with_summary(scope, built)
        assert summarised.rolled is not None, scope
        assert published(summarised) == published(scope), scope


def test_a_part_month_is_counted_live_and_whole_months_come_from_the_summary(world):
    built = rollup.rebuild()
    scope = Scope(
        school_ids=(world["a"].pk,),
        start=datetime.date(2026, 1, 10),
        end=datetime.date(2026, 3, 20),
    )
    assert rollup.with_summary(scope, built).rolled == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
    )
    # A range inside one month has no whole month: all of it is live.
    inside = dataclasses.replace(
        scope, start=datetime.date(2026, 2, 3), end=datetime.date(2026, 2, 9)
    )
    assert rollup.with_summary(inside, built).rolled is None


def test_the_summary_covers_the_days_before_the_night_it_was_built(world):
    now = timezone.make_aware(datetime.datetime(2026, 2, 14, 3, 30))
    built = rollup.rebuild(now=now)
    assert built.covers_until == datetime.date(2026, 2, 14)
    assert set(ConcernMonth.objects.values_list("month", flat=True)) == {
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),  # its first 13 days
    }
    assert ConcernMonth.objects.filter(month=datetime.date(2026, 2, 1), category=None).aggregate(
        n=Sum("n")
    ) == {"n": 9}  # the bullying concerns of 5-13 February; 14-16 February are live
    # Percentiles are stored for whole months only.
    assert set(WaitPercentile.objects.values_list("month", flat=True)) == {
        datetime.date(2026, 1, 1)
    }
    scope = Scope(school_ids=(world["a"].pk, world["b"].pk), start=START, end=END)
    assert rollup.with_summary(scope, built).rolled == (START, datetime.date(2026, 2, 14))
    # A range ending before the summarised days do reads February live: the summary's
    # February cells hold days after its end.
    early = dataclasses.replace(scope, end=datetime.date(2026, 2, 10))
    assert rollup.with_summary(early, built).rolled == (START, datetime.date(2026, 2, 1))
    for each in [*scopes(world), early]:
        assert published(rollup.with_summary(each, built)) == published(each), each


def test_a_district_view_reads_whole_months_percentiles_from_the_summary(world):
    built = rollup.rebuild(now=timezone.make_aware(datetime.datetime(2026, 4, 2, 3, 30)))
    scope = rollup.with_summary(
        Scope(school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END),
        built,
    )
    before = published(scope)["triage"]
    WaitPercentile.objects.filter(month=datetime.date(2026, 1, 1)).update(median=6000, p90=9000)
    after = dict(published(scope)["triage"])
    assert after != dict(before)
    assert after["2026-01"][-2:] == ["100.0", "150.0"]  # median and 90th percentile, hours


def test_a_change_after_the_build_shows_in_the_summary_the_next_night(world):
    rollup.rebuild()
    scope = Scope(school_ids=(world["a"].pk, world["b"].pk), start=START, end=END)
    intake(world["a"], world["students"][50], 3, 2.0, source_id="late-arrival")
    live = published(scope)
    assert published(rollup.with_summary(scope, rollup.latest())) != live
    rollup.rebuild()
    assert published(rollup.with_summary(scope, rollup.latest())) == live
    assert TrendsRollup.objects.count() == 1


def test_the_dashboard_says_how_fresh_the_summary_is(client, world):
    client.force_login(world["analyst"])
    page = client.get(reverse("trends:dashboard"), RANGE).content.decode()
    assert "Every figure is counted live" in page
    rollup.rebuild()
    page = client.get(reverse("trends:dashboard"), RANGE).content.decode()
    assert "come from the nightly summary built on" in page
    assert "1 Jan 2026 to 31 Mar 2026" in page


def test_the_nightly_rebuild_is_scheduled():
    jobs = {job.task: job for job in discover()}
    assert jobs[rollup.trends_rollup_task].daily_at == datetime.time(3, 30)

"""The dashboard loads a partial plotly.js bundle of our own (not the 4.8 MB full one), and
that bundle holds every trace type the charts draw."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from schoolwell.models import School
from schoolwell.trends import charts, tables
from schoolwell.trends.scope import Scope
from tests.trends.conftest import END, RANGE, START

pytestmark = pytest.mark.django_db

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"
BUNDLE = VENDOR / "plotly-basic.min.js"
BUDGET = 1_500_000  # bytes: 1.5 MB, as the issue set it


def test_the_partial_bundle_is_under_budget_and_the_full_one_is_gone():
    assert BUNDLE.stat().st_size < BUDGET
    assert not (VENDOR / "plotly.min.js").exists()
    assert (VENDOR / "plotly-basic.LICENSE.txt").read_text().startswith("MIT License")


def test_the_dashboard_references_the_partial_bundle_only(client, world):
    client.force_login(world["analyst"])
    page = client.get(reverse("trends:dashboard"), RANGE).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/vendor/plotly-basic.min.js" in scripts
    assert not any(src.endswith("/plotly.min.js") for src in scripts)


def test_every_trace_type_the_charts_draw_is_in_the_bundle(world):
    """A trace type the bundle lacks draws nothing, silently: checked here instead."""
    registered = set(
        re.findall(r'moduleType:"trace",name:"(\w+)"', BUNDLE.read_text(encoding="utf-8"))
    )
    assert {"scatter", "bar"} <= registered
    scope = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    used = {
        trace["type"] for table in tables.build(scope) for trace in charts.figure(table)["data"]
    }
    assert used and used <= registered, used - registered

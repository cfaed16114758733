"""Trends are readable: a chart whose every count is suppressed says so in words instead of
drawing an empty axis, and chart labels can never run into legends."""

import pytest
from django.urls import reverse

from schoolwell.models import School
from schoolwell.trends import charts, tables
from schoolwell.trends.scope import Scope
from tests.trends.conftest import END, RANGE, START

pytestmark = pytest.mark.django_db

SENTENCE = "Too few students in this selection to show: counts under 10 are not published."


def section(page: str, key: str) -> str:
    return page.split(f'id="t-{key}"')[1].split("</section>")[0]


def test_an_all_suppressed_chart_says_so_in_the_chart_and_the_table(client, world):
    # School B: 12 students, 4 attendance concerns, 3 requests: every count under 10 students.
    client.force_login(world["analyst"])
    page = client.get(reverse("trends:dashboard"), {**RANGE, "school": world["b"].pk})
    category = section(page.content.decode(), "category")
    assert category.count(SENTENCE) == 2  # in place of the chart, and in the table's caption
    assert 'data-figure="figure-category"' not in category
    assert 'id="figure-category"' not in category
    assert "&lt;10" in category  # the table is still there, with its hidden counts


def test_a_chart_with_published_counts_is_drawn_without_the_sentence(client, world):
    client.force_login(world["analyst"])
    page = client.get(reverse("trends:dashboard"), {**RANGE, "school": world["a"].pk})
    category = section(page.content.decode(), "category")
    assert SENTENCE not in category
    assert 'data-figure="figure-category"' in category


def test_all_suppressed_is_about_the_rows_not_an_empty_table(world):
    scope = Scope(school_ids=(world["b"].pk,), start=START, end=END)
    found = {t.key: t for t in tables.build(scope)}
    assert found["category"].all_suppressed and not found["category"].is_empty
    assert not found["referrals"].all_suppressed  # nothing recorded: the empty-state instead
    whole = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    assert not any(t.all_suppressed for t in tables.build(whole) if t.key == "category")


def test_legends_sit_above_the_plot_and_axes_make_room_for_their_labels(world):
    scope = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    for table in tables.build(scope):
        layout = charts.figure(table)["layout"]
        legend = layout["legend"]
        assert (legend["y"], legend["yanchor"]) == (1.02, "bottom"), table.key
        assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"], table.key


def test_long_category_labels_are_wrapped_on_the_axis_and_whole_in_the_data(world):
    world["a"].name = "Riverbend Elementary School of the Arts & <Sciences>"
    world["a"].save()
    scope = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    school = next(t for t in tables.build(scope) if t.key == "school")
    figure = charts.figure(school)
    axis = figure["layout"]["xaxis"]
    assert world["a"].name in figure["data"][0]["x"]  # hover and data keep the whole name
    text = axis["ticktext"][axis["tickvals"].index(world["a"].name)]
    lines = text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= 14 + len("&amp;") for line in lines), lines
    assert "&lt;Sciences&gt;" in text and "<S" not in text


def test_a_word_longer_than_a_line_is_shortened():
    assert charts.wrap("Supercalifragilistic school", 10) == "Supercali…<br>school"


def test_category_axes_stay_categories_and_rows_grow_with_wrapped_labels(world):
    """Seen on the 18-month demo: "KG" beside "01".."12" had no bar (plotly read the grade
    axis as numbers), and two-line team member labels ran into each other at 26 px a row."""
    world["a"].name = "Riverbend Elementary School of the Arts"
    world["a"].save()
    scope = Scope(
        school_ids=tuple(School.objects.values_list("pk", flat=True)), start=START, end=END
    )
    for table in tables.build(scope):
        layout = charts.figure(table)["layout"]
        for axis in (layout["xaxis"], layout["yaxis"]):
            if "tickvals" in axis:
                assert axis["type"] == "category", table.key
        if layout["yaxis"].get("tickvals"):  # horizontal: one row per label
            ticktext = layout["yaxis"]["ticktext"]
            lines = max(text.count("<br>") + 1 for text in ticktext)
            assert layout["height"] >= len(ticktext) * (16 * lines + 8), table.key

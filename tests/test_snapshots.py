"""The before-and-after snapshot the write matrix and the form fuzzers trust: any written field
shows, in the table it was written to and no other, and so do history and link rows."""

from pathlib import Path

import pytest
from django.apps import apps

from schoolwell.models import Category
from support_team.models import Case
from tests.snapshots import OUR_APPS, changed, snapshot, tables
from tests.support_team.case_helpers import case_world

TABLES = tables(("schoolwell", "support_team"), ("wagtailcore",))


@pytest.fixture
def world(school_a):
    return case_world(school_a)


def test_an_edited_field_shows_in_its_own_table_only(world):
    before = snapshot(TABLES)
    Case.objects.filter(pk=world.case.pk).update(tier=world.case.tier + 1)
    assert changed(before, snapshot(TABLES)) == ["case"]


def test_a_new_row_shows_with_its_history(world):
    before = snapshot(TABLES)
    Category.objects.create(slug="transport", name="Transport")
    assert set(changed(before, snapshot(TABLES))) >= {"category"}
    before = snapshot(TABLES)
    world.case.needs.add(Category.objects.get(slug="transport"))
    assert "case_needs" in changed(before, snapshot(TABLES))


def test_nothing_written_is_no_change_and_other_apps_carry_their_label(world):
    before = snapshot(TABLES)
    assert changed(before, snapshot(TABLES)) == []
    assert "wagtailcore.page" in before and "page" not in before


def test_every_app_of_ours_with_tables_is_compared():
    """The transfer tables moved to their own app and the fuzzers' list missed them: a refused
    packet post was no longer checked against the packet's own table."""
    ours = {
        config.label
        for config in apps.get_app_configs()
        if "site-packages" not in Path(config.path).parts and list(config.get_models())
    }
    assert ours == set(OUR_APPS)

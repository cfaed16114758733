"""Fixtures shared by the OneRoster import tests (tests/schoolwell/test_roster*.py)."""

import pytest

from schoolwell.models import RosterImport
from tests.schoolwell.roster_bundles import FULL, import_path


@pytest.fixture
def full_imported() -> RosterImport:
    return import_path(FULL)

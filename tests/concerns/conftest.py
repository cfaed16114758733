"""Fixtures shared by the legacy spreadsheet import tests (tests/concerns/test_legacy_import*)."""

from datetime import date

import pytest

from schoolwell.models import Role
from tests.factories import enrolled_student, member


@pytest.fixture
def students(school_a):
    return [
        enrolled_student(school_a, legal_first_name=f"Kid{n}", date_of_birth=date(2012, 1, n + 1))
        for n in range(25)
    ]


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)

import pytest

from schoolwell.models import Role
from self_report import demo
from tests.factories import enrolled_student, member


@pytest.fixture
def check_in_page(db):
    demo.ensure_catalogue()
    return demo.ensure_page()


@pytest.fixture
def pupil(school_a):
    """A student account linked to its record, enrolled at school A (grade 07)."""
    user = member(Role.STUDENT, school=school_a)
    student = enrolled_student(school_a, user=user, grade="07")
    return user, student

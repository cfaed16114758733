"""Transactional tests end by emptying the tables; the content types and permissions are kept
when no test changed them (tests/quick_flush.py), and refilled as Django does when one did."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TransactionTestCase

from schoolwell.models import School
from tests import quick_flush, snapshots
from tests.factories import SchoolFactory


class _Ending(TransactionTestCase):
    """A transactional test case, only to end it."""

    __test__ = False

    def runTest(self) -> None:  # noqa: N802 (unittest's name)
        """Nothing: only its teardown is used."""


def end_a_transactional_test() -> None:
    _Ending()._fixture_teardown()


@pytest.mark.django_db(transaction=True)
def test_the_tables_are_emptied_and_the_untouched_content_types_kept_with_their_ids():
    end_a_transactional_test()
    kept = snapshots.snapshot(quick_flush.REFILLED)
    SchoolFactory()
    end_a_transactional_test()
    assert not School.objects.exists()
    assert snapshots.snapshot(quick_flush.REFILLED) == kept


@pytest.mark.django_db(transaction=True)
def test_changed_content_types_are_emptied_and_refilled_as_django_does():
    end_a_transactional_test()
    ContentType.objects.filter(app_label="trends").delete()
    SchoolFactory()
    end_a_transactional_test()
    assert not School.objects.exists()
    ContentType.objects.clear_cache()
    refilled = ContentType.objects.filter(app_label="trends")
    assert refilled.filter(model="trendstoken").exists()
    assert Permission.objects.filter(content_type__in=refilled).exists()

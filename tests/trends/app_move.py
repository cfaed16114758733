"""The trends models moved from the core app to their own (schoolwell.0011_trends_to_own_app,
trends.0001_initial): rows written before the move are read after it, with the same keys,
and their content type (the admin's permissions and log entries) says `trends`."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from schoolwell.trends.models import ConcernMonth, TrendsRollup, TrendsToken, WaitPercentile
from tests.factories import SchoolFactory

BEFORE = ("schoolwell", "0010_district_country")


def rows_that_stay() -> tuple:
    """The school the rows count, written at the latest state."""
    return (SchoolFactory(),)


def write_before_the_move(old, school) -> dict:
    """Rows as the core wrote them before the move, through that time's models."""
    token = old.get_model("schoolwell", "TrendsToken").objects.create(
        district_id=school.district_id,
        name="Power BI",
        key_hash="f" * 64,
        key_start="swt_abcdefgh",
    )
    rollup = old.get_model("schoolwell", "TrendsRollup").objects.create(
        built_at=timezone.now(), covers_until=datetime.date(2026, 3, 1), seconds=1.5
    )
    cell = old.get_model("schoolwell", "ConcernMonth").objects.create(
        school_id=school.pk,
        month=datetime.date(2026, 2, 1),
        grade="7",
        n=12,
        students=11,
        ids=99,
    )
    wait = old.get_model("schoolwell", "WaitPercentile").objects.create(
        district_id=school.district_id, month=datetime.date(2026, 2, 1), median=12.0, p90=40.0
    )
    OldContentType = old.get_model("contenttypes", "ContentType")
    OldContentType.objects.filter(model="trendstoken").delete()
    kind = OldContentType.objects.create(app_label="schoolwell", model="trendstoken")
    return {"token": token, "rollup": rollup, "cell": cell, "wait": wait, "kind": kind}


def read_after_the_move(before: dict, school) -> None:
    token, rollup, cell, wait, kind = (
        before[k] for k in ("token", "rollup", "cell", "wait", "kind")
    )
    assert TrendsToken.objects.get(pk=token.pk).key_start == "swt_abcdefgh"
    assert TrendsToken.objects.get(pk=token.pk).district_id == school.district_id
    assert TrendsRollup.objects.get(pk=rollup.pk).seconds == 1.5
    assert ConcernMonth.objects.get(pk=cell.pk).students == 11
    assert WaitPercentile.objects.get(pk=wait.pk).p90 == 40.0
    ContentType.objects.clear_cache()
    moved = ContentType.objects.get_for_model(TrendsToken)
    assert (moved.pk, moved.app_label) == (kind.pk, "trends")
    assert not ContentType.objects.filter(app_label="schoolwell", model="trendstoken").exists()

"""Median and 90th percentile of the wait from intake to triage, per month, computed in the
database from counts of waits in whole minutes: live counts for the days the nightly summary
does not cover, the summary's district counts for the months it does."""

import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, QuerySet, Sum

from schoolwell.trends import rollup
from schoolwell.trends.models import WaitMonth, WaitPercentile
from schoolwell.trends.scope import Scope
from schoolwell.trends.selectors import all_live, intakes

FRACTIONS = (0.5, 0.9)


def triage_percentiles(scope: Scope) -> dict:
    """{month: {0.5: timedelta, 0.9: timedelta}}: the interpolated percentile (as
    PERCENTILE_CONT) of the wait from opening to triage, in whole minutes.

    Where the view covers one whole district, its whole past months come stored from the
    nightly summary (two numbers a month). Otherwise the database counts the intakes per month
    and minute of wait (the summary's district counts for summarised days of a district view,
    live for the rest), ranks those counts with window sums, and returns only the rows holding
    the ranks around each percentile: a few rows per month leave the database, on PostgreSQL
    and SQLite alike."""
    districts = rollup.district_wide(scope)
    if districts is None:
        scope = all_live(scope)
    live = (
        intakes(scope)
        .filter(triaged_at__isnull=False)
        .values(hm=rollup.month_of("opened_at"), hw=rollup.WaitMinutes())
        .annotate(hn=Count("pk"))
    )
    if districts is None:
        return _percentiles([live])
    start, end = scope.rolled
    districts = sorted(set(districts.values_list("district_id", flat=True)))
    stored = {}
    if len(districts) == 1:
        rows = WaitPercentile.objects.filter(
            district_id=districts[0], month__gte=start, month__lt=end
        )
        stored = {row.month: {0.5: _minutes(row.median), 0.9: _minutes(row.p90)} for row in rows}
    summary = (
        WaitMonth.objects.filter(district_id__in=districts, month__gte=start, month__lt=end)
        .exclude(month__in=list(stored))
        .order_by()
    )
    counted = summary.values(hm=F("month"), hw=F("minutes")).annotate(hn=Sum("n"))
    return {**_percentiles([live, counted]), **stored}


def store_whole_months(*, before: datetime.date) -> None:
    """For the nightly summary: each district's percentiles for every month before `before`
    (the months it holds whole), from the WaitMonth counts it has just written."""
    months = WaitMonth.objects.filter(month__lt=before).order_by()
    for district in months.values_list("district_id", flat=True).distinct():
        counts = (
            months.filter(district_id=district)
            .values(hm=F("month"), hw=F("minutes"))
            .annotate(hn=Sum("n"))
        )
        WaitPercentile.objects.bulk_create(
            WaitPercentile(
                district_id=district,
                month=month,
                median=waits[0.5].total_seconds() / 60,
                p90=waits[0.9].total_seconds() / 60,
            )
            for month, waits in _percentiles([counts]).items()
        )


def _minutes(value: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=value)


def _percentiles(parts: list[QuerySet]) -> dict:
    sql, params = [], []
    for part in parts:
        try:
            part_sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # no live days in the range: the summary has every month
            continue
        # Compiled by Django with its parameters; the fractions below are our constants.
        sql.append(f"SELECT hm, hw, hn FROM ({part_sql}) part")  # noqa: S608
        params.extend(part_params)
    wanted = " OR ".join(
        f"(cum >= {f} * (size - 1) AND cum - hn <= {f} * (size - 1) + 2)" for f in FRACTIONS
    )
    if not sql:
        return {}
    union = " UNION ALL ".join(sql)
    query = f"""
        SELECT hm, hw, hn, cum, size FROM (
            SELECT hm, hw, hn, SUM(hn) OVER (PARTITION BY hm ORDER BY hw) AS cum,
                SUM(hn) OVER (PARTITION BY hm) AS size
            FROM (SELECT hm, hw, SUM(hn) AS hn FROM ({union}) parts GROUP BY hm, hw) grouped
        ) ranked WHERE {wanted}"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    by_month: dict = {}
    for month, wait, n, cum, size in found:
        by_month.setdefault(_as_date(month), (int(size), []))[1].append((int(cum), int(n), wait))
    return {
        month: {f: _interpolate(ranks, size, f) for f in FRACTIONS}
        for month, (size, ranks) in by_month.items()
    }


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite
        return datetime.date.fromisoformat(value[:10])
    return value


def _interpolate(ranks: list, size: int, fraction: float) -> datetime.timedelta:
    """ranks: (cumulative count, count, minutes) rows; the wait at rank r is the minutes of
    the row whose ranks (cum - count, cum] hold r."""

    def at(rank: int) -> float:
        return next(wait for cum, n, wait in sorted(ranks) if cum - n < rank <= cum)

    position = fraction * (size - 1)
    low = int(position)
    below = at(low + 1)
    above = at(low + 2) if low + 2 <= size else below
    return datetime.timedelta(minutes=below + (above - below) * (position - low))

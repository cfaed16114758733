"""The nightly summary: every day before the night it is built, concerns, student requests
and intakes counted by school, month and grade (and category, service, source, wait), so the
dashboard reads a few thousand summary rows instead of a million concerns. Days the summary
does not cover (today, a part month at the start of the range, the rest of a month the range
ends in) are counted live, and the two are added up: selectors.py does both through the
functions here.

Each summary cell keeps its records, the sum of their ids and its distinct students
(tally.py reads them). The summary is rebuilt from scratch each night (`trends_rollup_task`,
scheduled in schoolwell/trends/tasks.py), so late changes to old records (a category corrected, an
intake closed, a student's grade after the roster import) reach it the next night; the
dashboard says when it was built."""

import dataclasses
import datetime
import time

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django_tasks import task

from schoolwell.trends.models import (
    ConcernMonth,
    IntakeMonth,
    RequestMonth,
    TrendsRollup,
    WaitMonth,
    WaitPercentile,
)
from schoolwell.trends.scope import Scope, midnight


def model(label: str):
    from django.apps import apps

    return apps.get_model(*label.split("."))


class WaitMinutes(Func):
    """Whole minutes from opening to triage (rounded down): the unit of the wait percentiles,
    live and in the summary alike."""

    output_field = IntegerField()
    template = "FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 60)::integer"
    arg_joiner = " - "

    def __init__(self, **extra):
        super().__init__(F("triaged_at"), F("opened_at"), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER) / 60",
            arg_joiner=") - julianday(",
            **extra,
        )


def month_of(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


ON_TIME = Q(triaged_at__isnull=False, triaged_at__lte=F("target_at"))
LATE = Q(triaged_at__isnull=False, triaged_at__gt=F("target_at"))
DELIVERED = Q(routed_service__isnull=False) | Q(case__isnull=False)
DELIVERED |= Q(closed_reason__in=["routed", "case", "referred_out"])
NEED_SOURCES = ["concern", "self_report"]
# Each intake's column in the time-to-triage table, and in the unmet-needs table: one of three.
TRIAGE = Case(
    When(ON_TIME, then=Value("within")),
    When(LATE, then=Value("late")),
    default=Value("waiting"),
)
OUTCOME = Case(
    When(DELIVERED, then=Value("delivered")),
    When(status="closed", then=Value("closed")),
    default=Value("waiting"),
)


# --- which months a view reads from the summary -----------------------------------------------


def latest() -> TrendsRollup | None:
    return TrendsRollup.objects.order_by("-built_at").first()


def with_summary(scope: Scope, built: TrendsRollup | None) -> Scope:
    """The scope with `rolled` set to the days of its range the summary can answer: from its
    first whole month to the summary's last day, or to the last whole month of the range when
    the range ends earlier (a month's summary cells hold all of its summarised days)."""
    if built is None:
        return scope
    first = scope.start if scope.start.day == 1 else _next_month(scope.start)
    after_end = scope.end + datetime.timedelta(days=1)
    if after_end >= built.covers_until:
        last = built.covers_until
    else:
        last = after_end if after_end.day == 1 else scope.end.replace(day=1)
    if first >= last:
        return scope
    return dataclasses.replace(scope, rolled=(first, last), rolled_at=built.built_at)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def cells(summary, scope: Scope) -> QuerySet:
    """The summary rows of the scope's schools, grades and summarised months."""
    start, end = scope.rolled
    qs = summary.objects.filter(
        school_id__in=scope.school_ids, month__gte=start, month__lt=end
    ).order_by()
    if scope.grades:
        qs = qs.filter(grade__in=scope.grades)
    return qs


def district_wide(scope: Scope) -> QuerySet | None:
    """The districts whose every school the scope covers, with no grade filter: then the
    summary's district wait counts apply. None otherwise."""
    if scope.rolled is None or scope.grades:
        return None
    School = model("schoolwell.School")
    districts = School.objects.filter(id__in=scope.school_ids).values("district_id")
    if School.objects.filter(district_id__in=districts).count() != len(set(scope.school_ids)):
        return None
    return districts


# --- building it ----------------------------------------------------------------------------


def _insert(summary, qs: QuerySet, columns: dict[str, str]) -> None:
    """INSERT INTO summary (...) SELECT the grouped query: the rows never leave the database.
    `columns` maps each alias of qs (in select order) to a summary column."""
    assert list(qs.query.annotation_select) == list(columns), list(qs.query.annotation_select)
    sql, params = qs.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(c) for c in columns.values())
    table = connection.ops.quote_name(summary._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def _cell(school: str, moment: str, grade: str) -> dict:
    return {
        "r_school": F(school),
        "r_month": month_of(moment),
        "r_grade": Coalesce(F(grade), Value("")),
    }


CELL = {"r_school": "school_id", "r_month": "month", "r_grade": "grade"}
TALLY = {"r_n": "n", "r_students": "students", "r_ids": "ids"}


def _tally(student: str) -> dict:
    return {
        "r_n": Count("pk"),
        "r_students": Count(student, distinct=True),
        "r_ids": Coalesce(Sum("pk"), 0),
    }


@transaction.atomic
def rebuild(*, now: datetime.datetime | None = None) -> TrendsRollup:
    """Replace the summary with every day before today (local time)."""
    from schoolwell.trends import percentiles  # which reads the summary through this module

    started = time.perf_counter()
    now = now or timezone.now()
    covers_until = timezone.localdate(now)
    until = midnight(covers_until)
    summaries = (ConcernMonth, RequestMonth, IntakeMonth, WaitMonth, WaitPercentile)
    for summary in (*summaries, TrendsRollup):
        summary.objects.all().delete()

    Concern = model("concerns.Concern")
    concerns = Concern.objects.filter(created_at__lt=until).order_by()
    cell = _cell("school_id", "created_at", "student__grade")
    _insert(
        ConcernMonth, concerns.values(**cell).annotate(**_tally("student_id")), {**CELL, **TALLY}
    )
    through = Concern.categories.through.objects.filter(concern__created_at__lt=until).order_by()
    cell = _cell("concern__school_id", "concern__created_at", "concern__student__grade")
    _insert(
        ConcernMonth,
        through.values(**cell, r_category=F("category_id")).annotate(
            **_tally("concern__student_id")
        ),
        {**CELL, "r_category": "category_id", **TALLY},
    )

    Request = model("self_report.SelfReportRequest")
    requests = Request.objects.filter(report__submitted_at__lt=until).order_by()
    cell = _cell("report__school_id", "report__submitted_at", "report__student__grade")
    service = Case(When(kind="service", then=F("service__translation_key")), default=None)
    _insert(
        RequestMonth,
        requests.values(**cell, r_service=service).annotate(**_tally("report__student_id")),
        {**CELL, "r_service": "service_key", **TALLY},
    )

    Intake = model("support_team.Intake")
    intakes = Intake.objects.filter(opened_at__lt=until).order_by()
    cell = _cell("school_id", "opened_at", "student__grade")
    grouped = intakes.values(
        **cell,
        r_source=F("source"),
        r_routed=F("routed_service__translation_key"),
        r_triage=TRIAGE,
        r_outcome=OUTCOME,
    ).annotate(**_tally("student_id"))
    columns = {"r_source": "source", "r_routed": "routed_key", "r_triage": "triage"}
    _insert(IntakeMonth, grouped, {**CELL, **columns, "r_outcome": "outcome", **TALLY})
    waits = intakes.filter(triaged_at__isnull=False).values(
        r_district=F("school__district_id"), r_month=month_of("opened_at"), r_wait=WaitMinutes()
    )
    _insert(
        WaitMonth,
        waits.annotate(r_n=Count("pk")),
        {"r_district": "district_id", "r_month": "month", "r_wait": "minutes", "r_n": "n"},
    )
    percentiles.store_whole_months(before=covers_until.replace(day=1))
    if connection.vendor == "postgresql":
        # Fresh statistics for the rewritten tables: the first views after the rebuild
        # otherwise plan with the old row counts (2.5x slower in bench/trends.py).
        with connection.cursor() as cursor:
            for summary in summaries:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(summary._meta.db_table)}")
    return TrendsRollup.objects.create(
        built_at=now, covers_until=covers_until, seconds=time.perf_counter() - started
    )


@task()
def trends_rollup_task() -> str:
    """The nightly rebuild of the trends summary."""
    return str(rebuild())

"""District trends at district scale: the dashboard's server time against loading the rows
into pandas and computing the same figures there.

Seeds (PostgreSQL only, by INSERT ... SELECT generate_series, so minutes rather than hours)
a district of 50 schools with 600 students each over three years: --concerns concerns (one
category each, a third with a second), --requests student requests with their reports, one
intake per concern and per request (most triaged), and open cases. Then, in one run:

- the nightly summary build (schoolwell.trends.rollup.rebuild, the trends_rollup_task), timed;
- the dashboard (every table, suppression, plotly figures; the whole view function through
  Django's test client) for the whole district and for one school, default filters (the
  last eighteen months) and the full three years;
- the baseline: the same headline figures (concerns and requests by month and school,
  time-to-triage percentiles by month) computed by reading the rows into pandas.

    .venv/bin/python bench/trends.py                       # 1,000,000 concerns
    .venv/bin/python bench/trends.py --concerns 100000 --requests 30000
    .venv/bin/python bench/trends.py --keep, then --reuse     # seed once, time again

The database `schoolwell_bench_trends` on postgres@127.0.0.1:5432 is created by this script
and dropped afterwards (--keep keeps it). Nothing is asserted; figures are printed with the
same-run baseline and the ratio.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds other benchmarks (bench/queue.py) that would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]
DB = "schoolwell_bench_trends"
SCHOOLS, STUDENTS_PER_SCHOOL, DAYS = 50, 600, 3 * 365


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fill(model, columns: dict[str, str], count: str) -> str:
    """INSERT ... SELECT over generate_series(1, count) AS g, with a value for every
    NOT NULL column the caller did not give (Django sets no database defaults)."""
    from django.db import models

    values = dict(columns)
    for f in model._meta.concrete_fields:
        if f.column in values or f.primary_key or f.null:
            continue
        if isinstance(f, models.UUIDField):
            values[f.column] = "gen_random_uuid()"
        elif isinstance(f, models.BooleanField):
            values[f.column] = "false"
        elif isinstance(f, models.JSONField):
            values[f.column] = "'{}'::jsonb"
        elif isinstance(f, (models.DateTimeField, models.DateField)):
            values[f.column] = "now()"
        elif isinstance(f, (models.IntegerField, models.FloatField)):
            values[f.column] = str(f.default if isinstance(f.default, int) else 0)
        else:
            values[f.column] = "''"
    cols = ", ".join(f'"{c}"' for c in values)
    select = ", ".join(values.values())
    table = model._meta.db_table
    series = f"generate_series(1::bigint, {count}) AS g"
    return f'INSERT INTO "{table}" ({cols}) SELECT {select} FROM {series}'


def seed(args) -> dict:
    from django.db import connection

    from concerns.models import Concern
    from schoolwell.models import Category, District, Enrollment, Membership, School, Student, User
    from self_report.models import SelfReport, SelfReportRequest
    from support_team.models import Case, CaseMember, Intake

    n_students = SCHOOLS * STUDENTS_PER_SCHOOL
    district = District.objects.create(sourced_id="bench", name="Bench District")
    sql = [
        fill(
            School,
            {
                "district_id": str(district.pk),
                "sourced_id": "'s' || g",
                "name": "'School ' || lpad(g::text, 2, '0')",
            },
            SCHOOLS,
        ),
        fill(
            Student,
            {
                "district_id": str(district.pk),
                "sourced_id": "'st' || g",
                "sis_id": "'S' || g",
                "legal_first_name": "'First' || g",
                "legal_last_name": "'Last' || g",
                "grade": "lpad((1 + g % 12)::text, 2, '0')",
                "active": "true",
            },
            n_students,
        ),
    ]
    with connection.cursor() as c:
        for statement in sql:
            c.execute(statement)
    s0 = School.objects.order_by("pk").values_list("pk", flat=True)[0]
    st0 = Student.objects.order_by("pk").values_list("pk", flat=True)[0]
    cat0 = Category.objects.order_by("pk").values_list("pk", flat=True)[0]
    n_cat = Category.objects.count()
    school_of = f"({s0} + ((g - 1) % {n_students}) / {STUDENTS_PER_SCHOOL})"
    student = f"({st0} + (g - 1) % {n_students})"
    moment = f"(now() - ((g * 7919) % ({DAYS} * 86400)) * interval '1 second')"
    staff = []
    for i in range(SCHOOLS):
        user = User.objects.create(username=f"staff{i}", email=f"staff{i}@bench.example")
        Membership.objects.create(
            user=user, role="support", school_id=s0 + i, discipline="counselor"
        )
        staff.append(user.pk)
    statements = [
        fill(
            Enrollment,
            {"student_id": student, "school_id": school_of, "start_date": "date '2023-08-15'"},
            n_students,
        ),
        fill(
            Concern,
            {
                "school_id": school_of,
                "student_id": student,
                "severity": "'moderate'",
                "narrative": "'bench'",
                "observed_on": "current_date",
                "created_at": moment,
            },
            args.concerns,
        ),
    ]
    concern0 = None
    with connection.cursor() as c:
        for statement in statements:
            c.execute(statement)
        concern0 = Concern.objects.order_by("pk").values_list("pk", flat=True)[0]
        through = Concern.categories.through._meta.db_table
        c.execute(
            f'INSERT INTO "{through}" (concern_id, category_id) '
            f"SELECT {concern0} + g - 1, {cat0} + g % {n_cat} "
            f"FROM generate_series(1::bigint, {args.concerns}) g"
        )
        c.execute(
            f'INSERT INTO "{through}" (concern_id, category_id) '
            f"SELECT {concern0} + g - 1, {cat0} + (g + 3) % {n_cat} "
            f"FROM generate_series(1::bigint, {args.concerns}) g WHERE g % 3 = 0"
        )
        c.execute(
            fill(
                SelfReport,
                {
                    "student_id": student,
                    "school_id": school_of,
                    "submitted_at": moment,
                    "language": "'en'",
                    "wellbeing": "2",
                },
                args.requests,
            )
        )
        report0 = SelfReport.objects.order_by("pk").values_list("pk", flat=True)[0]
        c.execute(
            fill(
                SelfReportRequest,
                {"report_id": f"{report0} + g - 1", "kind": "'talk'"},
                args.requests,
            )
        )
        wait = "((g * 104729) % 200000) * interval '1 second'"
        for source, first, n, stamp in (
            ("concern", concern0, args.concerns, moment),
            ("self_report", report0, args.requests, moment),
        ):
            c.execute(
                fill(
                    Intake,
                    {
                        "school_id": school_of,
                        "student_id": student,
                        "source": f"'{source}'",
                        "source_id": f"({first} + g - 1)::text",
                        "summary": "'bench'",
                        "urgency": "2",
                        "status": "CASE WHEN g % 10 = 0 THEN 'new' ELSE 'triaged' END",
                        "opened_at": stamp,
                        "target_at": f"{stamp} + interval '2 days'",
                        "triaged_at": f"CASE WHEN g % 10 = 0 THEN NULL ELSE {stamp} + {wait} END",
                    },
                    n,
                )
            )
        c.execute(
            fill(
                Case,
                {
                    "school_id": f"({s0} + (g - 1) % {SCHOOLS})",
                    "student_id": student,
                    "lead_id": f"({staff[0]} + (g - 1) % {SCHOOLS})",
                    "tier": "CASE WHEN g % 20 = 0 THEN 3 WHEN g % 7 = 0 THEN 2 ELSE 1 END",
                    "status": "'open'",
                    "opened_at": "now()",
                },
                n_students // 10,
            )
        )
        c.execute(
            f'INSERT INTO "{CaseMember._meta.db_table}" (case_id, user_id, added_at) '
            f'SELECT id, lead_id, now() FROM "{Case._meta.db_table}"'
        )
        c.execute("ANALYZE")
    return {"district": district, "school": s0}


def pandas_baseline(district_id: int, school_id: int | None) -> float:
    """Read the rows the headline figures need and compute them in pandas."""
    import pandas as pd
    from django.db import connection

    where = (
        f"school_id = {school_id}"
        if school_id
        else f"school_id IN (SELECT id FROM schoolwell_school WHERE district_id = {district_id})"
    )
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "SELECT school_id, created_at FROM concerns_concern "
            f"WHERE {where} AND created_at >= now() - interval '365 days'"
        )
        concerns = pd.DataFrame(c.fetchall(), columns=["school", "at"])
        c.execute(
            "SELECT r.school_id, r.submitted_at FROM self_report_selfreportrequest q "
            "JOIN self_report_selfreport r ON r.id = q.report_id "
            f"WHERE r.{where} AND r.submitted_at >= now() - interval '365 days'"
        )
        requests = pd.DataFrame(c.fetchall(), columns=["school", "at"])
        c.execute(
            "SELECT opened_at, triaged_at, target_at FROM support_team_intake "
            f"WHERE {where} AND opened_at >= now() - interval '365 days'"
        )
        intakes = pd.DataFrame(c.fetchall(), columns=["opened", "triaged", "target"])
    for frame in (concerns, requests):
        frame["month"] = pd.to_datetime(frame["at"], utc=True).dt.strftime("%Y-%m")
        frame.groupby("month").size()
        frame.groupby("school").size()
    intakes["month"] = pd.to_datetime(intakes["opened"], utc=True).dt.strftime("%Y-%m")
    intakes["wait"] = pd.to_datetime(intakes["triaged"], utc=True) - pd.to_datetime(
        intakes["opened"], utc=True
    )
    intakes.groupby("month")["wait"].quantile([0.5, 0.9])
    return time.perf_counter() - started


def timed_dashboard(client, params: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/trends/", params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times)


def child(args) -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings"
    sys.path.insert(0, str(REPO))
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from schoolwell.models import Membership, User

    log("migrating")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse:  # the database a --keep run left, seeded already
        from schoolwell.models import District, School

        district = District.objects.get(sourced_id="bench")
        world = {"district": district, "school": School.objects.get(sourced_id="s1").pk}
        User.objects.filter(username="analyst").delete()
    else:
        log(f"seeding {args.concerns:,} concerns, {args.requests:,} requests and their intakes")
        world = seed(args)
    seeded = time.perf_counter() - started
    log(f"seeded in {seeded:.0f} s")
    from schoolwell.trends import rollup

    summary = rollup.rebuild()  # what the nightly trends_rollup_task does
    log(f"nightly summary built in {summary.seconds:.1f} s, days before {summary.covers_until}")
    analyst = User.objects.create(username="analyst", email="analyst@bench.example")
    Membership.objects.create(user=analyst, role="district_analyst", district=world["district"])
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(analyst, generate_totp_secret())
    client = Client()
    client.force_login(analyst)
    from django.utils import timezone

    today = timezone.localdate()
    three_years = {
        "start": (today.replace(year=today.year - 3)).isoformat(),
        "end": today.isoformat(),
    }
    print(
        f"\ndata: {args.concerns:,} concerns, {args.requests:,} requests, "
        f"{args.concerns + args.requests:,} intakes, {SCHOOLS} schools; seeded in {seeded:.0f} s"
    )
    print(
        f"nightly summary (rollup.rebuild) built in {summary.seconds:.1f} s; "
        f"the days before {summary.covers_until} read from it, later days counted live"
    )
    print(f"{'view':<44}{'dashboard':>11}{'pandas':>11}{'ratio':>8}")
    for label, params, school in (
        ("whole district, last 18 months", {}, None),
        ("one school, last 18 months", {"school": world["school"]}, world["school"]),
        ("whole district, three years", three_years, None),
    ):
        timed_dashboard(client, params, 1)  # warm caches
        server = timed_dashboard(client, params, args.runs)
        if "three" in label:
            print(f"{label:<44}{server * 1000:>9.0f}ms")
            continue
        base = statistics.median(
            pandas_baseline(world["district"].pk, school) for _ in range(args.runs)
        )
        print(f"{label:<44}{server * 1000:>9.0f}ms{base * 1000:>9.0f}ms{base / server:>7.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="the kept database, as it is")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not args.reuse:
        subprocess.run(["dropdb", *PG, "--if-exists", DB], check=True)
        subprocess.run(["createdb", *PG, DB], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", *sys.argv[1:]], env=env, cwd=REPO, check=True
        )
    finally:
        if not (args.keep or args.reuse):
            subprocess.run(["dropdb", *PG, "--if-exists", DB])


if __name__ == "__main__":
    main()

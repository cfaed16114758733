"""Time the live queue: the page over 10,000 open intakes, and pushes to hundreds of sockets.

(a) Seeds 10,000 open intakes at one school (bulk_create) and times GET /team/queue/ through
    Django's test Client as a team member with MFA set (first page of rows included), with
    its SQL query count, against a bare view defined here that renders the same rows with
    `select_related` through a plain template (the floor: same middleware, no queue logic).
    The two run alternately; the figure is the median, the target within 3x of the floor.
(b) Starts daphne on 127.0.0.1 (`daphne schoolwell.asgi:application`, a subprocess) and
    connects 50, then 200 websocket clients to /ws/team/queue/ with a team member's session
    cookie. A publisher claims and gives back intakes through the real views (HTTP POST), at
    5 events/s (realistic) and 50 events/s (stress), for --seconds each. Every event the
    clients get is matched to the intake version's history row: latency runs from that write
    (inside the transaction that commits and then publishes) to the client's receipt, p50 /
    p95 / max, and an event a client never got is lost. At the end each client's queue
    (page snapshot + events) is compared with the database ("stale"), then resynced the way
    queue.js does after a gap (GET of the rows partial) and compared again.
    Run on the InMemoryChannelLayer, then on channels_redis against a throwaway redis-server
    on a free loopback port (or --redis-url), with the settings.py configuration.

    .venv/bin/python bench/queue.py                 # SQLite file, about 3 minutes
    .venv/bin/python bench/queue.py --postgres      # throwaway PostgreSQL db on 127.0.0.1
    .venv/bin/python bench/queue.py --page-only     # (a) only, with the rows re-read

--postgres creates `queue_bench_<pid>` on postgres@127.0.0.1:5432 (trust auth) and drops it.
Figures are printed next to their same-run floor; nothing is asserted. Loopback only.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named queue.py: with its folder first on sys.path it would shadow the standard
# library's `queue` (which concurrent.futures imports). Move the folder to the end.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import queue_live  # noqa: E402  (part b: the daphne server, the socket clients, the publisher)

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER = "127.0.0.1", "postgres"
INTAKES = 10_000
PAGE_RUNS = 30
WARMUP = 5


# --- parent: one child process (Django settings load once per process) -----------------------


def parent(args: argparse.Namespace) -> None:
    print("command:", " ".join([".venv/bin/python", "bench/queue.py", *sys.argv[1:]]), flush=True)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    env = {**os.environ, "DATA_DIR": str(tmp / "data"), "PYTHONUNBUFFERED": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env["LOG_LEVEL"] = "ERROR"  # a lost event is counted here, not logged per client
    pg_name = None
    if args.postgres:
        pg_name = f"queue_bench_{os.getpid()}"
        subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, pg_name], check=True)
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{pg_name}"
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    command = [sys.executable, __file__, "--child", *sys.argv[1:]]
    try:
        done = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
    finally:
        if pg_name:
            subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", pg_name])
        shutil.rmtree(tmp, ignore_errors=True)
    if done.returncode != 0:
        sys.exit(f"bench failed (exit {done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print_page(result)
    if result["push"]:
        queue_live.print_push(result["push"])
    print(
        f"\ntotal wall time {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs)"
    )


def print_page(r: dict) -> None:
    p = r["page"]
    print(f"\n== {r['label']} ==")
    print(f"data: {r['intakes']:,} open intakes at one school, seeded in {r['seed_s']:.1f} s")
    print(f"\n(a) the queue page, {p['runs']} GETs of each through the test Client (ms)")
    print(f"    {'':<46}{'median':>8}{'p95':>8}  SQL  rows  KB  KB gzip")
    for key, label in (
        ("queue", "GET /team/queue/ (filters, groups, presence)"),
        ("rows", "GET ?partial=rows (a screen's re-read)"),
        ("floor", "bare view: same rows, select_related"),
    ):
        row = p[key]
        print(
            f"    {label:<46}{row['p50'] * 1000:8.1f}{row['p95'] * 1000:8.1f}"
            f"  {row['queries']:>3}  {row['rows']:>4} {row['kb']:>4.0f} {row['kb_sent']:>6.1f}"
        )
    print(f"    ratio queue / floor (median): {p['queue']['p50'] / p['floor']['p50']:.2f}x")
    rows, floor = p["rows"], p["floor"]
    print(
        f"    ratio re-read / floor: time (median) {rows['p50'] / floor['p50']:.2f}x, "
        f"bytes {rows['kb'] / floor['kb']:.2f}x, "
        f"bytes sent {rows['kb_sent'] / floor['kb_sent']:.2f}x"
    )


# --- child ------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(n: int):
    """One school with n enrolled students and one open intake each, bulk-inserted (the
    queue reads intakes; how they got there does not matter to it), and its team."""
    import random
    from datetime import date, timedelta

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from schoolwell.models import District, Enrollment, Membership, Role, School, Student, User
    from support_team.models import Intake

    rng = random.Random(20251002)
    district = District.objects.create(sourced_id="bench-district", name="Bench District")
    school = School.objects.create(district=district, sourced_id="bench-high", name="Bench High")
    Student.objects.bulk_create(
        Student(
            district=district,
            sourced_id=f"bench-student-{i}",
            sis_id=str(1_000_000 + i),
            legal_first_name=rng.choice(["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus"]),
            legal_last_name=f"Learner{i}",
            date_of_birth=date(2010, 1, 1) + timedelta(days=rng.randrange(2500)),
            grade=rng.choice(["06", "07", "08", "09"]),
        )
        for i in range(n)
    )
    students = list(Student.objects.filter(district=district).values_list("pk", flat=True))
    Enrollment.objects.bulk_create(
        Enrollment(student_id=pk, school=school, start_date=date(2025, 8, 18)) for pk in students
    )

    def person(email: str, role: str) -> User:
        user = User.objects.create(
            username=email,
            email=email,
            first_name="Bench",
            last_name=email.split("@")[0],
            password=make_password(None),
        )
        Membership.objects.create(user=user, role=role, school=school, discipline="counselor")
        TOTP.activate(user, generate_totp_secret())
        return user

    team = person("team@bench.example", Role.SUPPORT)
    claimers = [person(f"claimer{i}@bench.example", Role.SUPPORT) for i in range(5)]
    now = timezone.now()
    sources = [c for c, _ in Intake.Source.choices]
    intakes = []
    for pk in students:
        opened = now - timedelta(minutes=rng.randrange(60 * 24 * 10))
        urgency = rng.choices([0, 1, 2], weights=[5, 20, 75])[0]
        claimed = rng.choice(claimers) if rng.random() < 0.2 else None
        intakes.append(
            Intake(
                school=school,
                student_id=pk,
                source=rng.choice(sources),
                source_id="",
                urgency=urgency,
                status=Intake.Status.CLAIMED if claimed else Intake.Status.NEW,
                summary="Worried about attendance and mood this week",
                opened_at=opened,
                target_at=opened + (timedelta(hours=1) if urgency == 0 else timedelta(days=2)),
                claimed_by=claimed,
                claimed_at=now if claimed else None,
            )
        )
    Intake.objects.bulk_create(intakes, batch_size=2000)
    return school, team


FLOOR_TEMPLATE = """<!doctype html><html lang="en"><head><title>Queue</title></head><body>
<table><tbody>{% for intake in intakes %}<tr id="intake-{{ intake.pk }}">
<td>{{ intake.get_urgency_display }}</td>
<td>{{ intake.student.display_name }} {{ intake.school.name }}</td>
<td>{{ intake.get_source_display }}</td><td>{{ intake.summary }}</td>
<td>{{ intake.opened_at|timesince:now }}</td><td>{{ intake.claimed_by|default:"" }}</td>
</tr>{% endfor %}</tbody></table></body></html>"""


def install_floor(school, rows: int) -> None:
    """The floor view at /bench/floor/, mounted in front of the project's URLs."""
    import types

    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path
    from django.utils import timezone

    from support_team.models import Intake

    template = engines["django"].from_string(FLOOR_TEMPLATE)

    @login_required
    def floor(request):
        intakes = list(
            Intake.objects.filter(school=school)
            .exclude(status=Intake.Status.CLOSED)
            .select_related("student", "school", "claimed_by")
            .order_by("urgency", "target_at", "pk")[:rows]
        )
        return HttpResponse(template.render({"intakes": intakes, "now": timezone.now()}, request))

    module = types.ModuleType("bench_queue_urls")
    module.urlpatterns = [path("bench/floor/", floor), path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_queue_urls"] = module
    settings.ROOT_URLCONF = "bench_queue_urls"
    clear_url_caches()


def measure_page(school, team) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(team)
    first = client.get("/team/queue/")
    assert first.status_code == 200, first.status_code
    rows = first.content.decode().count('id="intake-')
    install_floor(school, rows)
    # "rows" is what a screen re-reads after a gap or a reconnect (queue.js): the table body.
    urls = {"queue": "/team/queue/", "rows": "/team/queue/?partial=rows", "floor": "/bench/floor/"}
    out = {"runs": PAGE_RUNS}
    for key, url in urls.items():
        for _ in range(WARMUP):
            client.get(url)
        with CaptureQueriesContext(connection) as sql:
            response = client.get(url)
        queries = len(sql)  # before the next request starts (it clears the query log)
        assert response.status_code == 200, (url, response.status_code)
        # As sent to a browser: GZipMiddleware compresses every page (with its padding).
        sent = client.get(url, headers={"accept-encoding": "gzip"})
        assert sent.get("Content-Encoding") == "gzip", url
        out[key] = {
            "queries": queries,
            "rows": response.content.decode().count('id="intake-'),
            "kb": len(response.content) / 1024,
            "kb_sent": len(sent.content) / 1024,
        }
    times = {key: [] for key in urls}
    for run in range(PAGE_RUNS):
        order = list(urls.items()) if run % 2 == 0 else list(reversed(urls.items()))
        for key, url in order:
            started = time.perf_counter()
            client.get(url)
            times[key].append(time.perf_counter() - started)
    for key in urls:
        out[key].update(queue_live.percentiles(times[key]))
    return out


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log("making the tables")
    started = time.perf_counter()
    if args.migrations:
        call_command("migrate", verbosity=0)
    else:
        # Tables straight from the models, as Django's test runner does with migrations off:
        # the same schema (no migration here runs SQL of its own) in seconds, not minutes.
        from django.apps import apps
        from django.conf import settings

        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        call_command("migrate", run_syncdb=True, verbosity=0)
        # The migration names the category model where it lived then; it is the core's now.
        categories = importlib.import_module("concerns.migrations.0002_categories")
        Category = apps.get_model("schoolwell", "Category")
        categories.add_categories(SimpleNamespace(get_model=lambda *_: Category), None)
    log(f"  {time.perf_counter() - started:.0f} s")
    log(f"seeding {args.intakes:,} intakes")
    started = time.perf_counter()
    school, team = seed(args.intakes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seed_s = time.perf_counter() - started
    log("(a) timing the queue page")
    page = measure_page(school, team)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            label = f"PostgreSQL {cursor.fetchone()[0]} (127.0.0.1, throwaway database)"
    else:
        import sqlite3

        label = f"SQLite {sqlite3.sqlite_version} (fresh file)"
    push = {}
    if not args.page_only:
        log(f"(b) pushes to sockets ({time.perf_counter() - started:.0f} s since seeding began)")
        push = queue_live.measure_push(args, REPO)
    connection.close()
    print(
        json.dumps(
            {"label": label, "intakes": args.intakes, "seed_s": seed_s, "page": page, "push": push}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway local PostgreSQL db")
    parser.add_argument("--intakes", type=int, default=INTAKES)
    parser.add_argument("--seconds", type=float, default=10.0, help="publishing time per run")
    parser.add_argument("--clients", default="50,200", help="socket clients per run")
    parser.add_argument("--rates", default="5,50", help="events per second")
    parser.add_argument("--layers", default="memory,redis", help="memory, redis or both")
    parser.add_argument("--migrations", action="store_true", help="run the real migrations")
    parser.add_argument("--redis-url", default="", help="an existing Redis instead of a new one")
    parser.add_argument("--page-only", action="store_true", help="(a) only, no sockets")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()

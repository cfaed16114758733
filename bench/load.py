"""Load and faults: queue screens, teachers and students at once, with Redis lost mid-run.

Against daphne (`schoolwell.asgi`, a subprocess on 127.0.0.1) on a throwaway PostgreSQL
database and a private `redis-server` on a free loopback port (the machine's Redis is never
touched), for --seconds:
- --clients websocket clients on /ws/team/queue/ with the session cookies of several team
  members; each behaves like queue.js: a rows fetch on page load, reconnect with backoff
  (1 s doubling to 30 s) when the socket closes, and a rows fetch after each reconnect;
- --teachers teachers each submit a concern through the real form (GET /concerns/new/ for
  the CSRF token, POST with a fresh idempotency key) about every --teacher-every seconds;
- --students students each submit a check-in through the real page (GET /self-report/, POST)
  about every --student-every seconds. A student may send 5 an hour, so each seat rotates
  through several student accounts.
It reports submissions per second, p50/p95 of each POST (request to response), of queue
pushes (the intake version's history row, written just before commit, to the client's
receipt), errors, then: lost submissions (every idempotency key answered with success must
be in the database), and stale queues (each client's rows fetched after the run must equal
the queue selector's first page read from the database).
--fault kills the private Redis for 10 s in the middle and restarts it on the same port:
every submission must still succeed, and every client must catch up (reconnect + resync).

    .venv/bin/python bench/load.py --short            # 20 clients, 2+3 submitters, 20 s, fault
    .venv/bin/python bench/load.py                    # 200 clients, 20 + 50 submitters, 60 s
    .venv/bin/python bench/load.py --fault            # the same with Redis down for 10 s

tests/test_load.py runs the short form in `make test` (PostgreSQL + Redis pass) and checks
its counts, never its timings.

The simulated people and the run are in bench/load_people.py, the figures in
bench/load_figures.py, the loopback daphne and redis-server in bench/live_servers.py.

Loopback only; bounded in count and time; nothing is asserted (exit 1 when a target is missed).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's `queue` (which concurrent.futures
# imports) while this folder is first on sys.path: move the folder to the end.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import live_servers as live  # noqa: E402  (the loopback daphne and redis-server)
from load_figures import report, summarise  # noqa: E402
from load_people import PER_ACCOUNT, log, run  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER = "127.0.0.1", "postgres"


# --- seeding (in this process, before the server starts) --------------------------------------


def seed(cfg: argparse.Namespace) -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from schoolwell.models import (
        Category,
        District,
        Enrollment,
        Membership,
        Role,
        School,
        Student,
        User,
    )
    from self_report import demo
    from support_team.services import intake_open

    district = District.objects.create(sourced_id="load-district", name="Load District")
    school = School.objects.create(district=district, sourced_id="load-high", name="Load High")
    n = [0]

    def student(user=None) -> Student:
        n[0] += 1
        record = Student.objects.create(
            district=district,
            sourced_id=f"load-student-{n[0]}",
            sis_id=str(3_000_000 + n[0]),
            legal_first_name="Load",
            legal_last_name=f"Learner{n[0]}",
            grade="07",
            user=user,
        )
        Enrollment.objects.create(student=record, school=school, start_date="2025-08-18")
        return record

    def person(name: str, role: str) -> tuple[User, str]:
        user = User.objects.create(
            username=f"{name}@load.example",
            email=f"{name}@load.example",
            first_name="Load",
            last_name=name,
            password=make_password(None),
        )
        discipline = "counselor" if role == Role.SUPPORT else ""
        Membership.objects.create(user=user, role=role, school=school, discipline=discipline)
        if role != Role.STUDENT:
            TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)
        return user, client.cookies["sessionid"].value

    demo.ensure_catalogue()
    demo.ensure_page()
    team = [person(f"team{i}", Role.SUPPORT) for i in range(max(1, cfg.clients // 40))]
    teachers = [person(f"teacher{i}", Role.TEACHER)[1] for i in range(cfg.teachers)]
    subjects = [student().pk for _ in range(100)]
    per_seat = math.ceil((cfg.seconds / cfg.student_every * 1.3 + 2) / PER_ACCOUNT)
    seats = []
    for s in range(cfg.students):
        accounts = []
        for a in range(per_seat):
            user, cookie = person(f"pupil{s}-{a}", Role.STUDENT)
            student(user)
            accounts.append(cookie)
        seats.append(accounts)
    for pk in subjects[:20]:  # a queue that is not empty when the screens open
        intake_open(school=school, student=Student.objects.get(pk=pk), source="staff_note",
                    summary="Quiet")  # fmt: skip
    categories = list(
        Category.objects.filter(active=True, always_urgent=False).values_list("pk", flat=True)
    )
    return {
        "school": school.pk,
        "team": [(user.pk, cookie) for user, cookie in team],
        "teachers": teachers,
        "seats": seats,
        "subjects": subjects,
        "categories": categories,
    }


# --- the whole run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--teacher-every", type=float, default=5.0, help="seconds")
    parser.add_argument("--student-every", type=float, default=10.0, help="seconds")
    parser.add_argument("--fault", action="store_true", help="Redis down 10 s mid-run")
    parser.add_argument("--short", action="store_true", help="20/2/3, 20 s, with the fault")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    parser.add_argument(
        "--template", default="", help="a migrated database to copy instead of migrating anew"
    )
    cfg = parser.parse_args()
    if cfg.short:
        cfg.clients, cfg.teachers, cfg.students, cfg.seconds, cfg.fault = 20, 2, 3, 20.0, True
    cfg.label = "short" if cfg.short else "full"
    print("command:", " ".join([".venv/bin/python", "bench/load.py", *sys.argv[1:]]), flush=True)
    load_before, started = os.getloadavg()[0], time.perf_counter()
    db = f"load_bench_{os.getpid()}"
    copy = ["-T", cfg.template] if cfg.template else []
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, *copy, db], check=True)
    redis, daphne = {}, None
    try:
        redis["process"], url = live.start_redis()
        redis["port"] = int(url.rsplit(":", 1)[1].split("/")[0])
        os.environ.update(
            DATABASE_URL=f"postgres://{PG_USER}@{PG_HOST}:5432/{db}",
            REDIS_URL=url,
            DJANGO_SETTINGS_MODULE="schoolwell.settings",
            LOG_LEVEL="ERROR",  # the fault logs a warning per lost event: counted here instead
        )
        for name in ("SQLITE_PATH", "DB_CONN_MAX_AGE"):
            os.environ.pop(name, None)
        sys.path.insert(0, str(REPO))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        if not cfg.template:
            log("migrating the throwaway database")
            call_command("migrate", verbosity=0)
        log("seeding")
        seeded = seed(cfg)
        cfg.today = timezone.localdate().isoformat()
        connection.close()  # the server writes from now on
        daphne, port, logfile = live.start_daphne(REPO, url)
        raw = asyncio.run(run(cfg, seeded, port, redis))
        result = summarise(cfg, seeded, raw)
        result["server_errors"] = live.server_errors(logfile.read_text(errors="replace"))
        connection.close()
    finally:
        if daphne:
            live.stop(daphne)
            logfile.unlink(missing_ok=True)
        if redis.get("process"):
            live.stop(redis["process"])
        try:
            from django.db import connections

            connections.close_all()
        finally:  # the throwaway database goes whatever happened above
            subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", db])
    met = report(result)
    if cfg.json:
        Path(cfg.json).write_text(json.dumps(result, indent=1))
    print(
        f"\ntotal wall time {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs)"
    )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()

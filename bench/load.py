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
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import queue_live as live  # noqa: E402  (daphne/redis helpers, the rows parser, percentiles)

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER = "127.0.0.1", "postgres"
HOST = live.HOST
OUTAGE = 10.0  # seconds Redis is down with --fault
PER_ACCOUNT = 4  # check-ins per student account (the product allows 5 an hour)
QUIET, DRAIN_MAX = 2.0, 45.0  # quiet for 2 s, or at most 45 s of draining a backlog
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- seeding (in this process, before the server starts) --------------------------------------


def seed(cfg: argparse.Namespace) -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from concerns.models import Category
    from schoolwell.models import District, Enrollment, Membership, Role, School, Student, User
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


# --- HTTP over a plain socket (no client library in the project) -------------------------------


async def http(port, method, path, cookies: dict, form=None, timeout=60.0):
    """(status, headers, body). One connection per request, as a browser tab's form would."""
    body = urlencode(form or [], doseq=True).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nCookie: {cookie}\r\n"
    if method == "POST":
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
        head += f"Origin: http://{HOST}:{port}\r\nReferer: http://{HOST}:{port}{path}\r\n"
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"

    async def exchange():
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(head.encode() + body)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()

    data = await asyncio.wait_for(exchange(), timeout)
    raw_head, _, content = data.partition(b"\r\n\r\n")
    lines = raw_head.decode(errors="replace").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split(" ", 2)[1]), headers, content


def set_cookies(cookies: dict, headers: dict) -> None:
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        cookies[name] = rest.split(";", 1)[0]


class Stats:
    def __init__(self):
        self.posts: list[dict] = []  # kind, key, status, seconds, at, outcome
        self.gets_failed: list[str] = []


async def submit(port, stats: Stats, kind: str, cookies: dict, path: str, form: list, ok_prefix):
    key = str(uuid.uuid4())
    record = {"kind": kind, "key": key, "status": 0, "seconds": None, "at": time.time()}
    stats.posts.append(record)
    try:
        status, headers, body = await http(port, "GET", path, cookies)
        set_cookies(cookies, headers)
        token = TOKEN.search(body)
        if status != 200 or not token:
            record["outcome"] = f"GET {status}"
            return
        form = [("csrfmiddlewaretoken", token.group(1).decode()), ("idempotency_key", key), *form]
        record["at"] = time.time()
        started = time.perf_counter()
        status, headers, body = await http(port, "POST", path, cookies, form)
        record["seconds"] = time.perf_counter() - started
        set_cookies(cookies, headers)
        record["status"] = status
        where = (headers.get("location") or [""])[0]
        if status == 302 and where.startswith(ok_prefix):
            record["outcome"] = "ok"
        elif status == 200:
            record["outcome"] = "form re-shown (not saved)"
        else:
            record["outcome"] = f"HTTP {status} {where}"
    except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
        record["outcome"] = f"{type(error).__name__}: {error}"[:120]


async def every(interval: float, end: float, action) -> None:
    """A person acting about every `interval` seconds (jittered), after a random start."""
    loop = asyncio.get_running_loop()
    next_at = loop.time() + random.uniform(0, interval)
    n = 0
    while True:
        await asyncio.sleep(max(0.0, min(next_at, end) - loop.time()))
        if loop.time() >= end:
            return
        await action(n)
        n += 1
        next_at += interval * random.uniform(0.8, 1.2)


# --- the queue screens ---------------------------------------------------------------------------


class Screen:
    def __init__(self, index: int, user: int, cookie: str):
        self.index, self.user, self.cookie = index, user, cookie
        self.received: list[tuple[int, int, float]] = []
        self.view: dict[int, int] = {}  # intake -> version, from fetches and events
        self.down: list[list[float]] = []  # [closed at, open again at]
        self.resyncs: list[float] = []
        self.final: dict[int, int] | None = None
        self.errors: list[str] = []
        self.ws = None

    async def fetch(self, port: int, gate: asyncio.Semaphore) -> dict[int, int] | None:
        async with gate:
            try:
                status, _, body = await http(port, "GET", "/team/queue/?partial=rows",
                                             {"sessionid": self.cookie})  # fmt: skip
            except Exception as error:  # noqa: BLE001
                self.errors.append(f"rows fetch: {type(error).__name__}")
                return None
        if status != 200:
            self.errors.append(f"rows fetch: HTTP {status}")
            return None
        rows = live.parse_rows(body)
        for pk, version in rows.items():
            self.view[pk] = max(self.view.get(pk, 0), version)
        self.resyncs.append(time.time())
        return rows

    async def run(self, port: int, gate: asyncio.Semaphore, stop: asyncio.Event, state: dict):
        """queue.js: page load, connect, on close wait and reconnect, re-fetch on reopen."""
        from websockets.asyncio.client import connect

        await self.fetch(port, gate)
        delay, first = 1.0, True
        while not stop.is_set():
            try:
                async with gate:
                    ws = await connect(
                        f"ws://{HOST}:{port}/ws/team/queue/",
                        origin=f"http://{HOST}:{port}",
                        additional_headers={"Cookie": f"sessionid={self.cookie}"},
                        compression=None,
                        ping_interval=None,
                        open_timeout=30,
                    )
            except Exception:  # noqa: BLE001 - refused during the fault: back off and retry
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            delay, self.ws = 1.0, ws
            if self.down and self.down[-1][1] is None:
                self.down[-1][1] = time.time()
            state["open"] += 1
            if not first:
                asyncio.create_task(self.fetch(port, gate))
            first = False
            try:
                async for raw in ws:
                    now = time.time()
                    event = json.loads(raw)
                    if event.get("type") == "queue.changed":
                        self.received.append((event["intake"], event["version"], now))
                        pk = event["intake"]
                        self.view[pk] = max(self.view.get(pk, 0), event["version"])
                        state["last_event"] = time.monotonic()
            except Exception:  # noqa: BLE001 - a closed socket: reconnect below
                pass
            state["open"] -= 1
            if stop.is_set():
                return
            self.down.append([time.time(), None])
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30)


async def run(cfg, seeded: dict, port: int, redis: dict) -> dict:
    stats, stop = Stats(), asyncio.Event()
    gate = asyncio.Semaphore(20)
    state = {"open": 0, "last_event": time.monotonic()}
    team = seeded["team"]
    screens = [Screen(i, *team[i % len(team)]) for i in range(cfg.clients)]
    tasks = [asyncio.create_task(s.run(port, gate, stop, state)) for s in screens]
    started = time.perf_counter()
    while state["open"] < cfg.clients and time.perf_counter() - started < 120:
        await asyncio.sleep(0.05)
    connect_s = time.perf_counter() - started
    log(f"  {state['open']} screens open in {connect_s:.1f} s; submitting for {cfg.seconds:g} s")

    loop = asyncio.get_running_loop()
    t0, end = time.time(), loop.time() + cfg.seconds
    rng = random.Random(7)

    def teacher(cookie):
        cookies = {"sessionid": cookie}

        async def act(n):
            form = [
                ("student", rng.choice(seeded["subjects"])),
                ("categories", rng.choice(seeded["categories"])),
                ("severity", rng.choice(["low", "moderate"])),
                ("narrative", "Seemed withdrawn in class and did not eat lunch."),
                ("observed_on", cfg.today),
                ("observed_place", "Classroom"),
            ]
            await submit(port, stats, "concern", cookies, "/concerns/new/", form, "/concerns/")

        return act

    def pupil(accounts):
        jars = [{"sessionid": cookie} for cookie in accounts]

        async def act(n):
            form = [
                ("wellbeing", rng.choice(["2", "3", "4"])),
                ("talk_when", rng.choice(["today", "week", "whenever"])),
                ("talk_with", "any"),
                ("own_words", ""),
            ]
            jar = jars[min(n // PER_ACCOUNT, len(jars) - 1)]
            await submit(port, stats, "self-report", jar, "/self-report/", form, "/check-in/sent/")

        return act

    people = [every(cfg.teacher_every, end, teacher(c)) for c in seeded["teachers"]]
    people += [every(cfg.student_every, end, pupil(a)) for a in seeded["seats"]]
    fault = {}

    async def outage():
        await asyncio.sleep(max(0.0, cfg.seconds / 2 - OUTAGE / 2))
        fault["killed"] = time.time()
        redis["process"].kill()
        redis["process"].wait()
        log("  redis-server killed")
        await asyncio.sleep(OUTAGE)
        redis["process"], _ = await asyncio.to_thread(live.start_redis, redis["port"])
        fault["restored"] = time.time()
        log("  redis-server back on the same port")

    if cfg.fault:
        people.append(outage())
    await asyncio.gather(*people)
    submit_s = time.time() - t0
    drain = time.monotonic()
    while time.monotonic() - state["last_event"] < QUIET and time.monotonic() - drain < DRAIN_MAX:
        await asyncio.sleep(0.1)
    # Screens that lost their socket in the fault must be back before the final comparison.
    while state["open"] < cfg.clients and time.monotonic() - drain < DRAIN_MAX + 40:
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*(s.ws.close() for s in screens if s.ws), return_exceptions=True)
    _, pending = await asyncio.wait(tasks, timeout=30)
    for task in pending:  # still backing off: nothing more to hear
        task.cancel()
    final_started = time.perf_counter()
    finals = await asyncio.gather(*(s.fetch(port, gate) for s in screens))
    for screen, rows in zip(screens, finals, strict=True):
        screen.final = rows
    return {
        "screens": screens,
        "stats": stats,
        "t0": t0,
        "submit_s": submit_s,
        "connect_s": connect_s,
        "final_fetch_s": time.perf_counter() - final_started,
        "fault": fault,
    }


# --- after the run: the database is the truth ---------------------------------------------------


def in_any(at: float, spans) -> bool:
    return any(start <= at <= (stop or float("inf")) for start, stop in spans)


def summarise(cfg, seeded: dict, raw: dict) -> dict:
    from concerns.models import Concern
    from schoolwell.models import User
    from self_report.models import SelfReport
    from support_team import selectors
    from support_team.models import Intake

    posts = raw["stats"].posts
    ok = [p for p in posts if p.get("outcome") == "ok"]
    saved = {str(k) for k in Concern.objects.values_list("idempotency_key", flat=True)}
    saved |= {str(k) for k in SelfReport.objects.values_list("idempotency_key", flat=True)}
    lost = [p["key"] for p in ok if p["key"] not in saved]
    errors = [p for p in posts if p.get("outcome") != "ok"]
    fault = raw["fault"]

    # Every intake version written during the run is an event every screen should hear.
    written = {
        (pk, version): when.timestamp()
        for pk, version, when in Intake.history.filter(
            school_id=seeded["school"], history_date__gte=_aware(raw["t0"])
        ).values_list("id", "version", "history_date")
    }
    truth = {}
    for user_id, _ in seeded["team"]:
        user = User.objects.get(pk=user_id)
        rows = selectors.queue_rows(user=user, filters=selectors.QueueFilters())
        truth[user_id] = {i.pk: i.version for i in rows}
    push, not_sent, while_away, lost_connected, stale_live, stale_final = [], 0, 0, 0, 0, 0
    reconnected, catch_up, screen_errors = 0, [], []
    for screen in raw["screens"]:
        heard = {(pk, v): at for pk, v, at in screen.received}
        # The fault, for this screen: from the kill until its socket is back (a socket the
        # server has not closed yet hears nothing either; its reconnect re-fetches the rows).
        redis_down = []
        if fault:
            back = [up for _, up in screen.down if up and up >= fault["killed"]]
            redis_down = [(fault["killed"], max([fault["restored"], *back[:1]]))]
        for event, at in written.items():
            if event in heard:
                push.append(heard[event] - at)
            elif in_any(at, redis_down):
                not_sent += 1
            elif in_any(at, screen.down):
                while_away += 1
            else:
                lost_connected += 1
        expected = truth[screen.user]
        stale_live += any(screen.view.get(pk) != v for pk, v in expected.items())
        stale_final += screen.final != expected
        if screen.down:
            reconnected += 1
            back = [t for t in screen.resyncs if t >= screen.down[0][0]]
            if fault and back:
                catch_up.append(back[0] - fault["restored"])
        screen_errors += screen.errors
    submissions = [p["seconds"] for p in ok]
    return {
        "label": cfg.label,
        "clients": cfg.clients,
        "teachers": cfg.teachers,
        "students": cfg.students,
        "seconds": cfg.seconds,
        "fault": bool(fault),
        "connect_s": raw["connect_s"],
        "submit_s": raw["submit_s"],
        "final_fetch_s": raw["final_fetch_s"],
        "concerns": sum(p["kind"] == "concern" for p in ok),
        "self_reports": sum(p["kind"] == "self-report" for p in ok),
        "during_outage": sum(
            in_any(p["at"], [(fault["killed"], fault["restored"])] if fault else []) for p in ok
        ),
        "throughput": len(ok) / raw["submit_s"],
        "post": {k: v * 1000 for k, v in live.percentiles(submissions).items()},
        "push": {k: v * 1000 for k, v in live.percentiles(push).items()},
        "events": len(written),
        "errors": len(errors),
        "error_kinds": sorted({p.get("outcome", "?") for p in errors})[:5],
        "lost": len(lost),
        "not_sent": not_sent,
        "while_away": while_away,
        "lost_connected": lost_connected,
        "reconnected": reconnected,
        "catch_up": live.percentiles(catch_up) if catch_up else None,
        "stale_live": stale_live,
        "stale_final": stale_final,
        "screen_errors": len(screen_errors),
        "screen_error_kinds": sorted(set(screen_errors))[:3],
    }


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


def report(r: dict) -> bool:
    fault = "Redis killed for 10 s mid-run" if r["fault"] else "no fault"
    print(
        f"\n== {r['label']}: {r['clients']} queue screens, {r['teachers']} teachers, "
        f"{r['students']} students, {r['seconds']:g} s, {fault} =="
    )
    print(f"screens open in {r['connect_s']:.1f} s; final rows fetch {r['final_fetch_s']:.1f} s")
    rows = [
        ("submissions saved (concerns + check-ins)", f"{r['concerns']} + {r['self_reports']}"),
        ("  of which while Redis was down", r["during_outage"] if r["fault"] else "-"),
        ("throughput", f"{r['throughput']:.1f} submissions/s"),
        ("POST to response p50 / p95 / max", _ms(r["post"])),
        ("queue events (intake versions written)", r["events"]),
        ("push, commit to screen p50 / p95 / max", _ms(r["push"])),
        ("errors (non-2xx/3xx, form re-shown, exceptions)", r["errors"]),
        ("lost submissions (success answered, not in db)", r["lost"]),
        ("pushes lost while connected", r["lost_connected"]),
        (
            "pushes missed from the kill to the screen's reconnect",
            r["not_sent"] if r["fault"] else "-",
        ),
        ("pushes missed while a screen reconnected", r["while_away"]),
        ("screens that lost their socket and reconnected", r["reconnected"]),
        ("caught up: Redis back -> rows re-fetched p50/max", _catch(r["catch_up"])),
        ("screens stale before the final fetch", r["stale_live"]),
        ("stale queues after the final fetch (vs db)", r["stale_final"]),
        ("screen fetch errors", r["screen_errors"]),
    ]
    for label, value in rows:
        print(f"  {label:<56}{value}")
    for kind in r["error_kinds"] + r["screen_error_kinds"]:
        print(f"    e.g. {kind}")
    return r["errors"] == r["lost"] == r["stale_final"] == r["lost_connected"] == 0


def _ms(p: dict) -> str:
    return f"{p['p50']:.0f} / {p['p95']:.0f} / {p['max']:.0f} ms"


def _catch(p) -> str:
    return "-" if p is None else f"{p['p50']:.1f} / {p['max']:.1f} s"


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
    cfg = parser.parse_args()
    if cfg.short:
        cfg.clients, cfg.teachers, cfg.students, cfg.seconds, cfg.fault = 20, 2, 3, 20.0, True
    cfg.label = "short" if cfg.short else "full"
    print("command:", " ".join([".venv/bin/python", "bench/load.py", *sys.argv[1:]]), flush=True)
    load_before, started = os.getloadavg()[0], time.perf_counter()
    db = f"load_bench_{os.getpid()}"
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, db], check=True)
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

        log("migrating the throwaway database")
        call_command("migrate", verbosity=0)
        log("seeding")
        seeded = seed(cfg)
        cfg.today = timezone.localdate().isoformat()
        connection.close()  # the server writes from now on
        daphne, port, logfile = live.start_daphne(REPO, url)
        raw = asyncio.run(run(cfg, seeded, port, redis))
        result = summarise(cfg, seeded, raw)
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

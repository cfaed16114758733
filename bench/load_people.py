"""The people of bench/load.py: HTTP over a plain socket, teachers' and students' form
submissions, queue screens that behave like queue.js, and one whole run with its fault."""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import time
import uuid
from urllib.parse import urlencode

import live_servers as live
from queue_live import parse_rows

HOST = live.HOST
OUTAGE = 10.0  # seconds Redis is down with --fault
PER_ACCOUNT = 4  # check-ins per student account (the product allows 5 an hour)
QUIET, DRAIN_MAX = 2.0, 45.0  # quiet for 2 s, or at most 45 s of draining a backlog
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
        rows = parse_rows(body)
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

"""Part (b) of bench/queue.py: push latency from commit to hundreds of queue sockets.

A daphne subprocess serves schoolwell.asgi on 127.0.0.1; this process holds the websocket
clients (the `websockets` package) and a publisher that claims and gives back intakes through
the app's own views over HTTP, so every event is published by the server process itself after
its transaction commits (the only way for the in-memory layer, and the real path on Redis).
The daphne and redis-server processes are started by bench/live_servers.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path

from live_servers import HOST, percentiles, start_daphne, start_redis, stop

LIVE_INTAKES = 20
QUIET = 1.0  # the run is drained when no event arrived for this long...
DRAIN_MAX = 10.0  # ...or after this long
ROW = re.compile(rb"<tr\b[^>]*>")
ROW_ID = re.compile(rb'\bid="intake-(\d+)"')
ROW_VERSION = re.compile(rb'\bdata-version="(\d+)"')


# --- the data: one school, a team member with MFA and a session, a few open intakes -------


def live_setup():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from schoolwell.models import District, Enrollment, Membership, Role, School, Student, User
    from support_team.services import intake_open

    district = District.objects.create(sourced_id="live-district", name="Live District")
    school = School.objects.create(district=district, sourced_id="live-high", name="Live High")
    user = User.objects.create(
        username="live@bench.example",
        email="live@bench.example",
        first_name="Live",
        last_name="Bench",
        password=make_password(None),
    )
    Membership.objects.create(user=user, role=Role.SUPPORT, school=school, discipline="counselor")
    TOTP.activate(user, generate_totp_secret())
    ids = []
    for i in range(LIVE_INTAKES):
        student = Student.objects.create(
            district=district,
            sourced_id=f"live-student-{i}",
            sis_id=str(2_000_000 + i),
            legal_first_name="Live",
            legal_last_name=f"Learner{i}",
            grade="08",
        )
        Enrollment.objects.create(student=student, school=school, start_date="2025-08-18")
        intake = intake_open(school=school, student=student, source="staff_note", summary="Quiet")
        ids.append(intake.pk)
    client = Client()
    client.force_login(user)
    return ids, client.cookies["sessionid"].value


def versions(ids: list[int]) -> dict[int, int]:
    return {pk: version for pk, (version, _) in state(ids).items()}


def state(ids: list[int]) -> dict[int, tuple[int, int | None]]:
    """intake -> (version, who has it)."""
    from support_team.models import Intake

    rows = Intake.objects.filter(pk__in=ids).values_list("pk", "version", "claimed_by_id")
    return {pk: (version, holder) for pk, version, holder in rows}


def written_at(ids: list[int], since: dict[int, int]) -> dict[tuple[int, int], float]:
    """(intake, version) -> when that version was written (its history row), for every
    version made during the run: the events every client should have got."""
    from support_team.models import Intake

    rows = Intake.history.filter(id__in=ids).values_list("id", "version", "history_date")
    return {(i, v): when.timestamp() for i, v, when in rows if v > since[i]}


# --- one run: N clients, one publisher, a rate, a time ----------------------------------------


async def http(port: int, method: str, path: str, cookie: str, csrf: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(
        (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"Cookie: sessionid={cookie}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
            "Content-Length: 0\r\nConnection: close\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head if method == "POST" else body


def parse_rows(body: bytes) -> dict[int, int]:
    found = {}
    for tag in ROW.findall(body):
        pk, version = ROW_ID.search(tag), ROW_VERSION.search(tag)
        if pk and version:
            found[int(pk.group(1))] = int(version.group(1))
    return found


async def run_case(port: int, cookie: str, start: dict, clients: int, rate: float, seconds):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    csrf = "benchbenchbenchbenchbenchbench12"  # 32 characters: a valid CSRF secret
    received: list[list[tuple[int, int, float]]] = [[] for _ in range(clients)]
    last_message = [time.monotonic()]
    sockets = []
    dropped: list[str] = []  # sockets the server closed during the run, and why
    gate = asyncio.Semaphore(20)

    async def open_one(index: int):
        async with gate:
            ws = await connect(
                f"ws://{HOST}:{port}/ws/team/queue/",
                origin=f"http://{HOST}:{port}",
                additional_headers={"Cookie": f"sessionid={cookie}"},
                compression=None,
                ping_interval=None,
            )
        sockets.append(ws)
        try:
            async for raw in ws:
                now = time.time()
                event = json.loads(raw)
                if event.get("type") == "queue.changed":
                    received[index].append((event["intake"], event["version"], now))
                    last_message[0] = time.monotonic()
        except ConnectionClosed as closed:
            if closed.rcvd is None or closed.rcvd.code != 1000:
                dropped.append(f"{type(closed).__name__}: {closed}")

    started = time.perf_counter()
    listeners = [asyncio.create_task(open_one(i)) for i in range(clients)]
    while len(sockets) < clients:
        failed = [t for t in listeners if t.done() and t.exception()]
        if failed:
            raise failed[0].exception()
        await asyncio.sleep(0.02)
    connect_s = time.perf_counter() - started
    await asyncio.sleep(0.5)

    # The publisher: each tick takes the next intake with no request in flight and claims it
    # (or gives it back): one event per successful request.
    ids = list(start)
    claimed = {pk: holder is not None for pk, (_, holder) in start.items()}
    busy: set[int] = set()
    outcome = {"sent": 0, "ok": 0, "skipped": 0}

    async def act(pk: int):
        action = "release" if claimed[pk] else "claim"
        status, head = await http(port, "POST", f"/team/queue/{pk}/{action}/", cookie, csrf)
        if status == 302 and b"/accounts/" not in head:  # not sent to sign in
            claimed[pk] = not claimed[pk]
            outcome["ok"] += 1
        busy.discard(pk)

    loop = asyncio.get_running_loop()
    tick, end, turn, tasks = loop.time(), loop.time() + seconds, 0, []
    while loop.time() < end:
        idle = [pk for pk in ids[turn:] + ids[:turn] if pk not in busy]
        turn = (turn + 1) % len(ids)
        if idle:
            busy.add(idle[0])
            outcome["sent"] += 1
            tasks.append(asyncio.create_task(act(idle[0])))
        else:
            outcome["skipped"] += 1
        tick += 1 / rate
        await asyncio.sleep(max(0.0, tick - loop.time()))
    await asyncio.gather(*tasks)
    published_s = seconds
    drain_start = time.monotonic()
    while time.monotonic() - last_message[0] < QUIET and time.monotonic() - drain_start < DRAIN_MAX:
        await asyncio.sleep(0.1)
    for ws in sockets:
        await ws.close()
    await asyncio.gather(*listeners, return_exceptions=True)

    # Resync, as queue.js does after a gap or a reconnect: fetch the rows over HTTP.
    resynced: list[dict[int, int]] = [{} for _ in range(clients)]
    resync_errors: list[str] = []

    async def resync(index: int):
        async with gate:
            status, body = await http(port, "GET", "/team/queue/?partial=rows", cookie, csrf)
        resynced[index] = parse_rows(body) if status == 200 else {}
        if status != 200:
            resync_errors.append(f"HTTP {status}: {body[-300:].decode(errors='replace')}")

    started = time.perf_counter()
    await asyncio.gather(*(resync(i) for i in range(clients)))
    resync_s = time.perf_counter() - started
    return {
        "received": received,
        "resynced": resynced,
        "connect_s": connect_s,
        "resync_s": resync_s,
        "achieved_rate": outcome["ok"] / published_s,
        "dropped": dropped,
        "resync_errors": resync_errors,
        **outcome,
    }


def summarise(raw: dict, before: dict[int, int], ids: list[int]) -> dict:
    expected = written_at(ids, before)
    truth = versions(ids)
    latencies, lost, stale_before, stale_after, gaps = [], [], 0, 0, 0
    for got, resynced in zip(raw["received"], raw["resynced"], strict=True):
        seen = set()
        view = dict(before)
        last = dict(before)
        saw_gap = False
        for pk, version, at in got:
            if (pk, version) in expected:
                latencies.append(at - expected[(pk, version)])
                seen.add((pk, version))
            saw_gap |= version > last.get(pk, 0) + 1
            last[pk] = max(last.get(pk, 0), version)
            view[pk] = max(view.get(pk, 0), version)
        lost.append(len(set(expected) - seen))
        gaps += saw_gap
        stale_before += view != truth
        stale_after += resynced != truth
    clients = len(raw["received"])
    return {
        "clients": clients,
        "events": len(expected),
        "achieved_rate": raw["achieved_rate"],
        "skipped": raw["skipped"],
        "dropped": len(raw["dropped"]),
        "dropped_why": sorted(set(raw["dropped"]))[:3],
        "resync_failed": len(raw["resync_errors"]),
        "resync_why": sorted(set(raw["resync_errors"]))[:2],
        "connect_s": raw["connect_s"],
        "resync_s": raw["resync_s"],
        **{k: v * 1000 for k, v in percentiles(latencies).items()},
        "lost_total": sum(lost),
        "lost_max": max(lost),
        "clients_with_loss": sum(1 for n in lost if n),
        "clients_with_gap": gaps,
        "stale_before": stale_before,
        "stale_after": stale_after,
    }


def measure_push(args, repo: Path) -> dict:
    from django.db import connection

    ids, cookie = live_setup()
    connection.close()  # the server writes from now on; keep no connection open here
    layers = [name.strip() for name in args.layers.split(",") if name.strip()]
    client_counts = [int(n) for n in args.clients.split(",")]
    rates = [float(n) for n in args.rates.split(",")]
    redis_process, redis_url = None, args.redis_url
    if "redis" in layers and not redis_url:
        redis_process, redis_url = start_redis()
    results = []
    try:
        for layer in layers:
            process, port, logfile = start_daphne(repo, redis_url if layer == "redis" else "")
            try:
                for clients in client_counts:
                    for rate in rates:
                        print(f"  {layer}: {clients} clients at {rate:g}/s", file=sys.stderr)
                        start = state(ids)
                        before = {pk: version for pk, (version, _) in start.items()}
                        connection.close()
                        raw = asyncio.run(
                            run_case(port, cookie, start, clients, rate, args.seconds)
                        )
                        summary = summarise(raw, before, ids)
                        connection.close()
                        results.append({"layer": layer, "rate": rate, **summary})
            finally:
                stop(process)
                if any(r["dropped"] or r["resync_failed"] for r in results if r["layer"] == layer):
                    errors = [ln for ln in logfile.read_text().splitlines() if "Error" in ln]
                    print(f"daphne ({layer}) errors, last lines:", file=sys.stderr)
                    print("\n".join(errors[-8:]), file=sys.stderr)
                logfile.unlink(missing_ok=True)
    finally:
        if redis_process:
            stop(redis_process)
    return {
        "seconds": args.seconds,
        "intakes": len(ids),
        "runs": results,
        "conn_max_age": "settings (DB_CONN_MAX_AGE, default 0)",
    }


def print_push(push: dict) -> None:
    print(
        f"\n(b) push from the write to each socket client: {push['seconds']:g} s of claims and "
        f"give-backs over {push['intakes']} intakes per run (ms); daphne's CONN_MAX_AGE: "
        f"{push['conn_max_age']}"
    )
    print(
        f"    {'layer':<7}{'clients':>8}{'asked/s':>8}{'got/s':>7}{'events':>7}"
        f"{'p50':>8}{'p95':>8}{'max':>8}"
        f"{'lost':>7}{'lost/cl':>8}{'gap':>5}{'stale':>6}{'after resync':>13}{'closed':>7}"
    )
    for r in push["runs"]:
        print(
            f"    {r['layer']:<7}{r['clients']:>8}{r['rate']:>8g}{r['achieved_rate']:>7.1f}"
            f"{r['events']:>7}"
            f"{r['p50']:>8.1f}{r['p95']:>8.1f}{r['max']:>8.1f}{r['lost_total']:>7}"
            f"{r['lost_max']:>8}{r['clients_with_gap']:>5}{r['stale_before']:>6}"
            f"{r['stale_after']:>13}{r['dropped']:>7}"
        )
        for why in r["dropped_why"]:
            print(f"      closed by the server: {why}")
        if r["resync_failed"]:
            print(f"      {r['resync_failed']} resync fetches failed: {r['resync_why']}")
    print(
        "    got/s: events published per second (asked: the nominal rate)\n"
        "    lost: events all clients missed in total; lost/cl: the most one client missed\n"
        "    gap: clients that saw a version jump (queue.js would re-fetch the rows)\n"
        "    stale: clients whose queue differed from the database at the end; after resync:\n"
        "    the same once each client fetched the rows over HTTP, as queue.js does\n"
        "    closed: sockets the server closed during the run (queue.js reconnects and re-fetches)"
    )

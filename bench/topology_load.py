"""One run of bench/topology.py against a started topology: the screens (in generator
processes of their own, bench/topology_screens.py), the teachers, the incident and the Redis
outage, on one timeline (seconds from the first submission):

    0 ............ load ............ load+outage ........ load+outage+after, then drain
    district concerns at --rate/s the whole time (through the outage too)
          [burst_at, burst_at+burst): --urgent-rate/s URGENT concerns at the incident school
                   Redis killed at `load`, restarted on the same port `outage` s later

Teachers arrive as a Poisson process (a district's teachers do not wait for each other);
each submission is a browser tab: GET the form for its CSRF token, POST it (the form's
redirect is not followed). At most --inflight submissions are open at once, so an
overloaded server slows the generator down instead of piling up connections without
bound; time spent waiting for a slot is reported.

The server processes' CPU is read from /proc at the first submission and after the drain;
the generator's own CPU over the same window is read too."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import threading
import time

import live_servers as live
from load_people import Stats, log, submit
from topology_screens import screens_process
from topology_servers import cpu_ms, pg_active_ms, pg_share

NARRATIVE = "Seemed withdrawn in class and did not eat lunch."


def start_generators(seeded: dict, port: int, cfg, cap: float) -> list[tuple]:
    """The screens, dealt round-robin to --generators processes (forked: they need no
    Django), so that one process's event loop does not hold back every screen."""
    pairs = [(school["id"], cookie) for school in seeded["schools"] for cookie in school["screens"]]
    specs = [(index, school, cookie) for index, (school, cookie) in enumerate(pairs)]
    context = multiprocessing.get_context("fork")
    generators = []
    for n in range(cfg.generators):
        parent, child = context.Pipe()
        mine = specs[n :: cfg.generators]
        process = context.Process(
            target=screens_process, args=(child, mine, port, cfg.seed + n, cap), daemon=True
        )
        process.start()
        generators.append((process, parent, len(mine)))
    return generators


class Generators:
    """The parent's view of the generator processes: their latest status, then results.
    Each pipe is read by a thread of its own (blocking reads: see topology_screens)."""

    def __init__(self, generators: list[tuple]):
        self.generators = generators
        self.status = [(0, 0.0, 0.0)] * len(generators)  # open screens, last hold, CPU s
        self.done: list = [None] * len(generators)
        for n, (_, conn, _) in enumerate(generators):
            threading.Thread(target=self._read, args=(n, conn), daemon=True).start()

    def _read(self, n: int, conn) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):  # the process died: its screens are missing
                return
            if message[0] == "status":
                self.status[n] = message[1:]
            else:
                self.done[n] = message[1:]
                return

    def screens(self) -> int:
        return sum(count for _, _, count in self.generators)

    def open(self) -> int:
        return sum(status[0] for status in self.status)

    def last_held(self) -> float:
        return max(status[1] for status in self.status)

    def cpu_s(self) -> float:
        return sum(status[2] for status in self.status)

    async def stop(self) -> tuple[list[dict], float, list[float]]:
        for _, conn, _ in self.generators:
            conn.send("stop")
        deadline = time.monotonic() + 120
        while None in self.done and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        screens, cpu, lags = [], 0.0, []
        for result in self.done:
            if result:
                screens += result[0]
                cpu += result[1]
                lags += result[2]
        for process, _, _ in self.generators:
            process.join(10)
        return screens, cpu, lags


def concern_form(rng: random.Random, seeded: dict, school: dict, urgent: bool) -> list:
    form = [
        ("student", rng.choice(school["students"])),
        ("categories", rng.choice(seeded["categories"])),
        ("severity", "high" if urgent else rng.choice(["low", "moderate"])),
        ("narrative", NARRATIVE),
        ("observed_on", seeded["today"]),
        ("observed_place", "Classroom"),
    ]
    if urgent:
        form.append(("immediate_risk", "on"))  # urgent, whatever the category
    return form


async def arrivals(rate, start, end, pick, port, stats, slots, tasks, rng, kind) -> None:
    """Submissions arriving at `rate` per second (Poisson) between loop times start, end."""
    loop = asyncio.get_running_loop()
    at = start + rng.expovariate(rate)
    while at < end:
        await asyncio.sleep(max(0.0, at - loop.time()))
        school, form = pick()
        cookie = rng.choice(school["teachers"])
        tasks.append(asyncio.create_task(one(port, stats, slots, kind, cookie, form, school)))
        at += rng.expovariate(rate)


async def one(port, stats: Stats, slots: asyncio.Semaphore, kind, cookie, form, school) -> None:
    arrived = time.time()
    async with slots:
        began = time.time()
        index = len(stats.posts)  # submit() records itself before its first await
        cookies = {"sessionid": cookie}  # a tab of its own: its own CSRF cookie
        await submit(port, stats, kind, cookies, "/concerns/new/", form, "/concerns/")
        stats.posts[index]["queued"] = began - arrived
        stats.posts[index]["school"] = school["id"]


async def outage(cfg, redis: dict, fault: dict, roots_cpu: dict) -> None:
    """Kill the private Redis at `load`, start it again on the same port `outage` s later.
    The killed process's CPU is read just before the kill: it cannot be read after."""
    await asyncio.sleep(cfg.load)
    roots_cpu["redis_killed"] = cpu_ms({"redis": redis["process"].pid})["redis"]
    fault["killed"] = time.time()
    redis["process"].kill()
    redis["process"].wait()
    log(f"  redis-server killed at {cfg.load:g} s")
    await asyncio.sleep(cfg.outage)
    redis["process"], _ = await asyncio.to_thread(live.start_redis, redis["port"])
    fault["restored"] = time.time()
    roots_cpu["redis_restarted"] = cpu_ms({"redis": redis["process"].pid})["redis"]
    log("  redis-server back on the same port")


async def drive(cfg, seeded, port: int, redis: dict, roots: dict, generators, database) -> dict:
    gens = Generators(generators)
    started = time.monotonic()
    while gens.open() < gens.screens() and time.monotonic() - started < cfg.open_timeout:
        await asyncio.sleep(0.5)
    open_s = time.monotonic() - started
    log(
        f"  {gens.open()}/{gens.screens()} screens open in {open_s:.1f} s; "
        f"submitting for {cfg.load + cfg.outage + cfg.after:g} s"
    )
    await asyncio.sleep(cfg.settle)  # the page loads' own requests finish first

    stats, fault, redis_cpu, tasks = Stats(), {}, {}, []
    slots = asyncio.Semaphore(cfg.inflight)
    rng = random.Random(cfg.seed)
    schools = seeded["schools"]
    incident = next(s for s in schools if s["id"] == seeded["incident"])
    pg_before = await asyncio.to_thread(pg_active_ms, database)
    cpu_before = cpu_ms({**roots, "redis": redis["process"].pid})
    own_before, gen_before = sum(os.times()[:2]), gens.cpu_s()
    t0 = time.time()
    loop = asyncio.get_running_loop()
    now = loop.time()
    end = now + cfg.load + cfg.outage + cfg.after

    def district():
        school = rng.choice(schools)
        return school, concern_form(rng, seeded, school, urgent=False)

    def urgent():
        return incident, concern_form(rng, seeded, incident, urgent=True)

    burst = (now + cfg.burst_at, now + cfg.burst_at + cfg.burst)
    await asyncio.gather(
        arrivals(cfg.rate, now, end, district, port, stats, slots, tasks, rng, "concern"),
        arrivals(cfg.urgent_rate, *burst, urgent, port, stats, slots, tasks, rng, "urgent"),
        outage(cfg, redis, fault, redis_cpu),
    )
    submit_s = time.time() - t0
    _, pending = await asyncio.wait(tasks, timeout=cfg.drain) if tasks else (None, [])
    for task in pending:
        task.cancel()
    drain = time.monotonic()
    while time.monotonic() - drain < cfg.drain:
        quiet = time.time() - gens.last_held() > 3.0
        if quiet and gens.open() >= gens.screens():
            break
        await asyncio.sleep(0.25)
    drained_s = time.time() - t0
    cpu_after = cpu_ms({**roots, "redis": redis["process"].pid})
    pg_after = await asyncio.to_thread(pg_active_ms, database)
    own_cpu, gen_cpu = sum(os.times()[:2]) - own_before, gens.cpu_s() - gen_before
    screens, _, lags = await gens.stop()
    server_cpu = {name: cpu_after[name] - cpu_before[name] for name in roots}
    # The postmaster's tree serves every database on the server: the run is charged its
    # database's share of the statement time (other users of PostgreSQL are left out).
    share = pg_share(pg_before, pg_after, database.rsplit("/", 1)[1])
    postgres_cluster = server_cpu["postgres"]
    server_cpu["postgres"] *= share
    # The Redis that was killed, then the one started in its place.
    server_cpu["redis"] = (redis_cpu["redis_killed"] - cpu_before["redis"]) + (
        cpu_after["redis"] - redis_cpu["redis_restarted"]
    )
    return {
        "t0": t0,
        "open_s": open_s,
        "submit_s": submit_s,
        "window_s": drained_s,
        "fault": fault,
        "posts": stats.posts,
        "arrivals": len(tasks),  # submissions due; the cancelled ones never started
        "screens": screens,
        "server_cpu_ms": server_cpu,
        "postgres": {"cluster_ms": postgres_cluster, "share": share},
        "generator_cpu_ms": {"submitters": own_cpu * 1000, "screens": gen_cpu * 1000},
        "loop_lag": lags,
    }

"""Load bench of the production topology, started from the deploy/ files on loopback.

For each tree under test (this checkout, "new", and a git worktree of --baseline, "old"):
nginx with deploy/nginx/schoolwell.conf rendered by deploy/render.py, gunicorn with
deploy/gunicorn.conf.py, two socket processes (schoolwell-sockets@.service) and one task
worker (schoolwell-tasks.service), each with its unit's ExecStart, settings from
deploy/schoolwell.env.example; on a throwaway PostgreSQL database (created, migrated,
seeded, dropped) and a private redis-server on a free loopback port.

The load (all flags scale it): a district of --schools schools with --screens-per-school
queue screens each, plus --incident-screens more at the incident school (one of the
district's schools: it has 8 + 100 = 108 screens by default); teachers submitting --rate
concerns/s across the district through the real form over nginx, while for --burst s
--urgent-rate URGENT concerns/s arrive at the incident school; then Redis is killed for
--outage s, restarted on the same port, and submitting goes on for --after s.
Screens behave as static/schoolwell/queue.js does and speak both socket protocols
(bench/topology_screens.py). Figures and targets: bench/topology_figures.py.

    .venv/bin/python bench/topology.py --short              # smoke run, both trees
    .venv/bin/python bench/topology.py --only old           # the full load, baseline only
    .venv/bin/python bench/topology.py --vs-uvicorn         # this tree: daphne, then uvicorn

Each tree gets its own throwaway database (created, migrated, seeded just before its run,
dropped after) and its own private Redis. Loopback only, bounded in count and time. Exit 1
when the new tree misses a target (the old tree is the comparison: its misses are shown).
SIGTERM and Ctrl-C stop the servers, drop the databases and remove the worktree too."""

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
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import live_servers as live  # noqa: E402
import topology_servers as topo  # noqa: E402
from load_people import log  # noqa: E402
from topology_figures import report, summarise  # noqa: E402
from topology_load import drive, start_generators  # noqa: E402
from topology_screens import retry_cap  # noqa: E402

REPO = BENCH.parent
PG = "postgres://postgres@127.0.0.1:5432/"
SEED = str(BENCH / "topology_seed.py")
SHORT = dict(
    schools=4,
    screens_per_school=2,
    incident_screens=10,
    teachers=2,
    incident_teachers=4,
    students=10,
    rate=5.0,
    urgent_rate=4.0,
    load=8.0,
    burst_at=3.0,
    burst=3.0,
    after=20.0,
    generators=1,
)
SIZES = ["schools", "screens_per_school", "incident_screens", "teachers"]
SIZES += ["incident_teachers", "students"]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--short", action="store_true", help="a smoke run: 4 schools, 18 screens, 38 s")
    add("--baseline", default="65923e1", help="the old tree: a git ref of this repository")
    add("--only", choices=["new", "old"], help="run one tree only")
    add(
        "--vs-uvicorn",
        action="store_true",
        help="instead of the old tree, this tree again with uvicorn as the socket server",
    )
    add("--schools", type=int, default=50)
    add("--screens-per-school", type=int, default=8)
    add("--incident-screens", type=int, default=100)
    add("--teachers", type=int, default=5, help="per school (no per-teacher limit exists)")
    add("--incident-teachers", type=int, default=20)
    add("--students", type=int, default=40, help="per school")
    add("--rate", type=float, default=50.0, help="district concerns per second")
    add("--urgent-rate", type=float, default=20.0, help="urgent concerns/s in the burst")
    add("--load", type=float, default=60.0, help="seconds before Redis is killed")
    add("--burst-at", type=float, default=25.0, help="when the incident burst starts (s)")
    add("--burst", type=float, default=10.0, help="how long it lasts (s)")
    add("--outage", type=float, default=10.0, help="seconds Redis stays down")
    add("--after", type=float, default=30.0, help="seconds of submitting after Redis is back")
    add("--drain", type=float, default=60.0, help="longest wait for screens to go quiet")
    add("--settle", type=float, default=5.0, help="pause between screens open and load")
    add("--open-timeout", type=float, default=600.0)
    add("--inflight", type=int, default=200, help="most submissions open at once")
    add("--generators", type=int, default=2, help="processes holding the screens")
    add("--nginx-workers", default="auto", help="Debian's nginx.conf: auto")
    add("--nginx-connections", type=int, default=768, help="Debian's nginx.conf: 768")
    add("--seed", type=int, default=7)
    add("--json", default="", help="also write every run's figures to this file")
    add("--keep", action="store_true", help="keep the servers' logs (the folder is printed)")
    cfg = parser.parse_args()
    if cfg.short:
        for name, value in SHORT.items():
            setattr(cfg, name, value)
    return cfg


def psql(sql: str) -> None:
    args = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"]
    subprocess.run([*args, "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def run_in(tree: Path, args: list[str], env: dict, what: str) -> None:
    done = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def baseline_tree(ref: str, tmp: Path) -> Path:
    """A detached worktree of `ref` (removed again by main), with shared/ beside it, as
    /work/main has /work/shared. The servers run on this checkout's venv."""
    tree = tmp / "main"
    tmp.mkdir(parents=True, exist_ok=True)
    add = ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), ref]
    subprocess.run(add, check=True, capture_output=True)
    shared = REPO.parent / "shared"
    if shared.exists():
        (tmp / "shared").symlink_to(shared)
    return tree


def log_problems(folder: Path) -> str:
    """What the servers' own logs say went wrong: 5xx answers in gunicorn's access log,
    tracebacks anywhere, nginx's alerts (worker_connections running out among them)."""
    text = {p.stem: p.read_text(errors="replace") for p in folder.glob("*.log")}
    fives = len(re.findall(r'" 5\d\d ', text.get("gunicorn", "")))
    tracebacks = sum(t.count("Traceback") for t in text.values())
    alerts = len(re.findall(r"\[(alert|crit|emerg)\]", text.get("nginx-error", "")))
    short = len(re.findall(r"worker_connections are not enough", text.get("nginx-error", "")))
    return (
        f"{fives} / {tracebacks} (the outage's included) / {alerts} "
        f"({short} x worker_connections are not enough)"
    )


def run_side(cfg, side: str, tree: Path, folder: Path, secret: str) -> dict:
    """One tree: its database and Redis, migrate, collectstatic, seed, the topology, the
    load, the truth from the database, the figures; everything stopped and dropped after."""
    folder.mkdir(parents=True)
    database = f"topology_{os.getpid()}_{side}"
    redis, servers, generators = {}, None, []
    psql(f"CREATE DATABASE {database}")
    try:
        redis["process"], redis_url = live.start_redis()
        redis["port"] = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        ports = {name: topo.free_port() for name in ("site", "web", "asgi_1", "asgi_2")}
        changed = topo.overrides(
            site_port=ports["site"],
            secret=secret,
            database=PG + database,
            redis=redis_url,
            data_dir=folder / "data",
            static_root=folder / "static",
        )
        env = topo.environment(tree, changed)
        log(f"{side}: migrating, collecting static files and seeding ({tree})")
        python = topo.PYTHON
        run_in(tree, [python, "manage.py", "migrate", "-v0"], env, "migrate")
        collect = [python, "manage.py", "collectstatic", "--noinput", "-v0"]
        run_in(tree, collect, env, "collectstatic")
        seed_file = folder / "seed.json"
        sizes = [f"--{n.replace('_', '-')}={getattr(cfg, n)}" for n in SIZES]
        seed = [python, SEED, "seed", f"--tree={tree}", f"--out={seed_file}", *sizes]
        run_in(tree, seed, env, "seeding")
        seeded = json.loads(seed_file.read_text())

        sockets = "uvicorn" if side == "uvicorn" else "daphne"
        log(f"{side}: starting nginx, gunicorn, 2 x {sockets}, the task worker")
        servers = topo.start_topology(tree, folder, env, ports, cfg, sockets)
        roots = {name: p.pid for name, p in servers.running.items()}
        roots["postgres"] = topo.postmaster_pid(PG + database)
        generators = start_generators(seeded, ports["site"], cfg, retry_cap(tree))
        raw = asyncio.run(
            drive(cfg, seeded, ports["site"], redis, roots, generators, PG + database)
        )
        dead = [n for n, p in servers.running.items() if p.poll() is not None]
        keys = folder / "keys.txt"
        keys.write_text("\n".join(p["key"] for p in raw["posts"] if p.get("outcome") == "ok"))
        truth_file = folder / "truth.json"
        truth = [python, SEED, "truth", f"--tree={tree}", f"--out={truth_file}"]
        truth += [f"--seeded={seed_file}", f"--since={raw['t0']}", f"--keys={keys}"]
        run_in(tree, truth, env, "reading the truth")
        screens = [{**s, "held": [[*k, v] for k, v in s["held"].items()]} for s in raw["screens"]]
        (folder / "raw.json").write_text(json.dumps({**raw, "screens": screens}, default=str))
        cfg.side = side
        result = summarise(cfg, seeded, raw, json.loads(truth_file.read_text()))
        result["server_log"] = log_problems(folder) + (f"; EXITED: {dead}" if dead else "")
        return result
    finally:
        for process, _, _ in generators:
            if process.is_alive():
                process.kill()
        if servers:
            servers.stop()
        if redis.get("process"):
            live.stop(redis["process"])
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def ratios(new: dict, old: dict, title: str) -> None:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "n/a"

    print(f"\n== {title} ==")
    rows = [
        ("push p95 (all schools, before the outage)", new["push"]["p95"], old["push"]["p95"]),
        ("push p50", new["push"]["p50"], old["push"]["p50"]),
        ("incident school push p95", new["push_incident"]["p95"], old["push_incident"]["p95"]),
        ("worst school push p95", new["push_worst_p95"], old["push_worst_p95"]),
        ("server CPU ms per delivered event", new["cpu_ms_per_event"], old["cpu_ms_per_event"]),
        ("server CPU ms (window)", new["server_cpu_total_ms"], old["server_cpu_total_ms"]),
        ("caught up after Redis returned, max s", new["catch_up_max_s"], old["catch_up_max_s"]),
    ]
    for label, a, b in rows:
        print(f"  {label:<46}{ratio(a, b):>8}   ({a:.1f} / {b:.1f})")
    print(f"  {'lost (screen, intake) pairs':<46}{new['lost_pairs']} vs {old['lost_pairs']}")
    print(f"  {'lost submissions':<46}{new['sub_unsaved']} vs {old['sub_unsaved']}")


def main() -> None:
    cfg = options()
    # systemd and timeout(1) stop with SIGTERM: clean up as for Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("command:", " ".join([".venv/bin/python", "bench/topology.py", *sys.argv[1:]]))
    other = "uvicorn" if cfg.vs_uvicorn else "old"
    sides = [s for s in ("new", other) if cfg.only in (None, s)]
    screens = cfg.schools * cfg.screens_per_school + cfg.incident_screens
    print(
        f"load: {cfg.schools} schools, {screens} screens (the incident school "
        f"{cfg.screens_per_school + cfg.incident_screens}), {cfg.rate:g} concerns/s for "
        f"{cfg.load + cfg.outage + cfg.after:g} s, {cfg.urgent_rate:g} urgent/s for "
        f"{cfg.burst:g} s at {cfg.burst_at:g} s, Redis down {cfg.outage:g} s at "
        f"{cfg.load:g} s; {cfg.generators} screen generator process(es); nginx "
        f"worker_processes {cfg.nginx_workers}, worker_connections {cfg.nginx_connections}"
    )
    print(
        "settings: deploy/schoolwell.env.example, changed for loopback: ALLOWED_HOSTS, "
        "SITE_URL, HTTPS=false, CSRF_TRUSTED_ORIGINS (nginx's $host drops the port), "
        "SECRET_KEY, DATABASE_URL, REDIS_URL, EMAIL_HOST empty, DATA_DIR, STATIC_ROOT"
    )
    tmp = Path(tempfile.mkdtemp(prefix="topology-"))
    worktree = tmp / "baseline" / "main"
    secret, started = secrets.token_urlsafe(50), time.perf_counter()
    results, missed = {}, {}
    try:
        for side in sides:
            tree = REPO if side != "old" else baseline_tree(cfg.baseline, worktree.parent)
            results[side] = run_side(cfg, side, tree, tmp / side, secret)
            missed[side] = report(results[side])
        if len(results) == 2:
            ratios(results[sides[0]], results[sides[1]], f"{sides[0]}/{sides[1]}")
    finally:
        if worktree.exists():
            remove = ["git", "-C", str(REPO), "worktree", "remove", "--force", str(worktree)]
            subprocess.run(remove, capture_output=True)
        if cfg.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if cfg.json:
        Path(cfg.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s")
    sys.exit(1 if missed.get("new") else 0)


if __name__ == "__main__":
    main()

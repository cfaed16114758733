"""Time the concern write path and the reporter's student search, each against a floor.

(a) `concerns.services.concern_create` (concern, categories, intake, chronology line and the
    queue event published on commit to the in-memory channel layer), one transaction per
    concern, against a bare `Concern.objects.create()` + `.categories.set()` in its own
    transaction: the floor no service can beat. The two run in alternating blocks so machine
    drift hits both alike.
(b) `concerns.selectors.student_search` over a school of 60,000 enrolled students, for 200
    queries a teacher would type (name fragments, SIS id fragments, "first last"), against a
    bare `Student.objects.filter(legal_last_name__icontains=q)[:10]` for the same query.

Every figure is printed next to its same-run baseline, as a ratio; nothing is asserted.

    .venv/bin/python bench/concerns.py                      # SQLite, then PostgreSQL
    .venv/bin/python bench/concerns.py --database sqlite --students 60000 --concerns 300

Each database runs in a child process of this script (Django settings load once per
process): SQLite as a fresh file in a temporary folder, PostgreSQL as a throwaway database
`schoolwell_bench_concerns` on postgres@127.0.0.1:5432 (trust auth), dropped afterwards.
The teacher's memberships are read once and stay cached on the user, as they are for a
request once the middleware has run; the search time is the selector's own.

The school and its search queries are in bench/concerns_school.py, the two timings in
bench/concerns_timing.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's `queue` (which concurrent.futures
# imports) while this folder is first on sys.path: move the folder to the end.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from concerns_school import SEARCHES, build_school  # noqa: E402
from concerns_timing import measure_creates, measure_search  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER, PG_DB = "127.0.0.1", "postgres", "schoolwell_bench_concerns"


# --- parent: one child per database, then the combined table ---------------------------------


def run_child(database: str, args: argparse.Namespace, tmp: Path) -> dict:
    env = {**os.environ, "DATA_DIR": str(tmp / database), "PYTHONUNBUFFERED": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    if database == "postgres":
        pg = ["-h", PG_HOST, "-U", PG_USER]
        subprocess.run(["dropdb", *pg, "--if-exists", PG_DB], check=True, capture_output=True)
        subprocess.run(["createdb", *pg, PG_DB], check=True)
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{PG_DB}"
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    command = [
        sys.executable,
        __file__,
        "--one",
        database,
        "--students",
        str(args.students),
        "--concerns",
        str(args.concerns),
        "--seed",
        str(args.seed),
    ]
    try:
        done = subprocess.run(
            command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True, timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"{database} run stopped after {args.timeout} s (--timeout)")
    finally:
        if database == "postgres":
            subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", PG_DB])
    if done.returncode != 0:
        sys.exit(f"{database} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def print_table(r: dict) -> None:
    c, s = r["create"], r["search"]
    print(f"\n== {r['label']} ==")
    print(
        f"data: {r['students']:,} students enrolled at one school, generated in "
        f"{r['setup_s']:.1f} s (migrate {r['migrate_s']:.1f} s)"
    )
    print(f"\n(a) create a concern, {c['n']} of each, one transaction each (ms per create)")
    print(f"    {'':<44}{'median':>8} {'p95':>8} {'max':>8}  SQL")
    for key, label in (
        ("service", "concern_create (intake, chronology, event)"),
        ("floor", "bare Concern.objects.create + categories.set"),
    ):
        row = c[key]
        print(
            f"    {label:<44}{ms(row['p50'])} {ms(row['p95'])} {ms(row['max'])}"
            f"  {row['queries']:>3}"
        )
    print(
        f"    ratio service / floor: median {c['service']['p50'] / c['floor']['p50']:.2f}x, "
        f"p95 {c['service']['p95'] / c['floor']['p95']:.2f}x"
    )
    print(f"\n(b) student search, {s['n']} queries over {r['students']:,} students (ms per search)")
    print(f"    {'':<44}{'p50':>8} {'p95':>8} {'max':>8}  hits")
    for key, label in (
        ("service", "student_search (selector)"),
        ("floor", "bare legal_last_name__icontains [:10]"),
    ):
        row = s[key]
        print(
            f"    {label:<44}{ms(row['p50'])} {ms(row['p95'])} {ms(row['max'])}"
            f"  {row['with_hits']}/{s['n']}"
        )
    print(
        f"    ratio selector / bare: p50 {s['service']['p50'] / s['floor']['p50']:.2f}x, "
        f"p95 {s['service']['p95'] / s['floor']['p95']:.2f}x"
    )
    for kind, row in s["by_kind"].items():
        print(
            f"      selector, {kind:<34}{ms(row['p50'])} {ms(row['p95'])} {ms(row['max'])}"
            f"  n={row['n']}"
        )


def parent(args: argparse.Namespace) -> None:
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(
        "command:", " ".join([".venv/bin/python", "bench/concerns.py", *sys.argv[1:]]), flush=True
    )
    load_before = os.getloadavg()[0]  # other work on the machine widens every p95
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="concerns-bench-"))
    results = []
    try:
        for database in databases:
            results.append(run_child(database, args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for result in results:
        print_table(result)
    if len(results) > 1:
        print("\n== summary (ratios against the same-run floor) ==")
        print(f"    {'':<12}{'create median':>14}{'search p50':>12}{'search p95':>12}")
        for r in results:
            c, s = r["create"], r["search"]
            print(
                f"    {r['label'].split()[0]:<12}"
                f"{c['service']['p50'] / c['floor']['p50']:>13.2f}x"
                f"{s['service']['p50'] / s['floor']['p50']:>11.2f}x"
                f"{s['service']['p95'] / s['floor']['p95']:>11.2f}x"
            )
    print(
        f"\ntotal wall time {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs)"
    )


# --- child: one database, settings loaded once ------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    rng = random.Random(args.seed)
    started = time.perf_counter()
    log(f"[{args.one}] migrating")
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started

    started = time.perf_counter()
    log(f"[{args.one}] generating {args.students:,} students")
    school, teacher, student_ids, people = build_school(args.students, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh tables: give the planner real statistics
    setup_s = time.perf_counter() - started

    log(f"[{args.one}] timing {args.concerns} creates of each kind")
    create = measure_creates(school, teacher, student_ids, args.concerns, rng)
    log(f"[{args.one}] timing {SEARCHES} searches")
    search = measure_search(teacher, people, rng)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            label = f"PostgreSQL {cursor.fetchone()[0]} (127.0.0.1, throwaway database)"
    else:
        import sqlite3

        label = f"SQLite {sqlite3.sqlite_version} (fresh file, default journal)"
    connection.close()
    result = {
        "label": label,
        "students": args.students,
        "migrate_s": migrate_s,
        "setup_s": setup_s,
        "create": create,
        "search": search,
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--students", type=int, default=60_000)
    parser.add_argument("--concerns", type=int, default=300, help="creates of each kind")
    parser.add_argument("--seed", type=int, default=20250918)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per database")
    parser.add_argument("--one", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()

"""Time the directory search: need + language + distance over 5,000 resources.

`community_links.selectors.directory.directory_search` (filters, the nearest location's
haversine distance computed in SQL, the count, and the matched needs) for 200 searches a
team member would run, against a floor: a bare
`Resource.objects.filter(live=True, needs=need, language_codes__contains=code)[:50]` for the
same need and language (no distance, no count). Figures are p50/p95 in ms, with the ratio to
the floor; nothing is asserted.

    .venv/bin/python bench/directory.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/directory.py --sqlite        # SQLite only
    .venv/bin/python bench/directory.py --postgres      # PostgreSQL only

Each database runs in a child process: SQLite as a fresh file in a temporary folder,
PostgreSQL as a throwaway database `schoolwell_bench_directory` on postgres@127.0.0.1:5432
(trust auth), dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's queue module for the child's Django.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
PG_HOST, PG_USER, PG_DB = "127.0.0.1", "postgres", "schoolwell_bench_directory"
CENTRE = (38.58, -121.49)
LANGUAGES = ["en", "es", "vi", "zh", "ar", "so", "tl", "ru"]
SEARCHES, WARMUP = 200, 20


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def rank(p: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))] * 1000

    return {"p50": rank(0.50), "p95": rank(0.95)}


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from community_links.models import Location, Organization, Resource, ResourceLocation, Schedule
    from community_links.selectors.directory import Criteria, Origin, directory_search
    from schoolwell.models import Category

    rng = random.Random(2026)
    categories = list(Category.objects.all())
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Organisation {n}") for n in range(args.resources // 5)]
    )
    resources = Resource.objects.bulk_create(
        [
            Resource(
                organization=orgs[n % len(orgs)],
                name=f"Resource {n}",
                language_codes=","
                + ",".join(sorted({"en", *rng.sample(LANGUAGES, rng.randint(0, 3))}))
                + ",",
                minimum_age=rng.choice([None, 0, 5, 12]),
                maximum_age=rng.choice([None, 18, 120]),
            )
            for n in range(args.resources)
        ]
    )
    through = Resource.needs.through
    through.objects.bulk_create(
        [
            through(resource_id=r.pk, category_id=c.pk)
            for r in resources
            for c in rng.sample(categories, rng.randint(1, 3))
        ]
    )
    locations = Location.objects.bulk_create(
        [
            Location(
                name=f"Place {n}",
                latitude=CENTRE[0] + rng.uniform(-0.5, 0.5),
                longitude=CENTRE[1] + rng.uniform(-0.5, 0.5),
            )
            for n in range(args.resources)
        ]
    )
    ResourceLocation.objects.bulk_create(
        [
            ResourceLocation(resource=r, location=loc)
            for r, loc in zip(resources, locations, strict=True)
        ]
    )
    Schedule.objects.bulk_create(
        [Schedule(resource=r, freq="WEEKLY", byday="MO,TU,WE,TH,FR") for r in resources]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - started

    queries = [
        (
            rng.choice(categories),
            rng.choice(LANGUAGES[:4]),
            Origin(CENTRE[0] + rng.uniform(-0.2, 0.2), CENTRE[1] + rng.uniform(-0.2, 0.2), "here"),
            rng.choice([2, 5, 10, 20]),
        )
        for _ in range(SEARCHES + WARMUP)
    ]
    service, floor, hits = [], [], []
    for i, (need, code, origin, km) in enumerate(queries):
        t = time.perf_counter()
        matches, total = directory_search(
            Criteria(need=need, language=code, origin=origin, within_km=km)
        )
        s = time.perf_counter() - t
        t = time.perf_counter()
        list(
            Resource.objects.filter(
                live=True, needs=need, language_codes__contains=f",{code},"
            ).select_related("organization")[:50]
        )
        f = time.perf_counter() - t
        if i >= WARMUP:
            service.append(s)
            floor.append(f)
            hits.append(total)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "resources": args.resources,
                "setup_s": setup_s,
                "search": percentiles(service),
                "floor": percentiles(floor),
                "median_matches": sorted(hits)[len(hits) // 2],
            }
        )
    )


def run_child(database: str, args: argparse.Namespace, tmp: Path) -> dict:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    pg = ["-h", PG_HOST, "-U", PG_USER]
    if database == "postgres":
        subprocess.run(["dropdb", *pg, "--if-exists", PG_DB], check=True, capture_output=True)
        subprocess.run(["createdb", *pg, PG_DB], check=True)
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{PG_DB}"
    else:
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    command = [sys.executable, __file__, "--child", "--resources", str(args.resources)]
    try:
        done = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
    finally:
        if database == "postgres":
            subprocess.run(["dropdb", *pg, "--if-exists", PG_DB], capture_output=True)
    done.check_returncode()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite only")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    databases = (
        ["sqlite"] if args.sqlite else ["postgres"] if args.postgres else ["sqlite", "postgres"]
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    try:
        print(f"directory search over {args.resources} resources, {SEARCHES} searches")
        print("(need + language + distance; floor: need + language filter only)")
        head = f"{'database':<12}{'search p50':>12}{'p95':>9}{'floor p50':>11}{'p95':>9}"
        print(head + f"{'ratio p50':>11}")
        for database in databases:
            r = run_child(database, args, tmp)
            s, f = r["search"], r["floor"]
            print(
                f"{r['database']:<12}{s['p50']:>10.2f}ms{s['p95']:>7.2f}ms"
                f"{f['p50']:>9.2f}ms{f['p95']:>7.2f}ms{s['p50'] / f['p50']:>10.1f}x"
                f"   (median {r['median_matches']} matches; setup {r['setup_s']:.0f} s)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

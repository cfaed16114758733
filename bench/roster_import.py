"""Time `manage.py import_oneroster` on a 50,000-user OneRoster 1.2 bundle.

Generates the bundle (bench/oneroster_gen.py) into a temporary folder, migrates a fresh
database, runs the import in a subprocess and prints its wall time and peak RSS, next to the
time of a bare csv.DictReader pass over the same files measured in the same run (the floor
no importer can beat). Targets: under 60 s and 500 MB on a 2-core machine.

    .venv/bin/python bench/roster_import.py                 # fresh SQLite file
    .venv/bin/python bench/roster_import.py --again         # also time an unchanged re-import
    .venv/bin/python bench/roster_import.py --postgres      # a throwaway local PostgreSQL db
    DATABASE_URL=postgres://... .venv/bin/python bench/roster_import.py   # an existing db

--postgres creates `roster_bench_<pid>` on postgres@127.0.0.1:5432 (trust auth) and drops it
afterwards.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oneroster_gen import Shape, generate

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TIME = "/usr/bin/time"
PG_HOST, PG_USER = "127.0.0.1", "postgres"


def bare_parse(bundle: Path) -> float:
    """Seconds to read every CSV of the bundle with csv.DictReader and do nothing else."""
    started = time.perf_counter()
    for path in sorted(bundle.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for _row in csv.DictReader(handle):
                pass
    return time.perf_counter() - started


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in MB, its stdout)."""
    use_time = Path(TIME).exists()
    command = [TIME, "-v", *args] if use_time else args
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    if use_time:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak_kb = int(found.group(1)) if found else 0
    else:
        # The largest child so far: right as long as the import is the largest child.
        peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return wall, peak_kb // 1024, done.stdout


def database_env(tmp: Path, postgres: bool) -> tuple[dict[str, str], str | None]:
    env = {**os.environ, "DATA_DIR": str(tmp / "data"), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if postgres:
        name = f"roster_bench_{os.getpid()}"
        subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True)
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{name}"
        return env, name
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    return env, None


def report(label: str, wall: float, peak: int, floor: float) -> None:
    print(f"{label:<22} {wall:6.1f} s wall   {peak:5d} MB peak RSS")
    print(f"{'':<22} import / bare parse = {wall / floor:.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=Shape.users)
    parser.add_argument("--students", type=int, default=Shape.students)
    parser.add_argument("--teachers", type=int, default=Shape.teachers)
    parser.add_argument("--schools", type=int, default=Shape.schools)
    parser.add_argument("--again", action="store_true", help="also time a re-import")
    parser.add_argument("--postgres", action="store_true", help="use a throwaway local db")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    env, pg_name = database_env(tmp, args.postgres)
    try:
        bundle = tmp / "bundle"
        shape = Shape(args.users, args.students, args.teachers, args.schools)
        rows = generate(bundle, shape)
        size = sum(p.stat().st_size for p in bundle.glob("*.csv")) / 1024**2
        print(f"bundle: {shape.users} users, {sum(rows.values())} rows, {size:.0f} MB")
        print("database:", "PostgreSQL" if "DATABASE_URL" in env else "SQLite (fresh file)")
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=REPO, check=True)

        floor = bare_parse(bundle)
        print(f"bare csv.DictReader pass: {floor:.2f} s")
        import_command = [PYTHON, "manage.py", "import_oneroster", str(bundle)]
        wall, peak, out = run_measured(import_command, env)
        print("  " + out.strip().replace("\n", "\n  "))
        report("import (new rows)", wall, peak, floor)
        if args.again:
            wall, peak, _ = run_measured(import_command, env)
            report("re-import (no change)", wall, peak, floor)
    finally:
        if pg_name:
            subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, pg_name], check=False)
        if args.keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

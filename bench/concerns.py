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
import uuid
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_HOST, PG_USER, PG_DB = "127.0.0.1", "postgres", "schoolwell_bench_concerns"
BATCH = 5000
BLOCK = 10  # creates per alternating block
SEARCHES = 200
WARMUP = 20


def words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = words("""
Aaliyah Aarav Abigail Adrian Aiden Aisha Alejandro Alexander Alice Amara Amelia Ana Andre
Angel Anika Aria Arjun Ava Axel Ayaan Beatriz Benjamin Bianca Brandon Brianna Bryce Caleb
Camila Carlos Carmen Carter Chen Chloe Christopher Clara Daniel Dante David Deja Diego Dmitri
Eduardo Elena Eli Elijah Ella Emily Emma Esperanza Ethan Eva Ezra Fatima Felix Fernanda Finn
Gabriel Gabriela Grace Hana Hannah Harper Hassan Hector Henry Hugo Ibrahim Imani Isaac Isabella
Isla Ivan Jack Jada Jalen Jamal James Jasmine Javier Jayden Jin Jordan Jose Joseph Joshua Juan
Julia Kai Kayla Keisha Kenji Kevin Khadija Kofi Layla Leah Leila Leo Liam Lily Lucas Lucia Luis
Luna Madison Malik Maria Mariam Marcus Mason Mateo Maya Mei Mia Miguel Mohammed Naomi Nathan
Nia Noah Nora Olivia Omar Oscar Priya Rafael Ravi Rosa Ryan Samir Samuel Santiago Sara Sebastian
Sofia Sophia Tariq Thanh Theo Tomas Valentina Victoria William Xavier Yara Yusuf Zara Zoe
""")
LAST_NAMES = words("""
Abbott Adams Adeyemi Aguilar Ahmed Ali Allen Alvarez Anderson Baker Banerjee Barnes Bell
Bennett Brooks Brown Bui Butler Campbell Carter Castillo Castro Chang Chavez Chen Clark Cohen
Coleman Collins Cook Cooper Cruz Davis Diaz Dixon Do Edwards Evans Fernandez Fischer Flores
Foster Garcia Gomez Gonzalez Gordon Graham Gray Green Gupta Gutierrez Hall Harris Hayes
Hernandez Herrera Hill Ho Hoang Howard Hughes Huynh Ibrahim Jackson James Jenkins Jimenez
Johnson Jones Kaur Kelly Khan Kim Kowalski Kumar Le Lee Lewis Li Lin Liu Lopez Martin Martinez
Mendoza Meyer Miller Mitchell Moore Morales Morgan Morris Murphy Myers Nguyen Nelson Novak
Nwosu Obi Okafor Okonkwo Olsen Ortiz Owens Park Parker Patel Perez Perry Peterson Pham
Phillips Powell Price Ramirez Ramos Reed Reyes Richardson Rivera Roberts Robinson Rodriguez
Rogers Romero Ross Ruiz Russell Sanchez Sanders Santos Schmidt Scott Shah Silva Singh Smith
Stewart Sullivan Tanaka Taylor Thomas Thompson Torres Tran Turner Vargas Vasquez Vu Walker
Wang Ward Washington Watson White Williams Wilson Wong Wright Wu Yamamoto Yang Young Zhang Zhou
""")


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


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def rank(p: float) -> float:  # nearest rank
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]

    return {"p50": rank(0.50), "p95": rank(0.95), "max": ordered[-1]}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_school(n_students: int, rng: random.Random):
    from django.contrib.auth.hashers import make_password

    from schoolwell.models import District, Enrollment, Membership, Role, School, Student, User

    district = District.objects.create(sourced_id="bench-district", name="Bench District")
    school = School.objects.create(district=district, sourced_id="bench-school", name="Bench High")
    sis_ids = rng.sample(range(1_000_000, 9_999_999), n_students)
    grades = ["06", "07", "08", "09", "10", "11", "12"]
    people = []
    for i in range(0, n_students, BATCH):
        batch = []
        for n in range(i, min(i + BATCH, n_students)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if rng.random() < 0.08:  # double-barrelled surnames exist
                last = f"{last}-{rng.choice(LAST_NAMES)}"
            preferred = rng.choice(FIRST_NAMES) if rng.random() < 0.05 else ""
            batch.append(
                Student(
                    district=district,
                    sourced_id=f"bench-student-{n}",
                    sis_id=str(sis_ids[n]),
                    legal_first_name=first,
                    legal_last_name=last,
                    preferred_name=preferred,
                    date_of_birth=date(2008, 9, 1) + timedelta(days=rng.randrange(2500)),
                    grade=rng.choice(grades),
                )
            )
            people.append((first, last, str(sis_ids[n])))
        Student.objects.bulk_create(batch, batch_size=BATCH)
    student_ids = list(Student.objects.filter(district=district).values_list("id", flat=True))
    start = date(2025, 8, 18)
    for i in range(0, len(student_ids), BATCH):
        Enrollment.objects.bulk_create(
            [
                Enrollment(student_id=sid, school=school, start_date=start)
                for sid in student_ids[i : i + BATCH]
            ],
            batch_size=BATCH,
        )
    teacher = User.objects.create(
        username="teacher@bench.example",
        email="teacher@bench.example",
        first_name="Pat",
        last_name="Teacher",
        password=make_password(None),
    )
    Membership.objects.create(user=teacher, role=Role.TEACHER, school=school)
    return school, teacher, student_ids, people


def search_queries(people: list[tuple[str, str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query): what a teacher types, every query taken from a name or id that exists."""

    def fragment(word: str) -> str:
        word = word.split("-")[0]
        size = rng.randint(2, min(5, len(word)))
        at = 0 if rng.random() < 0.6 else rng.randrange(len(word) - size + 1)
        return word[at : at + size].lower()

    queries = []
    for i in range(SEARCHES + WARMUP):
        first, last, sis = rng.choice(people)
        roll = i % 10
        if roll < 6:
            queries.append(("name fragment (2-5 letters)", fragment(rng.choice([first, last]))))
        elif roll < 8:
            size = rng.randint(3, 6)
            at = rng.randrange(len(sis) - size + 1)
            queries.append(("SIS id fragment (3-6 digits)", sis[at : at + size]))
        else:
            queries.append(
                ('"first last"', f"{first.lower()} {last[: rng.randint(2, len(last))].lower()}")
            )
    return queries


def measure_creates(school, teacher, student_ids: list[int], n: int, rng: random.Random) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from concerns.models import Category, Concern
    from concerns.services import concern_create
    from schoolwell.models import Student

    # Not the always-urgent ones: their e-mail alert is a separate path, not this write.
    categories = list(Category.objects.filter(active=True, always_urgent=False))
    sample_ids = rng.sample(student_ids, min(len(student_ids), 2 * n + 4 * BLOCK))
    students = {s.pk: s for s in Student.objects.filter(pk__in=sample_ids)}
    severities = [c for c, _ in Concern.Severity.choices]
    narrative = (
        "Seemed withdrawn in class again today and did not eat at lunch. Said things at home "
        "are difficult at the moment and asked if they could stay in at break."
    )

    def inputs():
        return {
            "student": students[sample_ids.pop()],
            "categories": rng.sample(categories, rng.randint(1, 3)),
            "severity": rng.choice(severities),
            "observed_on": date.today() - timedelta(days=rng.randrange(5)),
        }

    def service(kw) -> float:
        key = uuid.uuid4()
        started = time.perf_counter()
        with transaction.atomic():
            concern_create(
                reporter=teacher,
                school=school,
                narrative=narrative,
                observed_place="Classroom",
                idempotency_key=key,
                **kw,
            )
        return time.perf_counter() - started

    def floor(kw) -> float:
        key = uuid.uuid4()
        started = time.perf_counter()
        with transaction.atomic():
            concern = Concern.objects.create(
                reporter=teacher,
                school=school,
                student=kw["student"],
                severity=kw["severity"],
                narrative=narrative,
                observed_on=kw["observed_on"],
                observed_place="Classroom",
                created_at=timezone.now(),
                idempotency_key=key,
            )
            concern.categories.set(kw["categories"])
        return time.perf_counter() - started

    for _ in range(BLOCK):  # warm-up: caches, prepared statements, imports
        service(inputs())
        floor(inputs())
    with CaptureQueriesContext(connection) as service_sql:
        service(inputs())
    with CaptureQueriesContext(connection) as floor_sql:
        floor(inputs())

    times = {"service": [], "floor": []}
    for block in range(-(-n // BLOCK)):
        order = [("service", service), ("floor", floor)]
        if block % 2:
            order.reverse()
        for name, run in order:
            for _ in range(BLOCK):
                times[name].append(run(inputs()))
    return {
        "n": len(times["service"]),
        "service": {**percentiles(times["service"]), "queries": len(service_sql)},
        "floor": {**percentiles(times["floor"]), "queries": len(floor_sql)},
    }


def measure_search(teacher, people, rng: random.Random) -> dict:
    from concerns.selectors import student_search
    from schoolwell.models import Student

    queries = search_queries(people, rng)
    for _, q in queries[:WARMUP]:
        student_search(user=teacher, query=q)
        list(Student.objects.filter(legal_last_name__icontains=q)[:10])
    queries = queries[WARMUP:]

    times: dict[str, list[float]] = {"service": [], "floor": []}
    hits = {"service": 0, "floor": 0}
    by_kind: dict[str, list[float]] = {}

    def service(q: str) -> list:
        return student_search(user=teacher, query=q)

    def floor(q: str) -> list:
        return list(Student.objects.filter(legal_last_name__icontains=q)[:10])

    for i, (kind, q) in enumerate(queries):
        order = [("service", service), ("floor", floor)]
        if i % 2:
            order.reverse()
        for name, run in order:
            started = time.perf_counter()
            found = run(q)
            times[name].append(time.perf_counter() - started)
            hits[name] += bool(found)
        by_kind.setdefault(kind, []).append(times["service"][-1])
    return {
        "n": len(queries),
        "service": {**percentiles(times["service"]), "with_hits": hits["service"]},
        "floor": {**percentiles(times["floor"]), "with_hits": hits["floor"]},
        "by_kind": {k: {**percentiles(v), "n": len(v)} for k, v in sorted(by_kind.items())},
    }


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

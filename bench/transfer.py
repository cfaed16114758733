"""Time one transfer packet end to end for a student with five years of history: build the
document from the record (500 chronology entries, a plan, notes the lead added), validate it
against the published schema, render the PDF, and sign + encrypt the file for another
district. Target (issue 7): under 2 s in all. Sizes of the JSON, the PDF and the sealed file
are printed too.

Same-run baseline: reading the same rows with bare `.values()` queries and `json.dumps` of
them (the floor any packet builder pays), printed as a ratio.

    .venv/bin/python bench/transfer.py                 # SQLite in a temporary folder
    .venv/bin/python bench/transfer.py --entries 500 --repeat 7

The database is a fresh SQLite file (migrated first, which takes a minute); nothing is
asserted.
"""

from __future__ import annotations

import sys

# Run as a script, this folder comes first on sys.path, where bench/queue.py would shadow the
# standard library's queue module.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings"
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_record(entries: int):
    from django.utils import timezone

    from schoolwell.models import (
        Category,
        District,
        Enrollment,
        Guardian,
        Membership,
        Role,
        School,
        Student,
        User,
    )
    from support_team.models import Case, Goal, Intervention, Note, TimelineEntry
    from support_team.transfers import keys

    district = District.objects.create(sourced_id="bench-a", name="Bench District A")
    other = District.objects.create(sourced_id="bench-b", name="Bench District B")
    school = School.objects.create(district=district, sourced_id="bench-s", name="Bench Middle")
    lead = User.objects.create(username="lead", email="lead@bench.example", first_name="Lee")
    Membership.objects.create(user=lead, role=Role.SAFEGUARDING_LEAD, school=school)
    student = Student.objects.create(
        district=district,
        sourced_id="bench-stu",
        sis_id="B1",
        legal_first_name="Zoë",
        legal_last_name="Ñúñez",
        date_of_birth=date(2011, 5, 6),
        grade="08",
        iep=True,
        mckinney_vento=True,
    )
    Enrollment.objects.create(student=student, school=school, start_date=date(2021, 8, 20))
    for n in range(4):
        Guardian.objects.create(
            sourced_id=f"g{n}",
            first_name=f"Guardian{n}",
            last_name="Ñúñez",
            phone="555-0100",
            do_not_contact=n == 3,
        ).students.add(student)
    now = timezone.now()
    case = Case.objects.create(
        school=school, student=student, lead=lead, tier=3, opened_at=now - timedelta(days=1800)
    )
    case.needs.set(Category.objects.all()[:4])
    for g in range(6):
        goal = Goal.objects.create(case=case, description=f"Goal {g}: attend and engage")
        for _ in range(3):
            Intervention.objects.create(
                goal=goal,
                kind="check_in",
                description="Morning check-in",
                owner=lead,
                start_date=date(2022, 1, 10),
                frequency="daily",
                review_date=date(2022, 3, 1),
                outcome_notes="What worked: a trusted adult at the door every morning. " * 3,
            )
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            student=student,
            school=school,
            at=now - timedelta(days=n * 3.6),
            source="concern",
            title=f"Concern logged ({n})",
            categories=",attendance,",
        )
        for n in range(entries)
    )
    notes = [
        Note.objects.create(
            case=case,
            level=("team", "health", "lead")[n % 3],
            author=lead,
            body="A considered note about the student's week. " * 8,
            written_at=now - timedelta(days=n * 40),
        )
        for n in range(30)
    ]
    keys.keypair_create(district=district)
    peer_pair = keys.keypair_create(district=other)
    return student, school, lead, notes, peer_pair


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        run(args.entries, args.repeat)


def run(entries: int, repeat: int) -> None:
    from schoolwell.models import Guardian
    from support_team.models import Goal, Intervention, Note, TimelineEntry
    from support_team.transfers import build, envelope, exchange, keys, schema
    from support_team.transfers.services import packet_draft, packet_include_notes

    student, school, lead, notes, peer_pair = make_record(entries)
    packet = packet_draft(student=student, school=school, by=lead)
    packet_include_notes(packet=packet, by=lead, notes=notes)
    packet.note_level = "lead"
    phases = {"build": [], "validate": [], "pdf": [], "sign+encrypt": [], "total": []}
    floor = []
    sizes = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        document = build.build_document(packet)
        document["approved"] = {
            "by": "Lee",
            "email": "lead@bench.example",
            "at": document["generated_at"],
        }
        t1 = time.perf_counter()
        schema.validate(document)
        t2 = time.perf_counter()
        pdf_bytes = exchange.sealed_pdf(document)
        t3 = time.perf_counter()
        packet.content = document
        payload = exchange.packet_file_from(document, pdf_bytes)
        sealed = envelope.seal(
            payload=payload,
            kind=envelope.KIND_PACKET,
            packet_schema=schema.SCHEMA_ID,
            sender={"district_id": "bench-a", "district_name": "Bench District A"},
            signing_key=keys.signing_key(keys.active_keypair(school.district_id)),
            recipient_public=peer_pair.encryption_public,
        )
        t4 = time.perf_counter()
        for name, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
            phases[name].append(value)
        sizes = {
            "json": len(json.dumps(document).encode()),
            "pdf": len(pdf_bytes),
            "sealed file": len(sealed),
        }
        f0 = time.perf_counter()
        rows = {
            "timeline": list(TimelineEntry.objects.filter(student=student).values()),
            "goals": list(Goal.objects.filter(case__student=student).values()),
            "interventions": list(
                Intervention.objects.filter(goal__case__student=student).values()
            ),
            "notes": list(Note.objects.filter(case__student=student).values()),
            "guardians": list(Guardian.objects.filter(students=student).values()),
        }
        json.dumps(rows, default=str)
        floor.append(time.perf_counter() - f0)
    print(
        f"Transfer packet, {entries} chronology entries, {len(notes)} notes added, "
        f"{repeat} runs (SQLite)"
    )
    for name, values in phases.items():
        print(
            f"  {name:13} median {statistics.median(values) * 1000:8.1f} ms   "
            f"max {max(values) * 1000:8.1f} ms"
        )
    total = statistics.median(phases["total"])
    base = statistics.median(floor)
    print(
        f"  baseline (bare .values() of the same rows + json.dumps): "
        f"{base * 1000:.1f} ms; packet / baseline = {total / base:.1f}x"
    )
    print("  sizes: " + ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sizes.items()))
    print(f"  target under 2 s: {'met' if total < 2 else 'NOT met'} ({total:.2f} s median)")


if __name__ == "__main__":
    main()

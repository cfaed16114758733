"""The district of bench/topology.py, written and read by the code of the tree under test.

Run as a script inside a tree (its working directory), with the same environment as that
tree's servers, so the sessions it writes open there and the queue it reads back is the one
that tree's selectors build:

    python bench/topology_seed.py seed  --tree TREE --out seed.json [sizes...]
    python bench/topology_seed.py truth --tree TREE --out truth.json --since T --keys keys.txt

`seed`: a district of --schools schools; each with its support team (screens share a few
accounts, each screen its own session), one safeguarding lead (urgent alerts go to them),
teachers with sessions, students, and a few open intakes so no queue starts empty. One of
the schools is the incident school, with --incident-screens screens more.
`truth`: what the database says after a run: every intake version written since T (the
history row's time is the commit time pushes are measured from), each school's first queue
page as a team member there sees it, and which answered submissions were not saved."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# The tree's code, not this checkout's, and never bench/queue.py in place of the standard
# library's `queue` (this script's folder comes first on sys.path otherwise).
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]


def _setup(tree: str) -> None:
    sys.path.insert(0, tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    import django

    django.setup()


# --- seed ---------------------------------------------------------------------------------------


def _person(school, name: str, role: str):
    """A user of `school` with MFA set up (staff must have it) and no usable password."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password

    from schoolwell.models import Membership, Role, User

    user = User.objects.create(
        username=f"{name}@topology.example",
        email=f"{name}@topology.example",
        first_name="Bench",
        last_name=name,
        password=make_password(None),
    )
    discipline = "counselor" if role == Role.SUPPORT else ""
    Membership.objects.create(user=user, role=role, school=school, discipline=discipline)
    TOTP.activate(user, generate_totp_secret())
    return user


def _session(user) -> str:
    """A signed-in session of `user` (its cookie value): one per screen, as one per browser."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _school(district, n: int, cfg, screens: int, teachers: int) -> dict:
    from schoolwell.models import Enrollment, Role, School, Student
    from support_team.services import intake_open

    school = School.objects.create(
        district=district, sourced_id=f"topology-{n:03}", name=f"Topology School {n:03}"
    )
    accounts = max(1, -(-screens // cfg.sessions_per_account))  # ceiling division
    team = [_person(school, f"team{n}-{a}", Role.SUPPORT) for a in range(accounts)]
    _person(school, f"lead{n}", Role.SAFEGUARDING_LEAD)
    students = []
    for s in range(cfg.students):
        student = Student.objects.create(
            district=district,
            sourced_id=f"topology-{n}-{s}",
            sis_id=str(5_000_000 + n * 1000 + s),
            legal_first_name="Bench",
            legal_last_name=f"Learner{n}x{s}",
            grade="08",
        )
        Enrollment.objects.create(student=student, school=school, start_date="2025-08-18")
        students.append(student)
    for student in students[: cfg.initial]:
        intake_open(school=school, student=student, source="staff_note", summary="Quiet")
    return {
        "id": school.pk,
        "member": team[0].pk,
        "screens": [_session(team[i % accounts]) for i in range(screens)],
        "teachers": [
            _session(_person(school, f"teacher{n}-{t}", Role.TEACHER)) for t in range(teachers)
        ],
        "students": [s.pk for s in students],
    }


def seed(cfg) -> dict:
    from django.utils import timezone

    from schoolwell.models import Category, District
    from self_report import demo

    demo.ensure_catalogue()
    district = District.objects.create(sourced_id="topology-district", name="Topology District")
    schools = []
    for n in range(cfg.schools):
        incident = n == 0  # the incident school is one of the district's schools
        screens = cfg.screens_per_school + (cfg.incident_screens if incident else 0)
        teachers = cfg.incident_teachers if incident else cfg.teachers
        schools.append(_school(district, n, cfg, screens, teachers))
        print(f"  seeded school {n + 1}/{cfg.schools}", file=sys.stderr, flush=True)
    categories = Category.objects.filter(active=True, always_urgent=False)
    return {
        "schools": schools,
        "incident": schools[0]["id"],
        "categories": list(categories.values_list("pk", flat=True)),
        "today": timezone.localdate().isoformat(),
    }


# --- truth --------------------------------------------------------------------------------------


def truth(cfg) -> dict:
    from datetime import UTC, datetime

    from concerns.models import Concern
    from schoolwell.models import User
    from support_team import selectors
    from support_team.models import Intake

    seeded = json.loads(Path(cfg.seeded).read_text())
    since = datetime.fromtimestamp(cfg.since, tz=UTC)
    written = [
        [pk, version, when.timestamp(), school]
        for pk, version, when, school in Intake.history.filter(history_date__gte=since)
        .values_list("id", "version", "history_date", "school_id")
        .iterator()
    ]
    pages = {}
    for school in seeded["schools"]:
        member = User.objects.get(pk=school["member"])
        rows = selectors.queue_rows(user=member, filters=selectors.QueueFilters())
        pages[school["id"]] = {row.pk: row.version for row in rows}
    keys = [k for k in Path(cfg.keys).read_text().split() if k]
    saved = {
        str(k)
        for k in Concern.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    }
    return {
        "written": written,
        "pages": pages,
        "unsaved": [k for k in keys if k not in saved],
        "open_intakes": Intake.objects.exclude(status=Intake.Status.CLOSED).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["seed", "truth"])
    parser.add_argument("--tree", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--screens-per-school", type=int, default=8)
    parser.add_argument("--incident-screens", type=int, default=100)
    parser.add_argument("--sessions-per-account", type=int, default=4)
    parser.add_argument("--teachers", type=int, default=5)
    parser.add_argument("--incident-teachers", type=int, default=20)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--initial", type=int, default=5)
    parser.add_argument("--seeded", help="truth: the seed's output")
    parser.add_argument("--since", type=float, help="truth: the run's start (Unix time)")
    parser.add_argument("--keys", help="truth: file of answered idempotency keys")
    cfg = parser.parse_args()
    _setup(cfg.tree)
    result = seed(cfg) if cfg.command == "seed" else truth(cfg)
    Path(cfg.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()

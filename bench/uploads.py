"""What refusing the worst crafted upload costs, for each of the four uploads (issue 14).

Builds the worst file of each kind, then refuses each in a fresh subprocess through the entry
point the web page (or, for HSDS, the command) calls, and prints the time of that call, the
wall time of the whole process, and the process's peak RSS, next to the same run's baseline:
refusing a file one byte over the kind's size cap, through the same entry point.

    roster zip         schoolwell.views.roster.RosterUploadForm(...).is_valid()
    legacy spreadsheet concerns.legacy_import.concern_import_start(...)
    HSDS               community_links.hsds.load.import_path(path)
    transfer packet    support_team.transfers.exchange.packet_import(...)

The database is a fresh SQLite file (migrated first, about a minute; --db reuses one) holding
two districts with transfer keys, a school and a team member: the transfer bomb is a genuine
file, signed and encrypted with those keys. Targets: each refusal under 5 s and under 200 MB
more than the baseline.

    .venv/bin/python bench/uploads.py
    .venv/bin/python bench/uploads.py --db /tmp/uploads-bench.sqlite3   # keep and reuse it
"""

from __future__ import annotations

import sys

# bench/ holds a queue.py: run as a script, this folder would hide the standard library's.
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("bench")]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PYTHON = sys.executable
MB = 1024 * 1024


# --- the files ---------------------------------------------------------------------------------


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no room on disk (the baselines)."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


def roster_bomb(path: Path) -> Path:
    """A OneRoster zip whose users.csv is 1 GB of one repeated line, about 1 MB zipped."""
    line = b"u1,active,2024-01-01,true,student,u1,Ana,Lopez,,,,,,9,\n"
    block = line * (MB // len(line))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "manifest.csv",
            "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,bulk\n",
        )
        with archive.open("users.csv", "w", force_zip64=True) as users:
            users.write(b"sourcedId,status,dateLastModified,enabledUser,role,username\n")
            for _ in range(1024):
                users.write(block)
    return path


def legacy_files(folder: Path) -> dict[str, Path]:
    from tests.crafted_files import (
        attribute_rows,
        formatted_empty_rows,
        full_width_rows,
        header_row,
        shared_string_bomb,
        workbook,
    )

    files = {
        "xlsx: 2.1 million formatted empty cells, 16,384 a row": workbook(full_width_rows(130)),
        "xlsx: shared strings bomb (2,000,000 strings)": workbook(
            [header_row()], shared=shared_string_bomb(2_000_000)
        ),
        "xlsx: 1,000,000 formatted empty rows": workbook(formatted_empty_rows(1_000_000)),
        "xlsx: 12 million attributes, no cells": workbook(attribute_rows(24_000)),
        "csv: 200 columns x 5,001 rows (cells cap)": (
            ",".join(f"c{i}" for i in range(200)) + "\n" + ("1," * 199 + "1\n") * 5_001
        ).encode(),
    }
    out = {}
    for n, (name, data) in enumerate(files.items()):
        out[name] = folder / f"legacy-{n}.bin"
        out[name].write_bytes(data)
    return out


def hsds_files(folder: Path) -> dict[str, Path]:
    values = folder / "hsds-values" / "service.json"
    values.parent.mkdir()
    values.write_bytes(b"[" + b"0," * (5 * MB - 2) + b"0]")  # 10 MB, 5 million values
    deep = folder / "hsds-deep" / "service.json"
    deep.parent.mkdir()
    deep.write_bytes(b"[" * (5 * MB) + b"]" * (5 * MB))  # nested 5 million deep
    return {
        "json: 5,000,000 values in 10 MB": values,
        "json: nested 5,000,000 deep": deep,
    }


# --- the child: one call through the entry point, measured -------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: Path, ids: dict) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    django.setup()
    call = _prepare(kind, path, ids)  # what the page has in hand before it calls
    before = peak_mb()
    started = time.perf_counter()
    try:
        result = call()
        outcome = f"ACCEPTED: {result!r}"[:90]
    except Exception as error:  # the refusal, whatever the entry point raises
        outcome = f"refused ({type(error).__name__}): {error}"[:90]
    seconds = time.perf_counter() - started
    print(json.dumps({"outcome": outcome, "call": seconds, "before": before, "peak": peak_mb()}))


def _prepare(kind: str, path: Path, ids: dict):
    if kind == "roster":
        from django.core.files.uploadedfile import UploadedFile

        from schoolwell.views.roster import RosterUploadForm

        upload = UploadedFile(path.open("rb"), name="roster.zip", size=path.stat().st_size)

        def roster():
            form = RosterUploadForm({}, {"bundle": upload})
            if not form.is_valid():
                raise ValueError("; ".join(form.errors["bundle"]))
            return "valid"

        return roster
    if kind == "legacy":
        from concerns import legacy_import
        from schoolwell.models import School

        school, data = School.objects.get(pk=ids["school"]), path.read_bytes()
        return lambda: legacy_import.concern_import_start(
            started_by=None, school=school, file_name="past.xlsx", data=data
        )
    if kind == "hsds":
        from community_links.hsds.load import import_path

        return lambda: import_path(path)
    if kind == "transfer":
        from schoolwell.models import School, User
        from support_team.transfers import exchange

        school, by = School.objects.get(pk=ids["school"]), User.objects.get(pk=ids["team"])
        data = path.read_bytes()
        return lambda: exchange.packet_import(data=data, school=school, by=by)
    raise SystemExit(f"unknown kind {kind}")


# --- setup: the database's people and keys, and the sealed transfer files ----------------------


def setup(folder: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings")
    django.setup()
    from schoolwell.models import Discipline, Role
    from support_team.transfers import envelope, keys, schema
    from support_team.transfers.models import PeerDistrict
    from tests.factories import SchoolFactory, member

    school = SchoolFactory(name="Receiving school")
    sender = SchoolFactory(name="Sending school")
    pair_b = keys.keypair_create(district=school.district)
    pair_a = keys.keypair_create(district=sender.district)
    PeerDistrict.objects.create(
        district=school.district,
        identifier=sender.district.sourced_id,
        name=sender.district.name,
        signing_public=pair_a.signing_public,
        encryption_public=pair_a.encryption_public,
    )
    team = member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR)

    def sealed(payload: bytes) -> bytes:
        return envelope.seal(
            payload=payload,
            kind=envelope.KIND_PACKET,
            packet_schema=schema.SCHEMA_ID,
            sender={"district_id": sender.district.sourced_id, "district_name": "A"},
            signing_key=keys.signing_key(pair_a),
            recipient_public=pair_b.encryption_public,
        )

    files = {
        "genuine file: 20 MB of {} (7 million objects)": sealed(
            b'{"packet": [' + b"{}," * 6_900_000 + b'{}], "pdf": ""}'
        ),
        "genuine file: JSON nested 5,000,000 deep": sealed(
            b'{"packet": ' + b"[" * 5_000_000 + b"]" * 5_000_000 + b', "pdf": ""}'
        ),
    }
    names = {}
    for n, (name, data) in enumerate(files.items()):
        (folder / f"transfer-{n}.swtp").write_bytes(data)
        names[name] = str(folder / f"transfer-{n}.swtp")
    from community_links.hsds import limits as hsds
    from concerns.legacy_import import limits as legacy
    from schoolwell.roster import limits as roster

    caps = {
        "roster": roster.MAX_ZIP_BYTES,
        "legacy": legacy.MAX_FILE_BYTES,
        "hsds": hsds.MAX_FILE_BYTES,
        "transfer": envelope.MAX_FILE_BYTES,
    }
    ids = {"school": school.pk, "team": team.pk, "transfer": names, "caps": caps}
    (folder / "ids.json").write_text(json.dumps(ids))


# --- the parent --------------------------------------------------------------------------------


def run(args: list[str], env: dict) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, __file__, *args], env=env, cwd=REPO, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="a SQLite file to migrate (or reuse) instead of a fresh one")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "IDS"), help=argparse.SUPPRESS)
    parser.add_argument("--setup", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, path, ids = options.child
        return child(kind, Path(path), json.loads(Path(ids).read_text()))
    if options.setup:
        return setup(Path(options.setup))

    folder = Path(tempfile.mkdtemp(prefix="uploads-bench-"))
    try:
        measure(folder, options.db)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(folder: Path, db: str | None) -> None:
    database = Path(db) if db else folder / "bench.sqlite3"
    env = {**os.environ, "SQLITE_PATH": str(database), "DATABASE_URL": ""}
    print(f"Migrating {database} ...", flush=True)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=REPO, check=True
    )  # fmt: skip
    print("Building the files ...", flush=True)
    subprocess.run([PYTHON, __file__, "--setup", str(folder)], env=env, cwd=REPO, check=True)
    ids_file = folder / "ids.json"
    ids = json.loads(ids_file.read_text())
    transfer, caps = ids["transfer"], ids["caps"]

    cases = {
        "roster zip": (
            sparse(folder / "roster-big.zip", caps["roster"] + 1, b"PK\x03\x04"),
            {"zip bomb: users.csv of 1 GB": roster_bomb(folder / "roster-bomb.zip")},
            "roster",
        ),
        "legacy spreadsheet": (
            sparse(folder / "legacy-big.csv", caps["legacy"] + 1, b"a,b\n"),
            legacy_files(folder),
            "legacy",
        ),
        "HSDS": (
            sparse(folder / "hsds-big.json", caps["hsds"] + 1, b"["),
            hsds_files(folder),
            "hsds",
        ),
        "transfer packet": (
            sparse(folder / "transfer-big.swtp", caps["transfer"] + 1, b"SCHOOLWELL"),
            {name: Path(p) for name, p in transfer.items()},
            "transfer",
        ),
    }
    header = (
        f"{'upload':<19} {'file':<52} {'size':>9} {'call s':>7} {'proc s':>7} "
        f"{'peak MB':>8} {'+MB':>6} {'x time':>7} {'x RSS':>6}  outcome"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for upload, (baseline, worst, kind) in cases.items():
        base, base_wall = run(["--child", kind, str(baseline), str(ids_file)], env)
        rows = [("baseline: 1 byte over the size cap", baseline, base, base_wall)]
        for name, path in worst.items():
            result, wall = run(["--child", kind, str(path), str(ids_file)], env)
            rows.append((name, path, result, wall))
        for name, path, result, wall in rows:
            size = path.stat().st_size if path.is_file() else sum(
                p.stat().st_size for p in path.iterdir()
            )  # fmt: skip
            print(
                f"{upload:<19} {name[:52]:<52} {size / MB:>7.1f}MB {result['call']:>7.2f} "
                f"{wall:>7.2f} {result['peak']:>8.0f} {result['peak'] - result['before']:>6.0f} "
                f"{wall / base_wall:>7.2f} "
                f"{result['peak'] / base['peak']:>6.2f}  {result['outcome']}"
            )
    print(
        "\ncall s: the entry point's own time; proc s: the whole process (Python and Django "
        "start included); peak MB: the process's peak RSS; +MB: its growth during the call; "
        "x time (of the process) and x RSS: against the baseline of the same upload, whose "
        "call takes about a millisecond."
    )


if __name__ == "__main__":
    main()

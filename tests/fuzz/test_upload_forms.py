"""The two imports as the browser runs them, fed hypothesis-made malformed input through their
views by an administrator with MFA:

- the OneRoster upload: the real sample bundles zipped with mutated rows, renamed, dropped or
  extra members, other compression methods, cut or damaged zips, and bytes that are no zip;
- the legacy concern import's column-mapping step, against a real preview: every column
  choice missing, repeated, pointed at another column or at garbage, then the confirmation.

Never a server error. An upload the form refuses records nothing; an import that runs either
succeeds or fails with its reasons and then writes nothing but its own record (all or
nothing). The uploaded copy never stays on disk; a task never crashes."""

import csv
import io
import os
import zipfile
from collections import Counter
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.dispatch import receiver
from django.urls import reverse
from django_tasks.signals import task_finished
from hypothesis import given
from hypothesis import strategies as st

from concerns import legacy_import
from concerns.models import Concern, ConcernImport
from schoolwell import tasks as roster_tasks
from schoolwell.models import Role, RosterImport, StoredFile, Student
from schoolwell.roster import RosterError, Scope, import_path
from support_team.models import TimelineEntry
from tests.factories import enrolled_student, member
from tests.fuzz.engine import BOUNDED, GARBAGE, MISSING, Field, broken, exercise, pairs, values
from tests.fuzz.test_imports import FULL, SHARED, as_csv, mutated, mutation
from tests.fuzz.world import categories

# --- the OneRoster upload ---------------------------------------------------------------------

FOLDERS = {
    "1.2 full": FULL,
    "1.2 minimal": SHARED / "oneroster-1.2" / "minimal",
    "1.1": SHARED / "oneroster-1.1",
}
SAMPLES = {
    name: {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
    for name, folder in FOLDERS.items()
}
METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
NAMES = st.one_of(
    st.sampled_from(
        [
            "MANIFEST.CSV",
            "manifest.csv",
            "export/manifest.csv",
            "Users.CSV",
            "users.txt",
            "../users.csv",
            "/users.csv",
            "C:users.csv",
            "a\\..\\users.csv",
            "deep/er/users.csv",
            "folder/",
        ]
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
CONTENT = st.one_of(
    st.binary(max_size=300),
    GARBAGE.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"a,b\n\x00,1\n", b"sourcedId\n" + b"\xff" * 9]),
)


def rows_of(data: bytes) -> list[list[str]]:
    """The member's rows (one already spoilt by an earlier edit is read as best it can)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig", "replace")))) or [[""]]


@st.composite
def bundle_zip(draw) -> bytes:
    """A real sample bundle, zipped after a few edits, the zip then perhaps damaged."""
    members = dict(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))])
    folder = draw(st.sampled_from(["", "", "export/"]))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["rows", "rows", "rows", "bytes", "rename", "drop", "add"]))
        name = draw(st.sampled_from(sorted(members))) if members else None
        if kind == "rows" and name:
            rows = rows_of(members[name])
            width = max(1, *(len(r) for r in rows))
            edits = draw(st.lists(mutation(len(rows), width), min_size=1, max_size=3))
            members[name] = as_csv(mutated(rows, edits))
        elif kind == "bytes" and name:
            members[name] = draw(CONTENT)
        elif kind == "rename" and name:
            members[draw(NAMES)] = members.pop(name)
        elif kind == "drop" and name:
            del members[name]
        elif kind == "add":
            members[draw(NAMES)] = draw(CONTENT)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=draw(st.sampled_from(METHODS))) as archive:
        for name, data in members.items():
            archive.writestr(folder + name if name else "x", data)
    data = out.getvalue()
    at = draw(st.integers(0, len(data) - 1))
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "flip", "tail"]))
    if damage == "cut":
        return data[: max(at, 4)]
    if damage == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if damage == "tail":
        return data + draw(st.binary(min_size=1, max_size=50))
    return data


UPLOADS = st.one_of(
    bundle_zip(),
    bundle_zip(),
    bundle_zip(),
    st.binary(max_size=2000),
    st.binary(max_size=2000).map(b"PK\x03\x04".__add__),
    GARBAGE.map(lambda s: s.encode("utf-8", "surrogatepass")),
)
# Names the test client can send at all ("", "." and ".." it refuses before posting).
FILE_NAMES = st.one_of(
    st.sampled_from(["roster.zip", "a\x00b.zip", "&#0;&lt;.zip", "x" * 300 + ".zip", "ñ 😞"]),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=300).filter(
        lambda name: os.path.basename(name) not in ("", ".", "..")
    ),
)


@pytest.fixture
def task_crashes():
    """Tasks that ended in an exception: the immediate backend swallows it, so an import that
    crashed would otherwise pass for one that finished."""
    crashes = []

    @receiver(task_finished)
    def record(sender, task_result, **kwargs):
        if task_result.errors:
            crashes.append(task_result.errors[-1].traceback)

    yield crashes
    task_finished.disconnect(record)


@pytest.mark.django_db
def test_no_malformed_roster_upload_is_a_server_error_a_crash_or_a_partial_write(
    client, school_a, tmp_path, monkeypatch, task_crashes
):
    uploads = tmp_path / "roster-uploads"
    monkeypatch.setattr(roster_tasks, "UPLOAD_DIR", uploads)
    # already in, so a mutated bundle is a change, not a first load
    import_path(FULL, scope=Scope.command_line())
    known = set(RosterImport.objects.values_list("pk", flat=True))
    client.force_login(member(Role.SCHOOL_ADMIN, school=school_a))
    fields = {"bundle": values(["roster.zip"]), "csrfmiddlewaretoken": values()}
    seen = Counter()

    def judge(response) -> bool:
        """Refused by the form (no record), or the import ran and failed (its record says
        why, and nothing else was written): both are refusals."""
        crashed, left = task_crashes[:], list(uploads.glob("*")) if uploads.exists() else []
        task_crashes.clear()  # each example starts clean, so that hypothesis can shrink
        for path in left:
            path.unlink()
        assert not crashed, crashed[-1]
        assert not left, "the upload stayed on disk"
        assert not StoredFile.objects.exists(), "the upload stayed in the shared storage"
        new = list(RosterImport.objects.exclude(pk__in=known))
        if response.status_code != 302:
            assert response.status_code in (200, 400) and not new
            return True
        (record,) = new
        assert client.get(response["Location"]).status_code == 200
        assert record.status in (RosterImport.Status.DONE, RosterImport.Status.FAILED)
        if record.status == RosterImport.Status.DONE:
            return False
        assert record.errors and all(problem["message"] for problem in record.errors)
        return True

    @BOUNDED
    @given(pairs(fields), UPLOADS, FILE_NAMES, st.sampled_from(["bundle"] * 4 + ["file", None]))
    def post(body, content, name, field):
        files = {field: SimpleUploadedFile(name, content)} if field else {}
        status, was_refused = exercise(
            client,
            "POST",
            reverse("roster_import"),
            body,
            files=files,
            judge=judge,
            recorded=("rosterimport",),
        )
        seen[(status, "refused" if was_refused else "imported")] += 1

    post()
    print(f"\nroster upload: {dict(seen)}")
    assert seen.total() >= 10


def damaged(method: int, damage) -> bytes:
    """The full sample bundle zipped with `method`, users.csv then damaged in place."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in SAMPLES["1.2 full"].items():
            archive.writestr(name, data)
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(out).getinfo("users.csv")
    damage(data, info)
    return bytes(data)


def corrupt_lzma_stream(data: bytearray, info: zipfile.ZipInfo) -> None:
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 12] ^= 0xFF  # past zipfile's 4-byte LZMA header and the 5 property bytes


def unknown_method(data: bytearray, info: zipfile.ZipInfo) -> None:
    name = info.filename.encode()
    at = data.index(b"PK\x01\x02")  # the central directory: one 46-byte header, then the name
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 1)
    data[at + 10 : at + 12] = (99).to_bytes(2, "little")  # its compression method


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, damage",
    [(zipfile.ZIP_LZMA, corrupt_lzma_stream), (zipfile.ZIP_STORED, unknown_method)],
    ids=["corrupt lzma data", "unknown compression method"],
)
def test_a_zip_member_that_cannot_be_decompressed_is_a_problem_on_its_file_not_a_crash(
    client, school_a, tmp_path, monkeypatch, task_crashes, method, damage
):
    """Found by the fuzzer: a damaged LZMA member raised LZMAError, which the import did not
    count as an unreadable file, so the import task crashed ("internal error"). The page now
    refuses any member not stored or deflated before the file is kept; the command line
    reads the same zip and fails with the member named."""
    monkeypatch.setattr(roster_tasks, "UPLOAD_DIR", tmp_path)
    # The full sample names every school in the district: only a district admin may send it.
    client.force_login(member(Role.DISTRICT_ADMIN, district=school_a.district))
    bundle = damaged(method, damage)
    response = client.post(
        reverse("roster_import"), {"bundle": SimpleUploadedFile("roster.zip", bundle)}
    )
    assert response.status_code == 200
    assert "users.csv" in str(response.context["form"].errors["bundle"])
    assert not RosterImport.objects.exists() and not list(tmp_path.iterdir())

    path = tmp_path / "roster.zip"
    path.write_bytes(bundle)
    with pytest.raises(RosterError):
        import_path(path, scope=Scope.command_line())
    assert not task_crashes, task_crashes[-1]
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.FAILED
    assert any("users.csv" in e["message"] for e in record.errors), record.errors
    assert not Student.objects.exists()


# --- the legacy concern import: the column mapping ----------------------------------------------

# Every way the mapping can name the student (id; name and birth date; first and last name
# and birth date), a blank header ("Column K") and a repeated one ("Details (L)").
HEADER = [
    "Student ID",
    "Pupil",
    "First name",
    "Surname",
    "DOB",
    "Date",
    "Category",
    "Details",
    "Reported by",
    "Severity",
    "",
    "Details",
]


@pytest.fixture
def preview(school_a):
    """An administrator's import in preview: a real file, its columns detected."""
    categories()
    admin = member(Role.SCHOOL_ADMIN, school=school_a)
    students = [
        enrolled_student(school_a, legal_first_name=f"Kid{n}", date_of_birth=date(2012, 1, n + 1))
        for n in range(4)
    ]
    rows = [
        [
            s.sis_id,
            f"{s.legal_first_name} {s.legal_last_name}",
            s.legal_first_name,
            s.legal_last_name,
            s.date_of_birth.isoformat(),
            f"2024-0{n + 1}-1{n}",
            ["Housing", "Health", "housing; health"][n % 3],
            f"Row {n}: seen upset",
            f"Teacher {n}",
            ["low", "high", ""][n % 3],
            "",
            f"2024-0{n + 1}-1{n}",
        ]
        for n, s in enumerate(students * 2)
    ]
    return admin, school_a, as_csv([HEADER, *rows])


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["ready", "with problems"])
def test_no_malformed_column_mapping_is_a_server_error_or_a_partial_import(client, preview, start):
    admin, school, data = preview
    if start == "with problems":
        data = data.replace(b"Housing", b"Hoosing", 1)
    record = legacy_import.concern_import_start(
        started_by=admin, school=school, file_name="past.csv", data=data
    )
    assert record.status == ConcernImport.Status.PREVIEW
    assert bool(record.problems) == (start == "with problems"), record.problems
    columns = legacy_import.concern_import_preview(record).columns
    assert {"Column K", "Details (L)"} <= set(columns)
    url = reverse("concerns:import_detail", args=[record.pk])
    client.force_login(admin)
    as_uploaded = list(ConcernImport.objects.filter(pk=record.pk).values())
    counts = (Concern.objects.count(), TimelineEntry.objects.count())

    choice = st.sampled_from([*columns, ""])
    fields = {
        f"map-{name}": Field(st.just(record.mapping.get(name, MISSING)), broken(choice | GARBAGE))
        for name in legacy_import.FIELDS
    }
    fields["action"] = values(["remap", "remap", "confirm"])
    seen = Counter()

    def judge(response) -> bool:
        """Not imported (what changed is at most the import's own mapping and problems), or
        imported whole. A remap that was taken is followed by the confirmation."""
        assert client.get(url).status_code == 200
        if response.status_code != 302:  # the form refused, or no such action: no change
            assert list(ConcernImport.objects.filter(pk=record.pk).values()) == as_uploaded
            return True
        current = ConcernImport.objects.get(pk=record.pk)
        if current.status == ConcernImport.Status.PREVIEW:
            assert client.post(url, {"action": "confirm"}).status_code == 302
            assert client.get(url).status_code == 200
            current.refresh_from_db()
        if current.status != ConcernImport.Status.IMPORTED:
            assert current.problems, "not imported, yet no reason given"
            return True
        assert current.imported_count == current.row_count == 8
        assert (Concern.objects.count(), TimelineEntry.objects.count()) == (
            counts[0] + 8,
            counts[1] + 8,
        )
        return False

    @BOUNDED
    @given(pairs(fields))
    def post(body):
        status, was_refused = exercise(
            client, "POST", url, body, judge=judge, recorded=("concernimport",)
        )
        seen[(status, "refused" if was_refused else "imported")] += 1

    post()
    print(f"\nmapping ({start}): {dict(seen)}")
    assert seen.total() >= 10

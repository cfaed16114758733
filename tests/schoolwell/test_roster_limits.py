"""A OneRoster upload is bounded (schoolwell/roster/limits.py): crafted zips built to exhaust
the server are refused with a clear message, nothing written, in little memory. The peak is
measured with tracemalloc (Python's allocations, zlib's output included); the time of the
worst one is in docs/security.md, measured outside the tests."""

import gc
import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from schoolwell import tasks as roster_tasks
from schoolwell.models import Role, RosterImport, Student, User
from schoolwell.roster import RosterError, Scope, import_path
from schoolwell.views import roster as roster_views
from tests.factories import SchoolFactory, member
from tests.schoolwell.oneroster import HEADERS, as_csv, files, zip_bytes

pytestmark = pytest.mark.django_db

MB = 1024**2
USERS_HEADER = as_csv([HEADERS["users"]])
ROW = b"usr-1,active,true,Ann,Ash,id-1,ann@example.org,,07,sch-a\r\n"
MANIFEST = files(users=[])["manifest.csv"]  # users.csv, delta


def refused_measured(path: Path, scope: Scope | None = None) -> tuple[list[str], int]:
    """The problems of a refused import and the peak of memory it allocated doing it."""
    users = User.objects.count()
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(RosterError) as caught:
            import_path(path, scope=scope or Scope.command_line())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not Student.objects.exists() and User.objects.count() == users
    return [str(problem) for problem in caught.value.problems], peak


def write_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_STORED) -> Path:
    path.write_bytes(zip_bytes(members, method))
    return path


def bomb(path: Path, megabytes: int) -> Path:
    """users.csv of one row repeated to `megabytes` MB, deflated: some 3 KB a MB."""
    block = ROW * (MB // len(ROW))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", MANIFEST)
        with archive.open("users.csv", "w") as users:
            users.write(USERS_HEADER)
            for _ in range(megabytes):
                users.write(block)
    return path


def patch_central_size(path: Path, member: str, size: int) -> None:
    """Make the zip's directory declare `size` unpacked bytes for a member (a lying header)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, at + 24, size)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


# --- what the zip's directory says ----------------------------------------------------------


def test_a_zip_bomb_of_compressible_csv_is_refused_from_its_directory(tmp_path):
    archive = bomb(tmp_path / "bomb.zip", 64)
    assert archive.stat().st_size < 300 * 1024

    problems, peak = refused_measured(archive)

    assert len(problems) == 1
    assert problems[0].startswith("bomb.zip: member 'users.csv' is compressed ")
    assert problems[0].endswith(" to 1 (at most 100 to 1): this is not a roster export")
    assert peak < 1 * MB


def test_a_member_declaring_more_than_512_mb_is_refused_unread(tmp_path):
    archive = bomb(tmp_path / "big.zip", 1)
    patch_central_size(archive, "users.csv", 600 * MB)

    problems, peak = refused_measured(archive)

    assert problems == ["big.zip: member 'users.csv' unpacks to 600 MB (at most 512 MB)"]
    assert peak < 1 * MB


def test_a_member_that_unpacks_to_more_than_it_declares_is_cut_there_and_refused(tmp_path):
    archive = bomb(tmp_path / "liar.zip", 64)
    patch_central_size(archive, "users.csv", 2 * MB)  # under 100 to 1: the directory passes

    problems, peak = refused_measured(archive)

    assert problems == ["users.csv: could not be read (Bad CRC-32 for file 'users.csv')"]
    assert peak < 8 * MB


def test_a_directory_claiming_thousands_of_members_is_refused_before_it_is_read(tmp_path):
    archive = write_zip(tmp_path / "many.zip", {"manifest.csv": MANIFEST})
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)  # entries on this disk, in all
    archive.write_bytes(bytes(data))

    problems, _ = refused_measured(archive)

    assert problems == ["many.zip: has 60,000 members (at most 200)"]


def test_a_zip_over_200_mb_is_refused_by_its_size_alone(tmp_path):
    archive = tmp_path / "huge.zip"
    with archive.open("wb") as out:
        out.truncate(201 * MB)  # sparse: nothing is written for the hole
        out.seek(201 * MB)
        out.write(zip_bytes({"manifest.csv": MANIFEST}))

    problems, _ = refused_measured(archive)

    assert problems == ["huge.zip: is 201 MB: a roster zip may be at most 200 MB"]


def test_a_zip_naming_a_member_in_broken_utf8_is_refused_not_left_running(tmp_path):
    data = bytearray(zip_bytes({"manifest.csv": MANIFEST}))
    at = data.find(b"PK\x01\x02")
    data[at + 9] |= 0x08  # general purpose flag 0x800: the name is UTF-8
    data[data.find(b"manifest.csv", at)] = 0xFF
    archive = tmp_path / "names.zip"
    archive.write_bytes(bytes(data))

    problems, _ = refused_measured(archive)

    assert problems[0].startswith("names.zip: is not a readable zip file ('utf-8' codec")
    assert RosterImport.objects.get().status == RosterImport.Status.FAILED


def test_a_member_compressed_with_bzip2_is_refused(tmp_path):
    archive = write_zip(
        tmp_path / "bz.zip",
        {"manifest.csv": MANIFEST, "users.csv": USERS_HEADER},
        zipfile.ZIP_BZIP2,
    )

    problems, _ = refused_measured(archive)

    assert problems[0] == (
        "bz.zip: member 'manifest.csv' uses a compression method SchoolWell does not read; "
        "zip the files with ordinary (deflate) compression"
    )


# --- what the files hold ----------------------------------------------------------------------


def test_a_member_with_millions_of_rows_is_refused_before_any_is_parsed(tmp_path):
    manifest = files(enrollments=[])["manifest.csv"]
    rows = as_csv([HEADERS["enrollments"]]) + b"e,,c,s,u,student\n" * 2_500_000
    archive = write_zip(tmp_path / "rows.zip", {"manifest.csv": manifest, "enrollments.csv": rows})
    del rows

    problems, peak = refused_measured(archive)

    assert problems == ["enrollments.csv: has more than 2,000,000 lines (at most 2,000,000)"]
    assert peak < 8 * MB


def test_a_school_administrators_bundle_is_capped_at_a_large_schools_size(tmp_path):
    school = SchoolFactory()
    scope = Scope.for_user(member(Role.SCHOOL_ADMIN, school=school))
    users = USERS_HEADER + ROW * 30_000
    archive = write_zip(tmp_path / "school.zip", {"manifest.csv": MANIFEST, "users.csv": users})

    problems, _ = refused_measured(archive, scope)

    assert problems == ["users.csv: has more than 25,000 lines (at most 25,000)"]


def test_a_row_with_a_huge_value_is_refused_at_its_line(tmp_path):
    users = USERS_HEADER + b"usr-1,active,true," + b"A" * (50 * MB) + b",Ash,,,,,\r\n"
    archive = write_zip(tmp_path / "field.zip", {"manifest.csv": MANIFEST, "users.csv": users})
    del users

    problems, peak = refused_measured(archive)

    assert problems == [
        "users.csv line 2: the line is longer than 128 KB: this is not a roster export's CSV"
    ]
    assert peak < 8 * MB


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b"A" * 20_000, "users.csv line 2: a value is 20,000 characters long (at most 16,384)"),
        (
            b'"' + b"A\r\n" * 60_000 + b'"',  # quoted, over many short lines
            "users.csv line 2: a value is longer than 16,384 characters, the most one may have",
        ),
    ],
    ids=["on one line", "over many lines"],
)
def test_a_value_longer_than_16384_characters_is_refused(tmp_path, value, problem):
    users = USERS_HEADER + b"usr-1,active,true," + value + b",Ash,,,,,\r\n"
    archive = write_zip(tmp_path / "value.zip", {"manifest.csv": MANIFEST, "users.csv": users})

    problems, _ = refused_measured(archive)

    assert problems == [problem]


def test_too_many_columns_are_refused_in_the_header_and_in_a_row(tmp_path):
    wide = b",".join(b"c%d" % i for i in range(20_000)) + b"\r\n"
    archive = write_zip(tmp_path / "wide.zip", {"manifest.csv": MANIFEST, "users.csv": wide})
    problems, peak = refused_measured(archive)
    assert problems == ["users.csv line 1: the header has 20,000 columns (at most 200)"]
    assert peak < 8 * MB

    row = USERS_HEADER + b"usr-1,active,true,Ann,Ash" + b"," * 50_000 + b"\r\n"
    archive = write_zip(tmp_path / "row.zip", {"manifest.csv": MANIFEST, "users.csv": row})
    problems, _ = refused_measured(archive)
    assert problems == ["users.csv line 2: the row has 50,005 values (at most 200)"]


def test_a_long_list_of_ids_in_one_value_is_refused_not_kept(tmp_path):
    agents = b'"' + b",".join(b"g%d" % i for i in range(1_000)) + b'"'
    row = b"usr-1,active,true,Ann,Ash,id-1,," + agents + b",07,\r\n"
    archive = write_zip(
        tmp_path / "list.zip", {"manifest.csv": MANIFEST, "users.csv": USERS_HEADER + row}
    )

    problems, _ = refused_measured(archive)

    assert problems == ["users.csv line 2: agentSourcedIds lists 1,000 ids (at most 20)"]


def test_a_file_wrong_on_every_line_is_read_only_to_its_thousandth_problem(tmp_path):
    users = USERS_HEADER + ROW.replace(b",active,", b",archived,") * 300_000
    archive = write_zip(tmp_path / "wrong.zip", {"manifest.csv": MANIFEST, "users.csv": users})
    del users

    problems, peak = refused_measured(archive)

    assert len(problems) == 1001
    assert problems[0] == "users.csv line 2: status 'archived' is not active or tobedeleted"
    assert problems[-1] == "bundle: … reading stopped after 1,000 problems: fix these first"
    assert peak < 8 * MB  # 300,000 users held would be some 150 MB


# --- the upload page and the command ----------------------------------------------------------


@pytest.fixture
def admin_client(client, tmp_path, monkeypatch):
    monkeypatch.setattr(roster_tasks, "UPLOAD_DIR", tmp_path / "uploads")
    client.force_login(member(Role.SCHOOL_ADMIN, school=SchoolFactory()))
    return client


def test_the_upload_page_refuses_a_zip_bomb_before_storing_or_queueing_it(admin_client, tmp_path):
    upload = SimpleUploadedFile("bomb.zip", bomb(tmp_path / "bomb.zip", 16).read_bytes())

    response = admin_client.post(reverse("roster_import"), {"bundle": upload})

    assert response.status_code == 200
    assert "This zip is refused: member &#x27;users.csv&#x27; is compressed" in (
        response.content.decode()
    )
    assert not RosterImport.objects.exists()
    assert not (tmp_path / "uploads").exists()


def test_the_upload_page_stops_storing_an_upload_past_its_cap(admin_client, monkeypatch):
    monkeypatch.setattr(roster_views, "MAX_UPLOAD_BYTES", 64 * 1024)
    noise = os.urandom(256 * 1024)  # does not compress
    data = zip_bytes({"manifest.csv": MANIFEST, "users.csv": noise}, zipfile.ZIP_STORED)
    kept = []
    original = roster_views.TemporaryFileUploadHandler.receive_data_chunk

    def spy(handler, raw_data, start):
        kept.append(len(raw_data))
        return original(handler, raw_data, start)

    monkeypatch.setattr(roster_views.TemporaryFileUploadHandler, "receive_data_chunk", spy)

    response = admin_client.post(
        reverse("roster_import"), {"bundle": SimpleUploadedFile("big.zip", data)}
    )

    assert "This file is larger than 200 MB." in response.content.decode()
    assert sum(kept) <= 64 * 1024  # what went to the temporary file
    assert not RosterImport.objects.exists()


def test_the_command_refuses_a_zip_bomb_and_says_why(tmp_path, capsys):
    archive = bomb(tmp_path / "bomb.zip", 16)

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_oneroster", str(archive))

    assert "is compressed" in capsys.readouterr().err


def test_the_caps_leave_room_for_a_district_sized_bundle():
    """docs/scale.md sizes a district at about 65,000 users and 600,000 enrollment rows."""
    from schoolwell.roster import limits

    assert limits.DISTRICT_CAPS.other >= 10 * 65_000
    assert limits.DISTRICT_CAPS.enrollments >= 3 * 600_000
    school = limits.caps_for(schools_only=True, schools=1)
    assert school.other >= 2 * (4_000 * 3 + 300)  # students, two guardians each, staff
    assert school.enrollments >= 2 * 4_000 * 8


def test_the_upload_page_still_checks_the_csrf_token(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_tasks, "UPLOAD_DIR", tmp_path / "uploads")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member(Role.SCHOOL_ADMIN, school=SchoolFactory()))
    upload = SimpleUploadedFile("roster.zip", zip_bytes({"manifest.csv": MANIFEST}))

    response = client.post(reverse("roster_import"), {"bundle": upload})

    assert response.status_code == 403
    assert not RosterImport.objects.exists()

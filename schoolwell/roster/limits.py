"""How much a OneRoster bundle may hold, so that a file built to exhaust the server (a zip
bomb, millions of rows, a giant value, thousands of columns) is refused quickly and in little
memory, web upload and command line alike.

Each cap is checked before the bytes it guards are read:
- the zip's directory (its own size, the members' declared sizes, compression ratio and
  method), before any member is opened; the upload form checks the same, so the uploader
  hears at once;
- a first pass over each file the manifest lists, in 1 MB blocks, counting its real bytes
  and lines and stopping at the cap (a member cannot unpack to more than its declared size:
  zipfile stops there and the CRC check then fails);
- the reading itself: each line's length, each row's number of values, each value's length.

The numbers leave room for the largest district SchoolWell is sized for (docs/scale.md: about
65,000 users and 600,000 enrollment rows, 60 MB of CSV in a zip of 5 MB) several times over.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

MB = 1024**2
MAX_ZIP_BYTES = 200 * MB  # the upload itself
MAX_MEMBERS = 200
MAX_DIRECTORY_BYTES = 1 * MB  # 200 members' directory records come to some 60 KB
MAX_FILE_BYTES = 512 * MB  # one CSV file, unpacked
MAX_BUNDLE_BYTES = 1024 * MB  # every member together, unpacked
# Real exports compress 5-20 to 1; deflate tops out near 1,030 to 1, which only a file of
# one repeated byte reaches. A small member may compress as it likes: it is small.
MAX_RATIO = 100
RATIO_FLOOR = 1 * MB
MAX_MANIFEST_LINES = 1_000
MAX_COLUMNS = 200  # OneRoster's widest file has 23; vendors add some ext_ columns
MAX_LINE_BYTES = 128 * 1024  # the csv module's own limit on one value
MAX_VALUE_CHARS = 16_384  # the longest real value is a list of ids (agents, orgs)
MAX_AGENTS = 20  # a student's guardians, or a guardian's children
MAX_USER_ORGS = 200  # the orgs a 1.1 user row lists: district-wide staff list every school
# Deflate is what every SIS and every zip tool writes. bzip2 and LZMA members are refused:
# zipfile asks them for everything a compressed block holds at once, without a bound.
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class Caps:
    """How many lines a file, and how many bytes the whole bundle, may have once unpacked.
    A district's bundle (or the whole site's, from the command line) is sized for the
    largest district; one school's for a large school (4,000 students, their guardians and
    staff, eight classes each) a few times over, so that a school's upload, even a hostile
    one, is parsed and refused in seconds."""

    enrollments: int
    other: int  # users, roles, demographics, classes, sessions, orgs
    bundle_bytes: int

    def lines(self, filename: str) -> int:
        name = filename.lower()
        if name == "manifest.csv":
            return MAX_MANIFEST_LINES
        return self.enrollments if name == "enrollments.csv" else self.other


DISTRICT_CAPS = Caps(enrollments=2_000_000, other=1_000_000, bundle_bytes=MAX_BUNDLE_BYTES)
SCHOOL_CAPS = Caps(enrollments=100_000, other=25_000, bundle_bytes=64 * MB)


def caps_for(*, schools_only: bool, schools: int) -> Caps:
    """A school administrator's caps grow with the schools they administer."""
    if not schools_only:
        return DISTRICT_CAPS
    n = max(schools, 1)
    return Caps(
        enrollments=SCHOOL_CAPS.enrollments * n,
        other=SCHOOL_CAPS.other * n,
        bundle_bytes=min(SCHOOL_CAPS.bundle_bytes * n, MAX_BUNDLE_BYTES),
    )


def megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"


def directory_problems(infos: list[zipfile.ZipInfo], zip_size: int | None) -> list[str]:
    """What the zip's directory alone says is too much: its own size, how many members, how
    big they unpack to (each and together), how hard they are compressed, how."""
    found: list[str] = []
    if zip_size is not None and zip_size > MAX_ZIP_BYTES:
        found.append(f"is {megabytes(zip_size)}: a roster zip may be at most 200 MB")
    if len(infos) > MAX_MEMBERS:
        found.append(f"has {len(infos)} members (at most {MAX_MEMBERS})")
    for info in infos:
        name = info.filename
        if info.compress_type not in METHODS:
            found.append(
                f"member {name!r} uses a compression method SchoolWell does not read; "
                "zip the files with ordinary (deflate) compression"
            )
        if info.file_size > MAX_FILE_BYTES:
            found.append(f"member {name!r} unpacks to {megabytes(info.file_size)} (at most 512 MB)")
        elif info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            found.append(
                f"member {name!r} is compressed {ratio:,} to 1 (at most {MAX_RATIO} to 1): "
                "this is not a roster export"
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_BUNDLE_BYTES:
        found.append(f"unpacks to {megabytes(total)} in all (at most 1,024 MB)")
    return found[:20]  # a directory of 10,000 members need not be listed member by member

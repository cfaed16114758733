"""Where a OneRoster bundle's files come from: a folder or a zip, opened safely.

A bundle is the set of CSV files beside its manifest.csv. The manifest may sit at the top of
the folder or zip, or one folder down (SIS exports often zip the export folder itself).
File names are matched without regard to case: real exports write `userprofiles.csv` as
often as `userProfiles.csv`.
"""

from __future__ import annotations

import codecs
import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from schoolwell.roster import limits

PROBLEM_LIMIT = 1000
BLOCK = 1024**2  # what is read of a file at a time
FILE_TOO_BIG = "unpacks to more than 512 MB, the most one file may hold"
# What reading a damaged member can raise: each compression method fails its own way, and a
# method zipfile does not know is NotImplementedError.
# What opening a damaged zip can raise: a bad directory, a truncated file, a member name
# flagged UTF-8 that is not.
OPEN_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error)
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
)


@dataclass(frozen=True)
class Problem:
    """One reason a bundle was refused: the file, the line in it (the header is line 1) and
    what is wrong, said so that the person who exported the file can fix it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file} line {self.line}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message}


class RosterError(Exception):
    """The bundle was refused and nothing was written. `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems[:20]))


class Problems:
    """Collects problems, keeping the first PROBLEM_LIMIT so that a file that is wrong on
    every one of its 50,000 lines still gives a readable answer."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.dropped = 0
        self.stopped = False  # reading stopped once the list was full (see table.read_table)
        # Files that could not be read to the end: checks across files would only repeat
        # their problem as a cascade of "not found" messages, so they are skipped.
        self.broken_files: set[str] = set()

    def add(self, file: str, line: int | None, message: str) -> None:
        if len(self.items) < PROBLEM_LIMIT:
            self.items.append(Problem(file, line, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def full(self) -> bool:
        return len(self.items) >= PROBLEM_LIMIT

    def as_list(self) -> list[Problem]:
        """The problems file by file in the order the files are read, by line within each."""
        ordered = sorted(self.items, key=_reading_order)
        if self.stopped:
            message = f"… reading stopped after {PROBLEM_LIMIT:,} problems: fix these first"
            return [*ordered, Problem("bundle", None, message)]
        if not self.dropped:
            return ordered
        more = Problem("bundle", None, f"… and {self.dropped} more problems not listed")
        return [*ordered, more]

    def raise_if_any(self) -> None:
        if self.items:
            raise RosterError(self.as_list())


READING_ORDER = [
    "manifest.csv",
    "orgs.csv",
    "academicsessions.csv",
    "classes.csv",
    "users.csv",
    "roles.csv",
    "demographics.csv",
    "enrollments.csv",
]


def _reading_order(problem: Problem) -> tuple[int, int]:
    name = problem.file.lower()
    rank = READING_ORDER.index(name) if name in READING_ORDER else -1
    return (rank, problem.line or 0)


class StopFile(Exception):
    """Reading one file cannot go on (bad encoding, broken quoting); the problem is recorded."""


class Bundle:
    """The CSV files of one bundle, by lower-cased file name."""

    def __init__(self, name: str, files: dict[str, str]) -> None:
        self.name = name
        self._files = files  # lower-cased base name -> member name or path
        self._line_counts: dict[str, int] = {}
        self.caps = limits.DISTRICT_CAPS

    def has(self, filename: str) -> bool:
        return filename.lower() in self._files

    def display_name(self, filename: str) -> str:
        """The file's name as the exporter wrote it, for problem messages."""
        member = self._files.get(filename.lower())
        return PurePosixPath(member).name if member else filename

    def open_binary(self, filename: str) -> IO[bytes]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def lines(self, filename: str, problems: Problems) -> Iterator[str]:
        """The file's lines decoded as UTF-8 (a byte-order mark is allowed). A line that is not
        UTF-8, or holds a NUL byte, is recorded as a problem and ends the reading of the file:
        the rest of it could not be trusted."""
        shown = self.display_name(filename)
        number = 0
        try:
            with self.open_binary(filename) as raw:
                for number, chunk in enumerate(_bounded_lines(raw), start=1):
                    if chunk is None:
                        problems.add(
                            shown,
                            number,
                            f"the line is longer than {limits.MAX_LINE_BYTES // 1024} KB: "
                            "this is not a roster export's CSV",
                        )
                        raise StopFile
                    yield self._decode(chunk, number, shown, problems)
        except READ_ERRORS as exc:
            problems.add(shown, number + 1, f"could not be read ({exc})")
            raise StopFile from None

    @staticmethod
    def _decode(chunk: bytes, number: int, shown: str, problems: Problems) -> str:
        if number == 1 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(
                shown,
                number,
                f"is not UTF-8 text (byte {exc.start + 1} of the line); export the file as UTF-8",
            )
            raise StopFile from None
        if "\x00" in text:
            problems.add(shown, number, "contains a NUL byte; this is not a CSV text file")
            raise StopFile
        return text

    def measure(self, filenames: list[str], problems: Problems) -> bool:
        """Read each file once, in blocks, before any of it is parsed: its real size and
        number of lines within the caps (limits.py), and all of them within the bundle's
        cap. Stops at the first cap passed, so a bomb costs one block of memory and at most
        the cap's worth of reading. False (the problem recorded) when a file is refused."""
        total = 0
        for filename in filenames:
            if not self.has(filename):
                continue
            shown = self.display_name(filename)
            lines, size, refusal = self._measure(filename, self.caps.bundle_bytes - total)
            if refusal:
                problems.add(shown, None, refusal)
                problems.broken_files.add(shown)
                return False
            total += size
            self._line_counts[filename.lower()] = lines
        return True

    def _measure(self, filename: str, room: int) -> tuple[int, int, str]:
        most = self.caps.lines(filename)
        lines = size = 0
        try:
            with self.open_binary(filename) as raw:
                while block := raw.read(BLOCK):
                    size += len(block)
                    lines += block.count(b"\n")
                    if size > limits.MAX_FILE_BYTES:
                        return lines, size, FILE_TOO_BIG
                    if size > room:
                        most_bytes = limits.megabytes(self.caps.bundle_bytes)
                        return lines, size, f"takes the bundle past {most_bytes} unpacked (at most)"
                    if lines > most:
                        return lines, size, f"has more than {most:,} lines (at most {most:,})"
        except READ_ERRORS as exc:
            return lines, size, f"could not be read ({exc})"
        return lines, size, ""

    def count_lines(self, filename: str) -> int:
        """Newlines in the file (counted by measure): what a progress bar counts towards."""
        return self._line_counts.get(filename.lower(), 0)


def _bounded_lines(raw: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a binary stream, read a block at a time; None (and the end) instead of a
    line longer than limits.MAX_LINE_BYTES, so that a file of one endless line is never held
    whole (a plain readline() would read it all)."""
    most = limits.MAX_LINE_BYTES
    pending = b""
    while block := raw.read(64 * 1024):
        start = 0
        while (end := block.find(b"\n", start)) >= 0:
            line = pending + block[start : end + 1] if pending else block[start : end + 1]
            pending = b""
            if len(line) > most:
                yield None
                return
            yield line
            start = end + 1
        pending += block[start:]
        if len(pending) > most:
            yield None
            return
    if pending:
        yield pending


class FolderBundle(Bundle):
    def __init__(self, root: Path, files: dict[str, str]) -> None:
        super().__init__(root.name, files)
        self.root = root

    def open_binary(self, filename: str) -> IO[bytes]:
        return (self.root / self._files[filename.lower()]).open("rb")


class ZipBundle(Bundle):
    def __init__(self, name: str, archive: zipfile.ZipFile, files: dict[str, str]) -> None:
        super().__init__(name, files)
        self.archive = archive

    def open_binary(self, filename: str) -> IO[bytes]:
        return self.archive.open(self._files[filename.lower()])

    def close(self) -> None:
        self.archive.close()


def _bundle_files(names: list[str], source: str) -> dict[str, str]:
    """Pick the CSV files beside the shallowest manifest.csv; refuse a bundle without one."""
    manifests = sorted(
        (len(PurePosixPath(n).parts), n)
        for n in names
        if PurePosixPath(n).name.lower() == "manifest.csv" and len(PurePosixPath(n).parts) <= 2
    )
    if not manifests:
        raise RosterError(
            [Problem(source, None, "no manifest.csv: this is not a OneRoster bundle")]
        )
    if len(manifests) > 1 and manifests[0][0] == manifests[1][0]:
        raise RosterError(
            [Problem(source, None, "more than one manifest.csv: put one bundle in each zip")]
        )
    folder = PurePosixPath(manifests[0][1]).parent
    files: dict[str, str] = {}
    for name in names:
        path = PurePosixPath(name)
        if path.parent == folder and path.suffix.lower() == ".csv":
            files[path.name.lower()] = name
    return files


def open_folder(root: Path) -> Bundle:
    if not root.is_dir():
        raise RosterError([Problem(str(root), None, "no such folder or .zip file")])
    names = [
        p.relative_to(root).as_posix() for p in (*root.glob("*"), *root.glob("*/*")) if p.is_file()
    ]
    return FolderBundle(root, _bundle_files(names, root.name))


def _unsafe_member(name: str) -> bool:
    """A member that would land outside the folder it is unpacked into (zip slip)."""
    normal = name.replace("\\", "/")
    return (
        normal.startswith("/")
        or (len(normal) > 1 and normal[1] == ":")
        or ".." in PurePosixPath(normal).parts
    )


def open_zip(file: str | Path | IO[bytes], source: str) -> Bundle:
    """Open a zip after checking it: its size and directory within the caps (limits.py), no
    absolute or `..` member names, no encryption. Members are read in place, never
    extracted, but a zip that breaks these rules is refused all the same: it was not made by
    an SIS export and it is safer not to guess what else is wrong with it."""
    try:
        problems = zip_problems(file)
        archive = None if problems else zipfile.ZipFile(file)
    except OPEN_ERRORS as exc:
        raise RosterError([Problem(source, None, f"is not a readable zip file ({exc})")]) from None
    if archive is None:
        raise RosterError([Problem(source, None, message) for message in problems])
    infos = archive.infolist()
    problems = limits.directory_problems(infos, None)
    problems += [
        f"member {info.filename!r} has an unsafe path; refusing the zip"
        for info in infos
        if _unsafe_member(info.filename)
    ]
    if any(info.flag_bits & 0x1 for info in infos):
        problems.append("is encrypted; export it without a password")
    if problems:
        archive.close()
        raise RosterError([Problem(source, None, message) for message in problems])
    names = [info.filename for info in infos if not info.is_dir()]
    try:
        return ZipBundle(source, archive, _bundle_files(names, source))
    except RosterError:
        archive.close()
        raise


def zip_problems(file: str | Path | IO[bytes]) -> list[str]:
    """What the end of a zip says before zipfile reads its directory: the zip's size, and the
    size and number of entries of that directory (zipfile holds every entry in memory, so a
    directory of millions of entries is refused unread). Raises BadZipFile for a file that
    is not a zip at all."""
    if isinstance(file, (str, Path)):
        with open(file, "rb") as handle:
            return zip_problems(handle)
    file.seek(0, 2)
    size = file.tell()
    if size > limits.MAX_ZIP_BYTES:
        return limits.directory_problems([], size)
    # zipfile's own reading of the end record (zip64 included): the numbers it acts on next.
    end = zipfile._EndRecData(file)
    file.seek(0)
    if not end:
        raise zipfile.BadZipFile("File is not a zip file")
    entries, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if entries > limits.MAX_MEMBERS or directory > limits.MAX_DIRECTORY_BYTES:
        return [f"has {entries:,} members (at most {limits.MAX_MEMBERS})"]
    return []


def open_path(path: Path, caps: limits.Caps = limits.DISTRICT_CAPS) -> Bundle:
    bundle = open_zip(path, path.name) if path.is_file() else open_folder(path)
    bundle.caps = caps
    return bundle

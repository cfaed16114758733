"""Where a OneRoster bundle's files come from: a folder or a zip, opened safely.

A bundle is the set of CSV files beside its manifest.csv. The manifest may sit at the top of
the folder or zip, or one folder down (SIS exports often zip the export folder itself).
File names are matched without regard to case: real exports write `userprofiles.csv` as
often as `userProfiles.csv`.
"""

from __future__ import annotations

import codecs
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

# A real district export is tens of megabytes; these caps only stop a zip bomb or a zip of
# the wrong thing from filling the disk or the memory of the web worker.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_MEMBERS = 200
PROBLEM_LIMIT = 1000
# What reading a damaged member can raise: each compression method fails its own way, and a
# method zipfile does not know is NotImplementedError.
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

    def as_list(self) -> list[Problem]:
        """The problems file by file in the order the files are read, by line within each."""
        ordered = sorted(self.items, key=_reading_order)
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
                for number, chunk in enumerate(raw, start=1):
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

    def count_lines(self, filename: str) -> int:
        """Newlines in the file: the total a progress bar counts towards."""
        count = 0
        try:
            with self.open_binary(filename) as raw:
                while block := raw.read(1 << 20):
                    count += block.count(b"\n")
        except READ_ERRORS:
            pass  # reading it again for the import will record the problem
        return count


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
    """Open a zip after checking it: no absolute or `..` member names, at most MAX_MEMBERS
    members and MAX_UNCOMPRESSED_BYTES once unpacked. Members are read in place, never
    extracted, but a zip that breaks these rules is refused all the same: it was not made by
    an SIS export and it is safer not to guess what else is wrong with it."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise RosterError([Problem(source, None, f"is not a readable zip file ({exc})")]) from None
    infos = archive.infolist()
    problems = [
        Problem(source, None, f"member {info.filename!r} has an unsafe path; refusing the zip")
        for info in infos
        if _unsafe_member(info.filename)
    ]
    if len(infos) > MAX_MEMBERS:
        problems.append(Problem(source, None, f"has {len(infos)} members (at most {MAX_MEMBERS})"))
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        problems.append(Problem(source, None, "unpacks to more than 2 GB"))
    if any(info.flag_bits & 0x1 for info in infos):
        problems.append(Problem(source, None, "is encrypted; export it without a password"))
    if problems:
        archive.close()
        raise RosterError(problems)
    names = [info.filename for info in infos if not info.is_dir()]
    try:
        return ZipBundle(source, archive, _bundle_files(names, source))
    except RosterError:
        archive.close()
        raise


def open_path(path: Path) -> Bundle:
    if path.is_file():
        return open_zip(path, path.name)
    return open_folder(path)

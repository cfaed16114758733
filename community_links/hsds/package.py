"""What a reader makes of an HSDS package: flat rows by table, each with the file and line
it came from, and the problems met, within the caps of limits.py."""

from dataclasses import dataclass, field
from pathlib import Path

from community_links.hsds import limits
from community_links.hsds.jsonload import load_json
from community_links.hsds.limits import Problems


@dataclass
class Row:
    data: dict
    source: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.source} line {self.line}"


@dataclass
class Package:
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=Problems)
    warnings: list[str] = field(default_factory=Problems)
    count: int = 0  # rows read, every table together (limits.MAX_ROWS)
    bytes_read: int = 0  # file sizes, every file together (limits.MAX_PACKAGE_BYTES)
    json_values: int = 0  # values parsed, every JSON file together (limits.MAX_JSON_VALUES)

    def table(self, name: str) -> dict[str, Row]:
        return self.rows.setdefault(name, {})

    @property
    def stop(self) -> bool:
        """Reading goes no further: too many rows, or already too many problems to report."""
        return self.count > limits.MAX_ROWS or self.errors.full

    def admit(self, file: Path, name: str) -> bool:
        """Whether a file may be read: its size, and the package's so far, within the caps.
        Checked on the size the file system reports, before a byte is read."""
        if not file.is_file():  # a folder, a FIFO (whose read would never end), a device
            self.errors.append(f"{name}: not a regular file")
            return False
        size = file.stat().st_size
        problem = limits.size_problem(size, name)
        if problem is None and self.bytes_read + size > limits.MAX_PACKAGE_BYTES:
            problem = (
                f"{name}: the package is over {limits.MAX_PACKAGE_BYTES // 1024**2} MB "
                "(import the directory in parts)"
            )
        if problem:
            self.errors.append(problem)
            return False
        self.bytes_read += size
        return True


def apply(package: Package, part: Package) -> None:
    package.errors.extend(part.errors)
    package.warnings.extend(part.warnings)
    package.count, package.bytes_read = part.count, part.bytes_read
    package.json_values = part.json_values
    for table, rows in part.rows.items():
        target = package.table(table)
        for rid, row in rows.items():
            if rid in target:
                row.data = {**target[rid].data, **row.data}
            target[rid] = row


def not_utf8(file: Path, exc: UnicodeDecodeError) -> str:
    """Where a file stops being UTF-8, as a line number (the file is within the size cap)."""
    data = file.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        line = data.count(b"\n", 0, first.start) + 1
        return f"line {line}: not UTF-8 text"
    return f"line 1: not UTF-8 text ({exc.reason})"


def add_row(package: Package, table_name: str, row: Row, *, merge: bool) -> None:
    rid = row.data.get("id")
    if rid is None:
        package.errors.append(f"{row.where}: {table_name} has no id")
        return
    if len(rid) > limits.MAX_ID_CHARS:
        package.errors.append(
            f"{row.where}: {table_name} id is longer than {limits.MAX_ID_CHARS} characters"
        )
        return
    rows = package.table(table_name)
    existing = rows.get(rid)
    if existing is None:
        if package.count >= limits.MAX_ROWS:
            if package.count == limits.MAX_ROWS:
                package.errors.append(
                    f"{row.where}: more than {limits.MAX_ROWS:,} records in one package "
                    "(import the directory in parts: references to records already in the "
                    "directory are allowed)"
                )
                package.count += 1  # reported once; reading stops (Package.stop)
            return
        package.count += 1
        rows[rid] = row
        return
    if not merge:
        package.errors.append(
            f"{row.where}: duplicate {table_name} id {rid} (first on line {existing.line})"
        )
        return
    # The same record nested in several places: the copies must agree.
    for key, value in row.data.items():
        if key in existing.data and existing.data[key] != value:
            package.errors.append(
                f"{row.where}: {table_name} {rid} has {key}={value!r}, but {existing.where} "
                f"says {existing.data[key]!r}"
            )
        else:
            existing.data[key] = value


def load_json_file(file: Path, package: Package, name: str):
    """The parsed file, or None when it is over the size caps (the problem is recorded)."""
    if not package.admit(file, name):
        return None
    budget = limits.MAX_JSON_VALUES - package.json_values
    value, used = load_json(file.read_bytes().decode("utf-8-sig"), budget)
    package.json_values += used
    return value

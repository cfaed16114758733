"""How much an HSDS package may hold, and the checks every cell passes before it is kept.

The caps are checked before the bytes are read or while they are parsed, never after, so a
package built to exhaust the server (a huge file, a JSON array of millions of values, JSON
nested thousands deep, a CSV with a giant field) is refused quickly and in little memory. They
are sized for a district's directory: a few thousand services with their locations, phones,
schedules and languages. A bigger directory is imported in parts (references to records
already in the directory are allowed).
"""

MAX_FILE_BYTES = 10 * 1024**2  # one CSV or JSON file
MAX_PACKAGE_BYTES = 50 * 1024**2  # every file of a package together
MAX_FILES = 40  # JSON files in a folder (the tabular package lists its own 22)
MAX_ROWS = 50_000  # records in a package, every table together
MAX_COLUMNS = 200  # columns in a CSV header
MAX_CELL_CHARS = 10_000  # one value: a long description fits, a 20 MB one does not
MAX_ID_CHARS = 64  # HSDS ids are UUIDs; the directory keeps ids of up to 64 characters
MAX_JSON_VALUES = 500_000  # values in all the JSON of a package (a full service has ~450)
MAX_JSON_DEPTH = 32  # nesting in one JSON file (HSDS nests about 8 deep)
MAX_PROBLEMS = 500  # problems reported: enough to fix a file, not enough to fill memory


class Problems(list):
    """A list of problems that keeps the first MAX_PROBLEMS, then one line saying there are
    more: a file wrong on every line cannot fill memory with messages."""

    def append(self, item: str) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(item)
        elif len(self) == MAX_PROBLEMS:
            super().append(f"more than {MAX_PROBLEMS} problems: fix these and import again")

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    @property
    def full(self) -> bool:
        return len(self) > MAX_PROBLEMS


def cell_problem(value: str) -> str | None:
    """Why a text value cannot be kept, or None. NUL and lone surrogates (which JSON escapes
    can carry) are refused by PostgreSQL and by UTF-8 encoders: they would fail at the save, as
    a traceback, instead of here with a line number."""
    if len(value) > MAX_CELL_CHARS:
        return f"is longer than {MAX_CELL_CHARS:,} characters ({len(value):,})"
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not a character)"
    return None


def size_problem(size: int, name: str) -> str | None:
    if size > MAX_FILE_BYTES:
        return (
            f"{name}: the file is {size / 1024**2:.1f} MB; at most "
            f"{MAX_FILE_BYTES // 1024**2} MB per file (import the directory in parts)"
        )
    return None

"""Reading one CSV file of a bundle into rows of named values, and the value rules every
OneRoster file shares (status, dates, booleans, lists).

Columns are found by name, not position: 1.1 and 1.2 order them differently, exports add
vendor `ext_` columns, and some rename a column in a way the spec did not (`agents` for
`agentSourcedIds`). A header name is matched without regard to case or spaces around it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from schoolwell.roster import limits
from schoolwell.roster.bundle import Bundle, Problems, StopFile

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 5000

LIVE_STATUSES = {"", "active"}
# `inactive` is the OneRoster 1.0 word for what 1.1 calls `tobedeleted`; some SIS still send it.
GONE_STATUSES = {"tobedeleted", "inactive"}


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return tuple(n.lower() for n in (self.name, *self.aliases))


def column(name: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, aliases, required)


def _header_index(
    header: list[str], columns: list[Column], shown: str, problems: Problems
) -> list[int | None] | None:
    """Where each wanted column is in the header, or None when a required one is missing."""
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lower()
        if not name:
            continue  # exports pad headers with empty names (`...,orgSourcedId,,`)
        if name in positions:
            problems.add(shown, 1, f"the column {raw.strip()!r} appears twice in the header")
        positions.setdefault(name, i)
    index: list[int | None] = []
    missing = False
    for col in columns:
        found = next((positions[n] for n in col.names() if n in positions), None)
        if found is None and col.required:
            problems.add(shown, 1, f"the required column {col.name!r} is missing from the header")
            missing = True
        index.append(found)
    return None if missing else index


def read_table(
    bundle: Bundle,
    filename: str,
    columns: list[Column],
    problems: Problems,
    progress: Progress | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, values) for each data row, values in the order of `columns` with "" for a
    column the file does not have. Line numbers are the file's own (the header is line 1; a
    quoted field spanning lines is reported at the line where its row starts). A file whose
    CSV is broken stops at the break, with the problem recorded."""
    shown = bundle.display_name(filename)
    total = max(bundle.count_lines(filename) - 1, 0) if progress else 0
    done = 0
    reader = csv.reader(bundle.lines(filename, problems), strict=True)
    previous = 0
    try:
        header = next(reader, None)
        if header is None:
            problems.add(shown, 1, "is empty: the header line is missing")
            problems.broken_files.add(shown)
            return
        if len(header) > limits.MAX_COLUMNS:
            problems.add(
                shown, 1, f"the header has {len(header):,} columns (at most {limits.MAX_COLUMNS})"
            )
            problems.broken_files.add(shown)
            return
        index = _header_index(header, columns, shown, problems)
        if index is None:
            problems.broken_files.add(shown)
            return
        named = max((i for i, name in enumerate(header) if name.strip()), default=-1) + 1
        previous = reader.line_num
        for row in reader:
            if problems.full:
                # A file wrong on every line says so in its first thousand problems;
                # reading on would only cost time and memory (of a file built for that).
                problems.stopped = True
                problems.broken_files.add(shown)
                return
            line, previous = previous + 1, reader.line_num
            if not row:
                continue  # a blank line
            if not _row_shape_ok(row, named, len(header), shown, line, problems):
                continue
            yield line, [row[i].strip() if i is not None and i < len(row) else "" for i in index]
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(shown, done, max(total, done))
    except csv.Error as exc:
        # A quoted value may run over many lines; the csv module stops it at 128 KB.
        message = (
            f"a value is longer than {limits.MAX_VALUE_CHARS:,} characters, the most one may have"
            if str(exc).startswith("field larger than field limit")
            else f"is not valid CSV here ({exc})"
        )
        problems.add(shown, previous + 1, message)
        problems.broken_files.add(shown)
    except StopFile:
        problems.broken_files.add(shown)
    finally:
        if progress:
            progress(shown, done, done)


def _row_shape_ok(
    row: list[str], named: int, width: int, shown: str, line: int, problems: Problems
) -> bool:
    """A row has a value (even an empty one) for every named column, and nothing past the
    header: a row of the wrong length is a row whose values went into the wrong columns.
    No value is longer than limits.MAX_VALUE_CHARS."""
    if len(row) > limits.MAX_COLUMNS:
        problems.add(shown, line, f"the row has {len(row):,} values (at most {limits.MAX_COLUMNS})")
        return False
    if max(map(len, row), default=0) > limits.MAX_VALUE_CHARS:
        longest = max(map(len, row))
        problems.add(
            shown,
            line,
            f"a value is {longest:,} characters long (at most {limits.MAX_VALUE_CHARS:,})",
        )
        return False
    if len(row) < named:
        problems.add(shown, line, f"the row has {len(row)} values but the header has {named}")
        return False
    if len(row) > width and any(value.strip() for value in row[width:]):
        problems.add(shown, line, f"the row has {len(row)} values but the header has {width}")
        return False
    return True


class Cells:
    """Checks values of one row, recording problems against its file and line."""

    def __init__(self, shown: str, line: int, problems: Problems) -> None:
        self.shown = shown
        self.line = line
        self.problems = problems
        self.ok = True

    def problem(self, message: str) -> None:
        self.ok = False
        self.problems.add(self.shown, self.line, message)

    def required(self, value: str, name: str) -> str:
        if not value:
            self.problem(f"{name} is empty but required")
        return value

    def live(self, value: str) -> bool:
        """True for an `active` (or, in bulk files, blank) status, False for `tobedeleted`."""
        status = value.lower()
        if status in LIVE_STATUSES:
            return True
        if status not in GONE_STATUSES:
            self.problem(f"status {value!r} is not active or tobedeleted")
        return False

    def date(self, value: str, name: str) -> date | None:
        """A date as the spec writes it, YYYY-MM-DD; a full ISO date-time is cut to its date."""
        if not value:
            return None
        head = value[:10]
        if len(value) == 10 or (len(value) > 10 and value[10] in "T "):
            try:
                return date.fromisoformat(head)
            except ValueError:
                pass
        self.problem(f"{name} {value!r} is not a date (YYYY-MM-DD)")
        return None

    def boolean(self, value: str, name: str, default: bool) -> bool:
        lowered = value.lower()
        if lowered == "":
            return default
        if lowered in ("true", "false"):
            return lowered == "true"
        self.problem(f"{name} {value!r} is not true or false")
        return default

    def limit(self, value: str, name: str, max_length: int) -> str:
        if len(value) > max_length:
            self.problem(f"{name} is {len(value)} characters long (at most {max_length})")
        return value


def split_list(value: str) -> tuple[str, ...]:
    """A OneRoster list field: comma-separated, spaces around items ignored."""
    if not value:
        return ()
    return tuple(item for item in (part.strip() for part in value.split(",")) if item)

"""What each published count is made of. For every cell of a table and for its totals: how many
records it counts (n), which records exactly (their ids summed: the fingerprint cellkey.py
perturbs with), and how many distinct students those records concern. The suppression
threshold counts students, never records: eleven requests from one student are one student.

Distinct students do not add up: a student with concerns in January and February is one
student in the two months together. So the nightly summary keeps, for each of its cells
(school, month, grade, ...), the students of that cell alone, and a figure read from the
summary gets bounds on its students instead of a count:

- at least: a student has one grade in the summary, so the cells of different grades share
  no student; within a grade, the figure has at least as many students as its largest cell.
  The sum over grades of those largest cells is a lower bound;
- at most: the sum of the cells' students.

Live days are counted exactly and combined the same way. When the bounds leave the
threshold undecided (the lower one below it, the upper one at or above it), the students are
counted exactly, live, over the whole range: in a large district that is a handful of cells,
in a small one a small query. Either way the decision is the exact one, so a figure read from
the summary is published exactly as the same figure counted live.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import CharField, F, Max, QuerySet, Sum, Value
from django.db.models import Count as CountOf

from schoolwell.trends import rollup
from schoolwell.trends.scope import Scope


class _Total:
    def __repr__(self) -> str:
        return "TOTAL"


TOTAL = _Total()  # the row or column key of a table's totals


@dataclass(frozen=True)
class Count:
    """One figure before publication. low <= distinct students <= high (equal when exact)."""

    tag: str
    n: int = 0
    ids: int = 0
    low: int = 0
    high: int = 0

    def settled(self, threshold: int) -> bool:
        return self.n == 0 or self.low >= threshold or self.high < threshold


@dataclass(frozen=True)
class Part:
    """One kind of record counted in a table: which records (`records(scope)` returns those of
    the scope's live days, or of its whole range when the scope is all live), which row and
    column each falls in, and where the nightly summary keeps them (None: always live)."""

    tag: str
    records: Callable[[Scope], QuerySet]
    row: dict[str, Any]  # alias -> expression; several aliases make a tuple key
    column: Any = None  # an expression naming each record's column; None: the column `name`
    name: str = ""
    student: str = "student_id"
    summary: Any = None
    summary_filter: dict = field(default_factory=dict)
    summary_row: str = ""
    summary_column: str = ""
    # Count only the records of the table's rows, in SQL (for a row that is a plain field), so
    # that a total counts exactly the records of its rows: a category no longer shown, a grade
    # nobody is enrolled in, a kind no longer offered.
    only_rows: bool = False

    def live(self, scope: Scope) -> Scope:
        if self.summary is None or scope.rolled is None:
            return replace(scope, rolled=None)
        return scope

    def grouped(self, scope: Scope, rows: Sequence, columns: Sequence) -> QuerySet:
        """The part's records annotated with their row (the aliases of `row`) and column."""
        names = dict(self.row)
        if self.column is not None:
            names["t_column"] = self.column
        qs = self.records(scope).order_by().annotate(**names)
        if self.only_rows:
            (alias,) = self.row
            qs = qs.filter(**{f"{alias}__in": list(rows)})
        if self.column is not None:
            qs = qs.filter(t_column__in=list(columns))
        return qs

    def key(self, row: dict) -> Any:
        values = [_plain(row[alias]) for alias in self.row]
        return values[0] if len(values) == 1 else tuple(values)


def _plain(value):
    """Months arrive as datetimes from some backends and as dates from others."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass
class Grid:
    rows: list
    columns: list
    counts: dict = field(default_factory=dict)  # (row, column) -> Count; TOTAL for margins

    def at(self, row, column) -> Count:
        return self.counts.get((row, column)) or Count(tag="")


class _Sums:
    """Running n, ids and student bounds of every group a table publishes."""

    def __init__(self) -> None:
        self.n: dict = defaultdict(int)
        self.ids: dict = defaultdict(int)
        self.high: dict = defaultdict(int)
        self.low_live: dict = defaultdict(int)
        self.top: dict = defaultdict(int)  # (group, grade) -> students of its largest cell

    def live(self, group, n: int, ids: int, students: int) -> None:
        """Live records counted exactly: those of the group itself, or of one cell within it
        (then its students bound the group's: at least the cell's, at most the sum)."""
        self.n[group] += n
        self.ids[group] += ids
        self.high[group] += students
        self.low_live[group] = max(self.low_live[group], students)

    def summary(self, groups, n: int, ids: int, largest: int, students: int, grade) -> None:
        """Summary cells of one grade: `largest` is the students of the largest of them,
        `students` their sum."""
        for group in groups:
            self.n[group] += n
            self.ids[group] += ids
            self.high[group] += students
            self.top[(group, grade)] = max(self.top[(group, grade)], largest)

    def counts(self, tag: str) -> dict:
        low_summary: dict = defaultdict(int)
        for (group, _grade), top in self.top.items():
            low_summary[group] += top
        return {
            group: Count(
                tag=tag,
                n=self.n[group],
                ids=self.ids[group],
                low=max(self.low_live[group], low_summary[group]),
                high=self.high[group],
            )
            for group in self.n
        }


def count(
    scope: Scope,
    rows: Sequence,
    columns: Sequence,
    parts: Sequence[Part],
    *,
    row_totals: bool = False,
) -> Grid:
    """The grid of a table: its cells, its column totals and, when its columns partition one
    kind of record, its row totals and grand total."""
    if row_totals and len(parts) != 1:
        raise ValueError("row totals add up the columns of one kind of record")
    grid = Grid(rows=list(rows), columns=list(columns))
    for part in parts:
        grid.counts.update(_count_part(part, scope, grid, row_totals))
    return grid


# Kinds of group, as (by row, by column). A query's first kind groups by row when any does:
# its row expression then gives the union its type (a month, a UUID) on every backend.
CELLS, ROW_TOTALS, COLUMN_TOTALS, GRAND_TOTAL = (1, 1), (1, 0), (0, 1), (0, 0)


def _count_part(part: Part, scope: Scope, grid: Grid, row_totals: bool) -> dict:
    scope = part.live(scope)
    kinds = [CELLS, *([ROW_TOTALS] if row_totals else []), COLUMN_TOTALS]
    kinds += [GRAND_TOTAL] if row_totals else []
    wanted_rows, wanted_columns = set(grid.rows), set(grid.columns)
    sums = _Sums()
    if part.summary is None or scope.rolled is None:
        for group, (n, ids, students) in _counted(part, scope, grid, kinds).items():
            sums.live(group, n, ids, students)
    else:
        # Beside the summary only the live days' cells are counted (one query, as cheap as a
        # plain count); the totals take bounds from them, as from the summary's cells.
        for (key, column), (n, ids, students) in _counted(part, scope, grid, [CELLS]).items():
            for group in _lines(key, column, row_totals):
                sums.live(group, n, ids, students)
        names = {"t_key": F(part.summary_row), "t_grade": F("grade")}
        if part.summary_column:
            names["t_column"] = F(part.summary_column)
        cells = rollup.cells(part.summary, scope).filter(**part.summary_filter).values(**names)
        for row in cells.annotate(
            t_n=Sum("n"), t_ids=Sum("ids"), t_top=Max("students"), t_s=Sum("students")
        ):
            key, column = _plain(row["t_key"]), row.get("t_column", part.name)
            if key in wanted_rows and column in wanted_columns:
                groups = _lines(key, column, row_totals)
                n, ids, students = int(row["t_n"]), int(row["t_ids"]), int(row["t_s"])
                sums.summary(groups, n, ids, row["t_top"], students, row["t_grade"])
    counts = sums.counts(part.tag)
    unsettled = [g for g, c in counts.items() if not c.settled(scope.threshold)]
    if unsettled:
        kinds = {(int(g[0] is not TOTAL), int(g[1] is not TOTAL)) for g in unsettled}
        exact = _counted(part, replace(scope, rolled=None), grid, sorted(kinds, reverse=True))
        for group in unsettled:
            students = exact[group][2]
            counts[group] = replace(counts[group], low=students, high=students)
    return counts


def _lines(key, column, row_totals: bool) -> list:
    """A cell and the totals it counts in."""
    return [(key, column), (TOTAL, column)] + ([(key, TOTAL), (TOTAL, TOTAL)] if row_totals else [])


def _counted(part: Part, scope: Scope, grid: Grid, kinds: list) -> dict:
    """In one query: the records, the sum of their ids and their distinct students of every
    group of each kind asked for ((by row, by column): cells, column totals, row totals, the
    grand total), among the table's rows and columns."""
    records = part.grouped(scope, grid.rows, grid.columns)
    measures = {
        "t_n": CountOf("pk"),
        "t_ids": Sum("pk"),
        "t_s": CountOf(part.student, distinct=True),
    }
    queries = []
    for by_row, by_column in kinds:
        nothing = Value(None, output_field=CharField())
        fields = {"t_kind": Value(f"{by_row:d}{by_column:d}")}
        fields |= {f"t_r{i}": F(alias) if by_row else nothing for i, alias in enumerate(part.row)}
        fields["t_c"] = F("t_column") if by_column and part.column is not None else nothing
        queries.append(records.values(**fields).annotate(**measures))
    found = {}
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    wanted_rows = set(grid.rows)
    for row in union:
        by_row, by_column = (int(flag) for flag in row["t_kind"])
        key = part.key({alias: row[f"t_r{i}"] for i, alias in enumerate(part.row)})
        if by_row and key not in wanted_rows:
            continue
        column = (row["t_c"] if part.column is not None else part.name) if by_column else TOTAL
        group = (key if by_row else TOTAL, column)
        found[group] = (row["t_n"], int(row["t_ids"] or 0), row["t_s"])
    return found

"""Shape the counts into published tables. tally.py gives every cell and every total its
records, fingerprint and students; suppression.shown() turns each into what is published; only
then are rates and other derived figures computed, from the published counts alone. A
PublishedTable is the only thing views, CSV, JSON and charts see."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html_join
from django.utils.translation import gettext

from schoolwell.trends.suppression import HIDDEN, shown
from schoolwell.trends.tally import TOTAL, Grid

# A derived figure with nothing to divide by (no students, no cases): shown empty.
NOT_APPLICABLE = float("nan")


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | int | None  # None when hidden


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    is_total: bool = False

    def cells_html(self) -> str:
        """The row's data cells for the page, escaped: built here rather than cell by cell in
        the template, which cost a third of a district view's time with a few thousand
        cells. A hidden derived figure reads "suppressed" in the page's language."""
        hidden = gettext("suppressed")
        texts = (hidden if c.value is None and c.text == HIDDEN else c.text for c in self.cells)
        return format_html_join("", "<td>{}</td>", ((text,) for text in texts))


@dataclass(frozen=True)
class Derived:
    """A figure computed from a row's published counts, e.g. a rate per 100 students.
    `compute(values, row_key)` gets {column key: published value or None}; it returns None
    when a count it needs is hidden, and that figure is hidden too."""

    label: str
    compute: Callable[[dict, object], float | None]
    decimals: int = 1
    suffix: str = ""


@dataclass
class PublishedTable:
    key: str
    title: str
    description: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    chart: str
    count_columns: int  # counts shown, the row total included
    interior_columns: int  # counts shown, without the row total
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        counts = [c for r in self.rows if not r.is_total for c in r.cells[: self.count_columns]]
        return all(c.text == "0" for c in counts)

    @property
    def all_suppressed(self) -> bool:
        """Something was recorded, but every count of a row (its total aside) is about too few
        students to publish: a chart of it would be an empty axis, so the page says why."""
        counts = [c for r in self.rows if not r.is_total for c in r.cells[: self.interior_columns]]
        return not self.is_empty and all(c.value in (None, 0) for c in counts)


def publish(
    *,
    key: str,
    title: str,
    description: str,
    row_header: str,
    grid: Grid,
    row_labels: dict,
    column_labels: dict,
    threshold: int,
    chart: str,
    total_label: str,
    row_totals: bool = False,
    row_total_label: str = "",
    derived: Sequence[Derived] = (),
    notes: Sequence[str] = (),
) -> PublishedTable:
    """Every row of the grid and its totals row; a row total column when the grid has them."""
    col_keys = [*grid.columns, TOTAL] if row_totals else list(grid.columns)
    columns = [str(column_labels[c]) for c in grid.columns]
    columns += [str(row_total_label)] if row_totals else []
    columns += [str(d.label) for d in derived]
    rows = []
    for row_key in [*grid.rows, TOTAL]:
        cells = [Cell(*shown(grid.at(row_key, c), threshold)) for c in col_keys]
        values = dict(zip(grid.columns, (c.value for c in cells), strict=False))
        if row_totals:
            values["total"] = cells[-1].value
        line = None if row_key is TOTAL else row_key
        for d in derived:
            number = d.compute(values, line)
            if number is NOT_APPLICABLE:
                cells.append(Cell("", None))
                continue
            text = HIDDEN if number is None else f"{number:.{d.decimals}f}{d.suffix}"
            cells.append(Cell(text, None if number is None else round(number, d.decimals)))
        label = str(total_label if line is None else row_labels.get(row_key, row_key))
        rows.append(Row(label=label, cells=tuple(cells), is_total=line is None))
    return PublishedTable(
        key=key,
        title=title,
        description=description,
        row_header=row_header,
        columns=columns,
        rows=rows,
        chart=chart,
        count_columns=len(col_keys),
        interior_columns=len(grid.columns),
        notes=list(notes),
    )


def per_100(column: str, denominators: dict, total_key=None) -> Callable:
    """Rate per 100 enrolled students, from a published count only."""

    def compute(values: dict, row_key) -> float | None:
        count = values.get(column)
        students = denominators.get(total_key if row_key is None else row_key) or 0
        if not students:
            return NOT_APPLICABLE
        if count is None:
            return None
        return count * 100 / students

    return compute


def share(column: str, of: Sequence[str] = ("total",)) -> Callable:
    """column / sum(of) as a percentage (`total` is the row total); hidden if any count
    involved is hidden, empty when there is nothing to divide by."""

    def compute(values: dict, row_key) -> float | None:
        parts = [values.get(c) for c in of]
        if values.get(column) is None or any(p is None for p in parts):
            return None
        if not sum(parts):
            return NOT_APPLICABLE
        return values[column] * 100 / sum(parts)

    return compute

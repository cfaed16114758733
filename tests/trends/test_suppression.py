"""The privacy rule, proved over random small-count tables (hypothesis): nothing published
lies between 1 and threshold-1, and no hidden count can be worked back from what is
published, by the row and column totals together or by any single line with its bounds."""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolwell.trends.suppression import HIDDEN, suppress

SMALL_COUNTS = st.one_of(
    st.integers(0, 3), st.integers(1, 12), st.integers(10, 60), st.just(0), st.just(1)
)


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 7))
    cols = draw(st.integers(1, 5))
    values = draw(st.lists(SMALL_COUNTS, min_size=rows * cols, max_size=rows * cols))
    margins = {"row_totals": draw(st.booleans()), "column_totals": draw(st.booleans())}
    return np.array(values, dtype=np.int64).reshape(rows, cols), draw(st.integers(5, 12)), margins


def line_equations(shape):
    """Independent of the module: each row and column (totals included) sums to its total."""
    equations = []
    n_rows, n_cols = shape
    for i in range(n_rows):
        eq = np.zeros(shape)
        eq[i, :-1], eq[i, -1] = 1, -1
        equations.append(eq.ravel())
    for j in range(n_cols):
        eq = np.zeros(shape)
        eq[:-1, j], eq[-1, j] = 1, -1
        equations.append(eq.ravel())
    return np.array(equations)


def pinned_by_the_equations(grid, hidden, cell) -> bool:
    """A hidden cell is recoverable when its unit vector lies in the row space of the
    equations restricted to the hidden cells (rank test, not the module's null-space one)."""
    columns = np.flatnonzero(hidden.ravel())
    a = line_equations(grid.shape)[:, columns]
    unit = (columns == np.ravel_multi_index(cell, grid.shape)).astype(float)
    return np.linalg.matrix_rank(np.vstack([a, unit])) == np.linalg.matrix_rank(a)


def pinned_by_one_line(result, line) -> bool:
    """What an attacker learns from one line alone, knowing that a "<t" cell is 1..t-1."""
    grid, hidden, t = result.grid, result.hidden, result.threshold
    shown_below = {c for c in line if hidden[c] and result.text(*c) == f"<{t}"}
    *cells, total = line
    terms = [(c, 1) for c in cells] + [(total, -1)]
    known = sum(sign * grid[c] for c, sign in terms if not hidden[c])
    unknown = [(c, sign) for c, sign in terms if hidden[c]]
    bounds = {c: (1, t - 1) if c in shown_below else (0, math.inf) for c, _ in unknown}
    for cell, sign in unknown:
        # sign * x_cell = -known - sum(other signed terms)
        others = [(c, s) for c, s in unknown if c != cell]
        lo = -known - sum(s * (bounds[c][1] if s > 0 else bounds[c][0]) for c, s in others)
        hi = -known - sum(s * (bounds[c][0] if s > 0 else bounds[c][1]) for c, s in others)
        lo, hi = (lo, hi) if sign > 0 else (-hi, -lo)
        lo, hi = max(lo, bounds[cell][0]), min(hi, bounds[cell][1])
        if lo == hi and grid[cell] != 0 and not result.unpublished[cell]:
            return True
    return False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_published_cell_is_a_small_count(table):
    counts, threshold, margins = table
    result = suppress(counts, threshold, **margins)
    for (i, j), value in np.ndenumerate(result.grid):
        if result.unpublished[i, j]:
            continue
        text = result.text(i, j)
        if text not in (HIDDEN, f"<{threshold}"):
            assert int(text) == value
            assert not 1 <= value < threshold, (counts, threshold, (i, j))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_recovered_from_the_totals(table):
    counts, threshold, margins = table
    result = suppress(counts, threshold, **margins)
    grid, hidden = result.grid, result.hidden
    for cell in map(tuple, np.argwhere(hidden)):
        if grid[cell] != 0 and not result.unpublished[cell]:
            assert not pinned_by_the_equations(grid, hidden, cell), (counts, threshold, cell)
    n_rows, n_cols = grid.shape
    lines = [[(i, k) for k in range(n_cols)] for i in range(n_rows)]
    lines += [[(k, j) for k in range(n_rows)] for j in range(n_cols)]
    for line in lines:
        assert not pinned_by_one_line(result, line), (counts, threshold, line)


def test_a_lone_small_count_takes_the_smallest_other_cell_of_its_row_and_column_with_it():
    result = suppress([[3, 20, 30], [15, 40, 12], [25, 25, 25]], 10)
    assert result.text(0, 0) == "<10"
    assert [result.text(0, 1), result.text(1, 0), result.text(1, 1)] == [HIDDEN] * 3
    # Everything else, totals included, is published as it is.
    assert result.text(2, 2) == "25" and result.text(3, 3) == "195"


def test_a_table_without_small_counts_is_published_whole():
    result = suppress([[10, 20], [30, 0]], 10)
    assert not result.hidden.any()
    assert result.text(1, 1) == "0"

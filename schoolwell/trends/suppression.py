"""The privacy rule every published trends figure goes through before anything leaves the
server (page, table, CSV, chart, JSON). One rule for every count, so that no combination of
published figures can undo it:

1. a count of records concerning fewer than `threshold` distinct students (but some) is not
   published: it reads "<10" (the threshold counts students, not records);
2. every other count above zero is published with its cell-key adjustment (cellkey.py): the
   same records always give the same figure, different records independent adjustments, and a
   published count is never below the threshold;
3. zero is published as it is: it identifies nobody;
4. a total is a count of its own (its records, its students, its adjustment), never the sum of
   published cells, so a total minus its published parts is as uncertain as any difference.

Rates, shares and percentiles are computed from the published counts only (frames.py), and a
figure built on a hidden count is hidden too (HIDDEN).
"""

from schoolwell.trends import cellkey
from schoolwell.trends.tally import Count

# How a hidden derived figure (a rate on a hidden count, a percentile of too few waits) reads.
HIDDEN = "suppressed"


def below(threshold: int) -> str:
    return f"<{threshold}"


def shown(count: Count, threshold: int) -> tuple[str, int | None]:
    """(text, value) of a count as published; value None when hidden."""
    if threshold < 2:
        raise ValueError("a suppression threshold below 2 hides nothing")
    if count.n == 0:
        return "0", 0
    if not count.settled(threshold):
        raise ValueError(f"students of {count} not counted exactly")
    if count.high < threshold:
        return below(threshold), None
    value = count.n + cellkey.adjustment(count.tag, count.ids, count.n, threshold)
    return str(value), value

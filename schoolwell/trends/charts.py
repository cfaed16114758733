"""plotly figures from published tables only: a hidden cell is a gap in the chart, never a
number. The figure goes to the page as JSON and plotly.js (our own static copy) draws it."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from schoolwell.trends.frames import PublishedTable
from schoolwell.trends.tables import TIER_SHAPE

# What each chart draws: its counts (without the row total) or its derived figures (a slice
# of them), and how.
PLOTTED = {
    "month": ("line", "derived", slice(None)),
    "school": ("bar", "derived", slice(None)),
    "grade": ("bar", "derived", slice(None)),
    "category": ("hbar", "derived", slice(None)),
    "triage": ("line", "derived", slice(1, None)),
    "services": ("bar", "counts", slice(None)),
    "support": ("stack", "counts", slice(None)),
    "referrals": ("stack", "counts", slice(None)),
    "caseload": ("hstack", "counts", slice(None)),
    "tiers": ("tiers", "derived", slice(None)),
    "needs": ("stack", "counts", slice(None)),
}
COLOURS = ["#1f5f8b", "#e07b00", "#3c8d40", "#8e44ad", "#b03a2e", "#5d6d7e"]


def figure(table: PublishedTable) -> dict:
    """The plotly figure as plain data. Built as dicts rather than graph objects: validating
    eleven figures on every request took about 150 ms of a district view; the tests build a
    plotly.graph_objects.Figure from each of these, which validates the same structure."""
    kind, part, which = PLOTTED[table.key]
    if part == "counts":
        columns = list(range(table.interior_columns))[which]
    else:
        columns = list(range(table.count_columns, len(table.columns)))[which]
    rows = [r for r in table.rows if not r.is_total]
    labels = [r.label for r in rows]
    traces = []
    for n, index in enumerate(columns):
        values = [r.cells[index].value for r in rows]
        trace = {
            "name": table.columns[index],
            "marker": {"color": COLOURS[n % len(COLOURS)]},
            "customdata": [r.cells[index].text for r in rows],
            "hovertemplate": "%{customdata}<extra>" + table.columns[index] + "</extra>",
        }
        if kind == "line":
            trace |= {"type": "scatter", "x": labels, "y": values, "mode": "lines+markers"}
        elif kind in ("hbar", "hstack"):
            trace |= {"type": "bar", "y": labels, "x": values, "orientation": "h"}
        else:
            trace |= {"type": "bar", "x": labels, "y": values}
        traces.append(trace)
    if kind == "tiers":
        for n, (tier, share) in enumerate(TIER_SHAPE.items()):
            traces.append(
                {
                    "type": "bar",
                    "x": [_("Usual shape")],
                    "y": [share],
                    "name": _("Usual tier %(tier)s") % {"tier": tier},
                    "marker": {"color": COLOURS[n], "pattern": {"shape": "/"}},
                    "showlegend": False,
                }
            )
    horizontal = kind in ("hbar", "hstack")
    # Category names are typed by people and can be long ("Riverbend Elementary School"):
    # the axis shows them wrapped onto short lines, the hover and the table keep them whole.
    ticks = [*labels, _("Usual shape")] if kind == "tiers" else labels
    ticktext = [wrap(label, 22 if horizontal else 14) for label in ticks]
    categories = {
        # Always categories: grades "01".."12" beside "KG" would otherwise make plotly read
        # the axis as numbers and drop the bar it cannot place.
        "type": "category",
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": ticktext,
        "automargin": True,
    }
    # A row of a horizontal chart is as tall as its longest wrapped label (16 px a line at
    # 13 px type), so that two-line labels never run into each other.
    lines = max((text.count("<br>") + 1 for text in ticktext), default=1)
    row = max(26, 16 * lines + 8)
    layout = {
        "barmode": "stack" if kind in ("stack", "hstack", "tiers") else "group",
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "height": max(340, row * len(labels) + 80) if horizontal else 380,
        # The legend sits above the plot, anchored by its bottom edge: plotly then grows the
        # top margin to fit however many lines it wraps to, and it can never meet the tick
        # labels under the x axis (below the plot it did, once they were rotated or wrapped).
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.02,
            "yanchor": "bottom",
        },
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    if horizontal:
        layout["yaxis"] |= {"autorange": "reversed", **categories}
    elif kind != "line":  # months are short, and plotly thins them out when crowded
        layout["xaxis"] |= categories
    return {
        "data": traces,
        "layout": layout,
        # No mode bar: its buttons would be controls nested in the chart, and the table and
        # CSV beside each chart already give the exact figures.
        "config": {"displaylogo": False, "displayModeBar": False, "responsive": True},
    }


def wrap(label: str, width: int) -> str:
    """The label on lines of about `width` characters (plotly breaks lines at <br>), words
    kept whole; a single word longer than a line is shortened with an ellipsis. plotly reads
    tick text as its small HTML subset, so a typed "<" or "&" is escaped, never markup."""
    lines: list[str] = []
    for word in label.split():
        word = word if len(word) <= width else word[: width - 1] + "…"
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape(line) for line in lines) or escape(label)

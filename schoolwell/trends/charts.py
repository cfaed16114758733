"""plotly figures from published tables only: a hidden cell is a gap in the chart, never a
number. The figure goes to the page as JSON and plotly.js (our own static copy) draws it."""

import json

import plotly.graph_objects as go
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
    kind, part, which = PLOTTED[table.key]
    if part == "counts":
        columns = list(range(table.interior_columns))[which]
    else:
        columns = list(range(table.count_columns, len(table.columns)))[which]
    rows = [r for r in table.rows if not r.is_total]
    labels = [r.label for r in rows]
    fig = go.Figure()
    for n, index in enumerate(columns):
        values = [r.cells[index].value for r in rows]
        texts = [r.cells[index].text for r in rows]
        common = {
            "name": table.columns[index],
            "marker": {"color": COLOURS[n % len(COLOURS)]},
            "customdata": texts,
            "hovertemplate": "%{customdata}<extra>" + table.columns[index] + "</extra>",
        }
        if kind == "line":
            fig.add_trace(go.Scatter(x=labels, y=values, mode="lines+markers", **common))
        elif kind in ("hbar", "hstack"):
            fig.add_trace(go.Bar(y=labels, x=values, orientation="h", **common))
        else:
            fig.add_trace(go.Bar(x=labels, y=values, **common))
    if kind == "tiers":
        for n, (tier, share) in enumerate(TIER_SHAPE.items()):
            fig.add_trace(
                go.Bar(
                    x=[_("Usual shape")],
                    y=[share],
                    name=_("Usual tier %(tier)s") % {"tier": tier},
                    marker={"color": COLOURS[n], "pattern": {"shape": "/"}},
                    showlegend=False,
                )
            )
    fig.update_layout(
        template="none",
        barmode="stack" if kind in ("stack", "hstack", "tiers") else "group",
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=max(320, 22 * len(labels)) if kind in ("hbar", "hstack") else 360,
        legend={"orientation": "h", "y": -0.2},
        font={"family": "system-ui, sans-serif", "size": 13},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    if kind in ("hbar", "hstack"):
        fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(automargin=True)
    return json.loads(fig.to_json()) | {
        # No mode bar: its buttons would be controls nested in the chart, and the table and
        # CSV beside each chart already give the exact figures.
        "config": {"displaylogo": False, "displayModeBar": False, "responsive": True}
    }

"""The link page's chart: the cause's and the effect's monthly scores together, the effect shifted by the best lag."""

import textwrap
from dataclasses import dataclass
from datetime import date
from html import escape

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .evidence import Evidence, MonthlySeries, add_months

CAUSE_COLOUR = "#0a58ca"
EFFECT_COLOUR = "#b35c00"


@dataclass(frozen=True)
class PairedRow:
    month: date  # the cause's month
    cause: float | None
    effect_month: date
    effect: float | None


def paired_rows(cause: MonthlySeries, effect: MonthlySeries, *, lag: int) -> list[PairedRow]:
    """Each month of the cause's series beside the effect's score `lag` months later (the chart as a table),
    leaving out months where neither has a score."""
    rows = [
        PairedRow(month, value, add_months(month, lag), effect.get(add_months(month, lag)))
        for month, value in sorted(cause.items())
    ]
    return [row for row in rows if row.cause is not None or row.effect is not None]


def _legend_name(text: str) -> str:
    """Escaped, and wrapped so that a long title fits a phone's width (plotly does not wrap legends)."""
    return "<br>".join(escape(line) for line in textwrap.wrap(text, 40))


def link_figure(
    cause: MonthlySeries, effect: MonthlySeries, *, evidence: Evidence, cause_title: str, effect_title: str
) -> go.Figure:
    lag = evidence.lag or 0
    rows = paired_rows(cause, effect, lag=lag)
    months = [row.month.isoformat() for row in rows]
    if lag:
        shifted = ngettext("%(title)s, %(count)d month later", "%(title)s, %(count)d months later", lag) % {
            "title": effect_title,
            "count": lag,
        }
    else:
        shifted = effect_title
    fig = go.Figure(
        layout={
            "template": {},
            "height": 360,
            "margin": {"l": 48, "r": 12, "t": 72, "b": 40},
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
            "yaxis": {"title": {"text": escape(_("Score (0–10)"))}, "range": [0, 10.2], "fixedrange": True},
            "xaxis": {"type": "date", "fixedrange": True},
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
        }
    )
    fig.layout.template = None
    # Line style and marker differ as well as colour: never colour alone.
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[row.cause for row in rows],
            name=_legend_name(_("Cause: %(title)s") % {"title": cause_title}),
            mode="lines+markers",
            line={"color": CAUSE_COLOUR, "width": 2.5},
            marker={"symbol": "circle"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[row.effect for row in rows],
            name=_legend_name(_("Effect: %(title)s") % {"title": shifted}),
            mode="lines+markers",
            line={"color": EFFECT_COLOUR, "width": 2.5, "dash": "dash"},
            marker={"symbol": "diamond"},
        )
    )
    return fig

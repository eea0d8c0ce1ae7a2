"""Plotly figures for the dashboards, built from plain values (no ORM objects, no database).

Views turn the result into page data with `scorecard_site.charts.figure_payload(fig)`. Names and
units come from users: each goes in through `plotly_text`, so plotly shows it as text, never as
markup or a link. Only trace types of the plotly.js *cartesian* partial bundle are used (scatter,
bar, heatmap), so the bundle the app serves draws all of them. Colours never carry meaning alone: lines differ in dash
style and name, cells and bars carry their number as text.
"""

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from scorecard_site.charts import plotly_text

from .evaluation import labels
from .scoring import AMBER_FROM, GREEN_FROM, status_for_score

# The status colours, the same as static/css/scorecard.css (--sc-green, ...).
GREEN = "#198754"
AMBER = "#cc8a00"
RED = "#dc3545"
GREY = "#6c757d"
STATUS_COLOURS = {"green": GREEN, "amber": AMBER, "red": RED, "grey": GREY}
ACTUAL_COLOUR = "#0d6efd"  # Bootstrap primary: the measured line is neither "good" nor "bad"
BAND_OPACITY = 0.14

# Roll-up colour thresholds of DESIGN.md section 4 (>= 20/3 green, >= 10/3 amber, else red).

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}
LINE_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, GREY)


def status_label(status: str, *, in_progress: bool = False) -> str:
    """The status as words, for everywhere a colour must not be the only signal: the pages' vocabulary."""
    return labels.status_label(status, in_progress=in_progress)


def _figure(*, height: int, title: str = "", margin: dict[str, int] | None = None, **layout: object) -> go.Figure:
    """An empty figure without plotly.py's default template (it would add ~6 KB to every chart).

    The layout goes into the constructor: `update_layout` on a fresh figure costs several milliseconds per call
    (plotly.py's relayout machinery), which adds up on a dashboard with dozens of sparklines.
    """
    base: dict[str, object] = {
        "template": {},  # plotly.py adds its default template to a layout without one; it is removed below
        "height": height,
        "font": FONT,
        "margin": margin or {"l": 48, "r": 12, "t": 36 if title else 12, "b": 36},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        **layout,
    }
    if title:
        base["title"] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}}
    fig = go.Figure(layout=base)
    fig.layout.template = None
    return fig


def _known(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _value_range(values: Sequence[float | None]) -> tuple[float, float]:
    """A y range with some room around every value; starts at 0 when nothing is negative and 0 is near."""
    known = _known(values)
    if not known:
        return 0.0, 1.0
    low, high = min(known), max(known)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    bottom, top = low - pad, high + pad
    if low >= 0 > bottom:
        bottom = 0.0
    return bottom, top


def _band_edges(
    goals: Sequence[float | None], red_flags: Sequence[float | None]
) -> tuple[list[float | None], list[float | None]]:
    """Per period the goal and the red flag; without a red flag the amber band is empty (goal only)."""
    goal_edge: list[float | None] = []
    flag_edge: list[float | None] = []
    for goal, flag in zip(goals, red_flags, strict=True):
        goal_edge.append(goal)
        flag_edge.append(None if goal is None else (goal if flag is None else flag))
    return goal_edge, flag_edge


def _bands(
    labels: list[str],
    goals: Sequence[float | None],
    red_flags: Sequence[float | None],
    *,
    higher_is_better: bool,
    y_range: tuple[float, float],
) -> list[go.Scatter]:
    """Red, amber and green areas, stacked with fill="tonexty" from the bottom of the chart upwards."""
    goal_edge, flag_edge = _band_edges(goals, red_flags)
    bottom_edge = [None if g is None else y_range[0] for g in goal_edge]
    top_edge = [None if g is None else y_range[1] for g in goal_edge]
    if higher_is_better:  # red below the red flag, amber up to the goal, green above it
        stack = [("red", _("Red zone"), flag_edge), ("amber", _("Amber zone"), goal_edge)]
        stack.append(("green", _("Green zone"), top_edge))
    else:  # mirrored: green below the goal, amber up to the red flag, red above it
        stack = [("green", _("Green zone"), goal_edge), ("amber", _("Amber zone"), flag_edge)]
        stack.append(("red", _("Red zone"), top_edge))
    common = {"x": labels, "mode": "none", "hoverinfo": "skip", "legendgroup": "bands"}
    traces = [go.Scatter(y=bottom_edge, name="band-floor", showlegend=False, **common)]
    for status, name, edge in stack:
        colour = status_colour(status)
        fill = _rgba(colour, BAND_OPACITY)
        traces.append(go.Scatter(y=edge, name=name, fill="tonexty", fillcolor=fill, meta=status, **common))
    return traces


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def kpi_period_chart(
    *,
    labels: list[str],
    actuals: list[float | None],
    goals: list[float | None],
    red_flags: list[float | None],
    unit: str,
    higher_is_better: bool | None = None,
    forecast: tuple[str, float] | None = None,
    title: str = "",
    marks: Sequence[tuple[str, str]] = (),
) -> go.Figure:
    """A KPI's actual per period against its goal and red flag, over red/amber/green bands.

    `marks` are (period label, text) drawn as a dotted vertical line, e.g. where a platform changed a metric.

    Goals that change from period to period (pacing) draw a sloped goal line. `forecast` is
    (label of the period end, projected value), drawn dashed from the last actual. Without
    `higher_is_better`, the newest period with both a goal and a red flag says which way is up.
    """
    if not len(labels) == len(actuals) == len(goals) == len(red_flags):
        raise ValueError("labels, actuals, goals and red_flags must have the same length")
    if higher_is_better is None:
        known = [(g, f) for g, f in zip(goals, red_flags, strict=True) if g is not None and f is not None]
        higher_is_better = not known or known[-1][0] >= known[-1][1]
    forecast_values = [forecast[1]] if forecast else []
    y_range = _value_range([*actuals, *goals, *red_flags, *forecast_values])
    unit = plotly_text(unit)
    hover = f"%{{y:,.2~f}} {unit}".strip()
    fig = _figure(
        height=320,
        title=plotly_text(title),
        showlegend=True,
        legend={"orientation": "h", "y": -0.15, "x": 0},
        hovermode="x unified",
        xaxis={"type": "category", "showgrid": False},
        yaxis={"range": list(y_range), "title": {"text": unit}, "gridcolor": "#e9ecef", "zeroline": False},
    )
    if _known(goals):
        fig.add_traces(_bands(labels, goals, red_flags, higher_is_better=higher_is_better, y_range=y_range))
    if _known(red_flags):
        fig.add_trace(
            go.Scatter(
                x=labels, y=red_flags, name=_("Red flag"), mode="lines", hovertemplate=hover,
                line={"color": RED, "dash": "dot", "width": 2},
            )
        )  # fmt: skip
    if _known(goals):
        fig.add_trace(
            go.Scatter(
                x=labels, y=goals, name=_("Goal"), mode="lines", hovertemplate=hover,
                line={"color": GREEN, "dash": "longdash", "width": 2},
            )
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=labels, y=actuals, name=_("Actual"), mode="lines+markers", hovertemplate=hover,
            line={"color": ACTUAL_COLOUR, "dash": "solid", "width": 3}, marker={"size": 7, "symbol": "circle"},
        )
    )  # fmt: skip
    if forecast is not None:
        fig.add_trace(_forecast_trace(labels, actuals, forecast, hover))
    for label, text in marks:
        fig.add_shape(type="line", x0=label, x1=label, yref="paper", y0=0, y1=1, line={"dash": "dot", "width": 1})
        fig.add_annotation(x=label, yref="paper", y=1, text=text, showarrow=False, yanchor="bottom", font={"size": 11})
    return fig


def _forecast_trace(
    labels: list[str], actuals: list[float | None], forecast: tuple[str, float], hover: str
) -> go.Scatter:
    last = next(((labels[i], actuals[i]) for i in range(len(labels) - 1, -1, -1) if actuals[i] is not None), None)
    xs, ys = ([last[0]], [last[1]]) if last else ([], [])
    return go.Scatter(
        x=[*xs, forecast[0]], y=[*ys, forecast[1]], name=_("Forecast"), mode="lines+markers",
        hovertemplate=hover, line={"color": ACTUAL_COLOUR, "dash": "dash", "width": 2},
        marker={"size": [0] * len(xs) + [9], "symbol": "diamond-open"},
    )  # fmt: skip


def sparkline(values: list[float | None], *, status: str) -> go.Figure:
    """A tiny line of the last periods, no axes; the last value marked in the status colour."""
    colour = status_colour(status)
    fig = _figure(
        height=36,
        showlegend=False,
        margin={"l": 2, "r": 2, "t": 2, "b": 2},
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True},
        hovermode=False,
    )
    fig.add_trace(go.Scatter(y=values, mode="lines", line={"color": colour, "width": 2}))
    last = next(((i, v) for i in range(len(values) - 1, -1, -1) if (v := values[i]) is not None), None)
    if last is not None:
        fig.add_trace(go.Scatter(x=[last[0]], y=[last[1]], mode="markers", marker={"color": colour, "size": 6}))
    return fig


def score_gauge(score: float | None, *, status: str, label: str) -> go.Figure:
    """A 0..10 horizontal bar with the score as text; grey "no data" when there is no score."""
    has_score = score is not None
    colour = status_colour(status if has_score else "grey")
    text = f"{score:.1f}" if score is not None else _("No data")
    text_colour = "white" if has_score else "#212529"
    label = plotly_text(label)
    fig = _figure(
        height=96,
        showlegend=False,
        barmode="overlay",
        margin={"l": 8, "r": 8, "t": 28, "b": 24},
        title=label,
        xaxis={"range": [0, 10], "fixedrange": True, "tickvals": [0, AMBER_FROM, GREEN_FROM, 10],
               "ticktext": ["0", "3.3", "6.7", "10"], "showgrid": False},
        yaxis={"visible": False, "fixedrange": True},
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=[10], y=[label], orientation="h", name="scale", hoverinfo="skip", marker={"color": "#e9ecef"})
    )
    fig.add_trace(
        go.Bar(
            x=[score if score is not None else 10], y=[label], orientation="h", name=label, text=[text],
            textposition="inside", insidetextanchor="end", textfont={"color": text_colour, "size": 18},
            marker={"color": colour, "opacity": 1 if has_score else 0.45}, hoverinfo="skip", meta=status,
        )
    )  # fmt: skip
    for threshold in (AMBER_FROM, GREEN_FROM):  # mark where amber and green begin, so the bar reads without colour
        fig.add_vline(x=threshold, line={"color": "#212529", "width": 1, "dash": "dot"})
    return fig


_HEATMAP_LEVELS = ["grey", "red", "amber", "green"]  # z value = index; grey = no score


def _heatmap_colourscale() -> list[list[float | str]]:
    steps: list[list[float | str]] = []
    for i, status in enumerate(_HEATMAP_LEVELS):
        steps += [
            [i / len(_HEATMAP_LEVELS), status_colour(status)],
            [(i + 1) / len(_HEATMAP_LEVELS), status_colour(status)],
        ]
    return steps


def team_perspective_heatmap(
    *, teams: list[str], perspectives: list[str], scores: list[list[float | None]]
) -> go.Figure:
    """Team x perspective scores coloured by the roll-up thresholds, each cell showing its score or "–".

    The colour is decided here with the exact thresholds (cells hold the level, not the score),
    so a score right at 20/3 is green, never a blend.
    """
    if len(scores) != len(teams) or any(len(row) != len(perspectives) for row in scores):
        raise ValueError("scores must be one row per team with one value per perspective")
    teams, perspectives = [plotly_text(t) for t in teams], [plotly_text(p) for p in perspectives]
    statuses = [[status_for_score(s) for s in row] for row in scores]
    words = [[status_label(s) for s in row] for row in statuses]
    fig = _figure(
        height=80 + 30 * max(len(teams), 1),
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
        # automargin: long team and perspective names push the margins instead of being cut off on a phone.
        xaxis={"side": "top", "type": "category", "automargin": True, "fixedrange": True},
        yaxis={"autorange": "reversed", "type": "category", "automargin": True, "fixedrange": True},
    )
    fig.add_trace(
        go.Heatmap(
            x=perspectives, y=teams, z=[[_HEATMAP_LEVELS.index(s) for s in row] for row in statuses],
            zmin=0, zmax=len(_HEATMAP_LEVELS) - 1, colorscale=_heatmap_colourscale(), showscale=False,
            text=[["–" if s is None else f"{s:.1f}" for s in row] for row in scores], texttemplate="%{text}",
            customdata=words, xgap=2, ygap=2,  # text colour "auto": dark on amber, light on red and green
            hovertemplate="%{y} · %{x}: %{text} (%{customdata})<extra></extra>",
        )
    )  # fmt: skip
    return fig


def score_trend(*, labels: list[str], series: dict[str, list[float | None]]) -> go.Figure:
    """Overall score per team over the periods, on a 0..10 scale with the colour zones behind it."""
    fig = _figure(
        height=340,
        showlegend=True,
        # Above the plot: below it, a legend of several teams covered the period labels on a phone.
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        xaxis={"type": "category", "showgrid": False, "automargin": True},
        yaxis={"range": [0, 10], "title": {"text": _("Score")}, "gridcolor": "#e9ecef", "zeroline": False},
    )
    for status, low, high in (("red", 0, AMBER_FROM), ("amber", AMBER_FROM, GREEN_FROM), ("green", GREEN_FROM, 10)):
        fig.add_hrect(
            y0=low, y1=high, fillcolor=status_colour(status), opacity=BAND_OPACITY, line_width=0, layer="below"
        )
    for i, (team, values) in enumerate(series.items()):
        if len(values) != len(labels):
            raise ValueError(f"series {team!r} must have one value per label")
        fig.add_trace(
            go.Scatter(
                x=labels, y=values, name=plotly_text(team), mode="lines+markers", hovertemplate="%{y:.2f}",
                line={"dash": LINE_DASHES[i % len(LINE_DASHES)], "width": 2},
            )
        )  # fmt: skip
    return fig

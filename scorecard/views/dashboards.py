"""The scorecard dashboard and the perspective dashboard (read-only pages: GET and HEAD only)."""

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scorecard_site.charts import figure_payload
from teams.access import can, team_for_member
from teams.models import Role

from .. import figures
from ..evaluation import current_period
from ..models import Scorecard
from ..periods import Period, last_periods, period_containing
from ..selectors import actions_of_team, scorecards_of_team
from ..selectors.dashboards import KpiRow, perspective_actions, scorecard_dashboard, with_overdue
from .common import period_from_request

PICKER_LENGTH = 24
PICKER_KINDS = ("month", "quarter", "year")
# Small charts draw without plotly's toolbar and hover: they are pictures next to the numbers.
STATIC_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


@dataclass(frozen=True)
class KindLink:
    kind: str
    label: str
    period: Period
    active: bool


@dataclass(frozen=True)
class PeriodPicker:
    period: Period
    previous: Period
    next: Period
    choices: list[Period]
    kinds: list[KindLink]


def period_picker(period: Period, current: Period) -> PeriodPicker:
    """Previous / next, a list of recent periods of the same kind (newest first) and links to other kinds."""
    anchor = period_containing(current.start, period.kind)
    choices = last_periods(max(anchor, period), PICKER_LENGTH)
    if period not in choices:
        choices.append(period)
    labels = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year"), "week": _("Week")}
    kinds = [
        KindLink(kind, labels[kind], period_containing(period.start, kind), kind == period.kind)
        for kind in PICKER_KINDS
    ]
    return PeriodPicker(period, period.previous(), period.next(), sorted(choices, reverse=True), kinds)


def viewed_period(request: HttpRequest, scorecard: Scorecard) -> tuple[Period, Period]:
    """The period asked for in ?period= (a message and the current period when it is not one), and the current one."""
    current = current_period(scorecard)
    return period_from_request(request, current), current


def kpi_chart(
    row: KpiRow,
    *,
    title: str = "",
    with_forecast: bool = False,
    height: int | None = None,
    changes: Sequence[date] = (),
    marks: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The KPI's actual per period against the goal line and the red/amber/green bands, as page data."""
    series = row.series
    labels = [point.period.label for point in series]
    forecast = None
    if with_forecast and row.item.forecast is not None:
        forecast = (_("%(period)s forecast") % {"period": row.item.period.label}, row.item.forecast)
    fig = figures.kpi_period_chart(
        labels=labels,
        actuals=[point.actual for point in series],
        goals=[point.bar.goal for point in series],
        red_flags=[point.bar.red_flag for point in series],
        unit=row.kpi.unit,
        forecast=forecast,
        title=title,
        marks=[
            *marks,
            *(
                (point.period.label, _("definition changed on %(day)s") % {"day": date_format(day, "DATE_FORMAT")})
                for day in changes
                for point in series
                if point.period.start <= day < point.period.end
            ),
        ],
    )
    if height:
        fig.update_layout(height=height)
    # Slanted period labels get the room they need; the legend sits above the plot, where they cannot reach it.
    fig.update_xaxes(automargin=True)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}, margin={"t": 12, "b": 8})
    return figure_payload(fig)


@functools.lru_cache(maxsize=16)
def _sparkline_template(status: str, marked: bool) -> str:
    """figures.sparkline's page data for a status, as JSON, built once: plotly.py takes milliseconds per figure."""
    values: list[float | None] = [0.0, 1.0] if marked else [None]
    return json.dumps(figure_payload(figures.sparkline(values, status=status)))


def sparkline_chart(values: list[float | None], status: str) -> dict[str, Any]:
    """The same page data as `figure_payload(figures.sparkline(values, status=status))`, filled into a template."""
    last = next(((i, v) for i in range(len(values) - 1, -1, -1) if (v := values[i]) is not None), None)
    payload: dict[str, Any] = json.loads(_sparkline_template(status, last is not None))
    payload["data"][0]["y"] = values
    if last is not None:
        payload["data"][1]["x"], payload["data"][1]["y"] = [last[0]], [last[1]]
    payload["config"] = STATIC_CONFIG
    return payload


@functools.lru_cache(maxsize=64)
def _gauge_template(status: str, has_score: bool, label: str) -> str:
    return json.dumps(figure_payload(figures.score_gauge(5.0 if has_score else None, status=status, label=label)))


def gauge_chart(score: float | None, *, status: str, label: str) -> dict[str, Any]:
    """The same page data as `figure_payload(figures.score_gauge(...))`, filled into a template built once."""
    payload: dict[str, Any] = json.loads(_gauge_template(status, score is not None, label))
    if score is not None:
        payload["data"][1]["x"], payload["data"][1]["text"] = [score], [f"{score:.1f}"]
    payload["config"] = STATIC_CONFIG
    return payload


@login_required
@require_safe
def scorecard_detail(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    """The scorecard dashboard: overall gauge, the four perspectives in a grid, a row per KPI with its trend."""
    team = team_for_member(request.user, team_slug)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    period, current = viewed_period(request, scorecard)
    dashboard = scorecard_dashboard(scorecard=scorecard, period=period, with_targets=False)
    scores = dashboard.scores
    gauge = gauge_chart(scores.score, status=scores.status, label=_("Overall score"))
    boards = [
        {
            "board": board,
            "rows": [
                {
                    "row": row,
                    "spark": sparkline_chart([point.actual for point in row.series], row.item.status),
                    "spark_id": f"spark-{row.kpi.pk}",
                }
                for row in board.rows
            ],
        }
        for board in dashboard.perspectives
    ]
    actions = with_overdue(actions_of_team(team).filter(perspective__scorecard=scorecard), dashboard.today)
    context = {
        "team": team,
        "scorecard": scorecard,
        "scores": scores,
        "boards": boards,
        "gauge": gauge,
        "period": period,
        "picker": period_picker(period, current),
        "actions": actions,
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "scorecard/dashboard.html", context)


@login_required
@require_safe
def perspective_dashboard(
    request: HttpRequest, team_slug: str, scorecard_id: int, perspective_key: str
) -> HttpResponse:
    """One perspective: a chart per KPI (actual, goal line, bands) and the perspective's actions."""
    team = team_for_member(request.user, team_slug)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    period, current = viewed_period(request, scorecard)
    dashboard = scorecard_dashboard(scorecard=scorecard, period=period, perspective_key=perspective_key)
    if not dashboard.perspectives:
        raise Http404(_("This scorecard has no such perspective."))
    board = dashboard.perspectives[0]
    actions = with_overdue(perspective_actions(perspective=board.perspective), dashboard.today)
    context = {
        "team": team,
        "scorecard": scorecard,
        "board": board,
        "charts": [{"row": row, "chart": kpi_chart(row), "chart_id": f"chart-{row.kpi.pk}"} for row in board.rows],
        "period": period,
        "picker": period_picker(period, current),
        "actions": actions,
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "scorecard/perspective_dashboard.html", context)

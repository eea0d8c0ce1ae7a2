"""The manager's overview across every team the user can see (`/portfolio/`)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scorecard_site.charts import figure_payload

from ..figures import score_trend, team_perspective_heatmap
from ..models import PerspectiveKey
from ..periods import Period, last_periods, period_containing
from ..selectors.portfolio import PERSPECTIVE_KEYS, Portfolio, PortfolioRow, portfolio
from .common import period_from_request

PICKER_BEFORE = 24  # months offered in the period select before the chosen one
PICKER_AFTER = 6


def picker_periods(period: Period) -> list[Period]:
    """Months around the chosen period for the select (plus the chosen one when it is not a month)."""
    anchor = period if period.kind == "month" else period_containing(period.start, "month")
    months = last_periods(anchor, PICKER_BEFORE + 1)
    current = anchor
    for _step in range(PICKER_AFTER):
        current = current.next()
        months.append(current)
    if period.kind != "month":
        months.append(period)
    return months


def _row_label(row: PortfolioRow) -> str:
    indent = "\u2003" * row.depth  # an em space per level: the tree reads in the chart's row labels too
    if row.is_rollup:
        return indent + _("%(team)s · roll-up") % {"team": row.team.name}
    return indent + row.team.name


def _unique(labels: list[str]) -> list[str]:
    """Plotly merges equal category labels: number the repeats."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def _charts(data: Portfolio) -> dict[str, Any]:
    charted = [row for row in data.rows if row.scores is not None or (row.is_rollup and row.rollup_of)]
    if not charted:
        return {}
    labels = _unique([_row_label(row) for row in charted])
    columns = [str(PerspectiveKey(key).label) for key in PERSPECTIVE_KEYS] + [_("Overall")]
    heatmap = team_perspective_heatmap(
        teams=labels, perspectives=columns, scores=[[*row.perspective_scores, row.score] for row in charted]
    )
    trend = score_trend(
        labels=[p.label for p in data.periods],
        series={label.strip(): row.trend for label, row in zip(labels, charted, strict=True)},
    )
    return {"heatmap": _without_mode_bar(heatmap), "trend": _without_mode_bar(trend)}


def _without_mode_bar(fig: Any) -> dict[str, Any]:
    """Hover stays; plotly's tool bar goes: its links inside the role="img" chart are nested controls (axe)."""
    payload = figure_payload(fig)
    payload["config"] = {**payload["config"], "displayModeBar": False}
    return payload


@login_required
@require_safe
def portfolio_overview(request: HttpRequest) -> HttpResponse:
    period = period_from_request(request, period_containing(timezone.localdate(), "month"))
    data = portfolio(user=request.user, period=period)
    context = {
        "portfolio": data,
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        "picker": picker_periods(period),
        "perspective_names": [PerspectiveKey(key).label for key in PERSPECTIVE_KEYS],
        "has_teams": bool(data.rows),
        **_charts(data),
    }
    return render(request, "scorecard/portfolio.html", context)

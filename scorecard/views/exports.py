"""A scorecard for one period as .xlsx, .csv and a print-ready report page (browsers save it as PDF)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scorecard_site.charts import figure_payload
from teams.access import team_for_member
from teams.models import Team

from ..evaluation import ScorecardResult, current_period, evaluate_scorecard, evaluate_scorecards
from ..exports import ExportKpiRow, ExportPerspective, ExportScorecard, to_csv, to_xlsx
from ..figures import kpi_period_chart
from ..models import Action, Scorecard
from ..periods import Period, last_periods, parse_period
from ..scoring import RED, round_score
from ..selectors import actions_of_team, scorecards_of_team
from ..selectors.portfolio import TREND_PERIODS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_CHART_WIDTH = 680  # px: the width of an A4 page less 15 mm margins, so printed charts are not cut off


def _scorecard_and_period(request: HttpRequest, team_slug: str, scorecard_id: int) -> tuple[Team, Scorecard, Period]:
    team = team_for_member(request.user, team_slug)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    raw = request.GET.get("period", "").strip()
    period = parse_period(raw) if raw else current_period(scorecard)  # ValueError: the caller answers 400
    return team, scorecard, period


def export_of(scores: ScorecardResult) -> ExportScorecard:
    """The plain export structure; scores rounded to 2 decimals like the scores endpoint."""
    perspectives = []
    for row in scores.perspectives:
        kpi_rows = [
            ExportKpiRow(
                perspective=row.perspective.label,
                name=item.kpi.name,
                unit=item.kpi.unit,
                actual=item.actual,
                goal=item.goal,
                red_flag=item.red_flag,
                score=round_score(item.score),
                status=item.status,
                progress=item.progress,
                forecast=item.forecast,
                stale=item.stale,
                forecast_status=item.forecast_status if item.forecast is not None else None,
                decimals=item.kpi.decimals,
                in_progress=item.in_progress,
            )
            for item in row.kpis
        ]
        perspectives.append(
            ExportPerspective(
                name=row.perspective.label,
                question=row.perspective.guiding_question,
                score=round_score(row.score),
                status=row.status,
                rows=kpi_rows,
            )
        )
    scorecard = scores.scorecard
    return ExportScorecard(
        title=scorecard.title,
        team=scorecard.team.name,
        period_label=scores.period.label,
        score=round_score(scores.score),
        status=scores.status,
        perspectives=perspectives,
    )


def _filename(scorecard: Scorecard, period: Period, extension: str) -> str:
    name = "-".join(part for part in (slugify(scorecard.team.slug), slugify(scorecard.title), period.label) if part)
    return f"{name or 'scorecard'}.{extension}"


def _download(request: HttpRequest, team_slug: str, scorecard_id: int, extension: str) -> HttpResponse:
    try:
        _team, scorecard, period = _scorecard_and_period(request, team_slug, scorecard_id)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    export = export_of(evaluate_scorecard(scorecard=scorecard, period=period))
    if extension == "xlsx":
        response = HttpResponse(to_xlsx(export), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(export).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scorecard, period, extension)}"'
    return response


@login_required
@require_safe
def scorecard_export_xlsx(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    return _download(request, team_slug, scorecard_id, "xlsx")


@login_required
@require_safe
def scorecard_export_csv(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    return _download(request, team_slug, scorecard_id, "csv")


def _kpi_charts(scorecard: Scorecard, period: Period) -> dict[int, dict[str, Any]]:
    """Per KPI id a chart of its actual against goal and red flag over the last periods (constant queries)."""
    periods = last_periods(period, TREND_PERIODS.get(period.kind, 12))
    history = evaluate_scorecards(scorecards=[scorecard], periods=periods)[scorecard.pk]
    charts: dict[int, dict[str, Any]] = {}
    if not history:
        return charts
    labels = [p.label for p in periods]
    for p_index, perspective in enumerate(history[-1].perspectives):
        for k_index, item in enumerate(perspective.kpis):
            points = [scores.perspectives[p_index].kpis[k_index] for scores in history]
            fig = kpi_period_chart(
                labels=labels,
                actuals=[point.actual for point in points],
                goals=[point.goal for point in points],
                red_flags=[point.red_flag for point in points],
                unit=item.kpi.unit,
            )
            # Fixed size for paper; the legend goes below the (slanted) period labels instead of over them.
            fig.update_layout(
                width=REPORT_CHART_WIDTH,
                height=300,
                autosize=False,
                legend={"orientation": "h", "y": -0.42, "x": 0},
                margin={"l": 48, "r": 12, "t": 12, "b": 96},
            )
            payload = figure_payload(fig)
            payload["config"] = {**payload["config"], "responsive": False, "staticPlot": True}
            charts[item.kpi.pk] = payload
    return charts


@login_required
@require_safe
def scorecard_report(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    try:
        team, scorecard, period = _scorecard_and_period(request, team_slug, scorecard_id)
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    scores = evaluate_scorecard(scorecard=scorecard, period=period)
    charts = _kpi_charts(scorecard, period)
    actions: dict[int, list[Action]] = {}
    for action in actions_of_team(team).filter(perspective__scorecard=scorecard):
        actions.setdefault(action.perspective_id, []).append(action)
    sections = [
        {
            "row": row,
            "actions": actions.get(row.perspective.pk, []),
            "red": sum(1 for item in row.kpis if item.status == RED),
            "kpis": [
                {
                    "item": item,
                    "chart": charts.get(item.kpi.pk),
                    "chart_id": f"report-chart-{item.kpi.pk}",
                    "label": _("%(kpi)s: actual per period against goal and red flag") % {"kpi": item.kpi.name},
                }
                for item in row.kpis
            ],
        }
        for row in scores.perspectives
    ]
    context = {
        "team": team,
        "scorecard": scorecard,
        "period": period,
        "scores": scores,
        "sections": sections,
        "title": _("%(title)s · %(period)s") % {"title": scorecard.title, "period": period.label},
    }
    return render(request, "scorecard/report.html", context)

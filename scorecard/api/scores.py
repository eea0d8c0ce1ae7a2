"""GET .../scorecards/<id>/scores/?period=2027-03: every number of DESIGN.md section 4 for a period."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from teams.access import team_for_request
from teams.models import Role

from ..evaluation import KpiResult, PerspectiveResult, ScorecardResult, current_period, evaluate_scorecard
from ..periods import parse_period
from ..selectors import scorecards_of_team


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def kpi_payload(item: KpiResult) -> dict[str, Any]:
    return {
        "id": item.kpi.pk,
        "name": item.kpi.name,
        "unit": item.kpi.unit,
        "period": item.period.label,
        "metric": item.metric.key if item.metric else None,
        "formula": item.kpi.formula or None,
        "aggregation": item.kpi.aggregation,
        "scoring_type": item.kpi.scoring_type,
        "weight": item.kpi.weight,
        "actual": item.actual,
        "goal": item.bar.goal,
        "red_flag": item.bar.red_flag,
        "goal_high": item.bar.goal_high,
        "red_flag_high": item.bar.red_flag_high,
        "score": _rounded(item.score),
        "status": item.status,
        "in_progress": item.in_progress,
        "period_goal": item.period_goal,
        "progress": item.progress,
        "forecast": item.forecast,
        "forecast_status": item.forecast_status,
        "stale": item.stale,
        "newest": item.newest.isoformat() if item.newest else None,
    }


def perspective_payload(item: PerspectiveResult) -> dict[str, Any]:
    return {
        "id": item.perspective.pk,
        "key": item.perspective.key,
        "name": item.perspective.label,
        "weight": item.perspective.weight,
        "score": _rounded(item.score),
        "status": item.status,
        "in_progress": item.in_progress,
        "kpis": [kpi_payload(kpi) for kpi in item.kpis],
    }


def scores_payload(scores: ScorecardResult) -> dict[str, Any]:
    return {
        "scorecard": scores.scorecard.pk,
        "period": scores.period.label,
        "start": scores.period.start.isoformat(),
        "end": scores.period.last_day.isoformat(),
        "score": _rounded(scores.score),
        "status": scores.status,
        "in_progress": scores.in_progress,
        "perspectives": [perspective_payload(p) for p in scores.perspectives],
    }


class ScoresView(APIView):
    """Scores, colours, progress, forecast and staleness of every KPI, perspective and the whole.

    A period that has not ended is judged on pace (`"in_progress": true`): a sum or count KPI's `goal` and
    `red_flag` are pro-rated to today; `period_goal` is the goal of the whole period, which `forecast` and
    `forecast_status` are judged against.

    `period` is a year (2027), quarter (2027-Q1), month (2027-03) or ISO week (2027-W05);
    without it, the scorecard's current period in the team's time zone.
    """

    @extend_schema(
        parameters=[OpenApiParameter("period", str, description="2027, 2027-Q1, 2027-03 or 2027-W05")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, team_slug: str, scorecard_id: int) -> Response:
        team = team_for_request(request, team_slug, role=Role.VIEWER)
        scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
        raw = request.query_params.get("period")
        if raw:
            try:
                period = parse_period(raw)
            except ValueError as error:
                raise serializers.ValidationError({"period": [str(error)]}) from None
        else:
            period = current_period(scorecard)
        return Response(scores_payload(evaluate_scorecard(scorecard=scorecard, period=period)))

"""Reads for scorecards: querysets scoped to a team, scores per period, KPI series."""

from .queries import (
    actions_of_team,
    kpis_of_team,
    overdue_actions,
    perspectives_of_team,
    scorecards_of_team,
    targets_of_team,
)
from .scores import KpiScore, PerspectiveScore, ScorecardScores, current_period, scorecard_scores, team_today
from .series import SeriesPoint

__all__ = [
    "KpiScore",
    "PerspectiveScore",
    "ScorecardScores",
    "SeriesPoint",
    "actions_of_team",
    "current_period",
    "kpis_of_team",
    "overdue_actions",
    "perspectives_of_team",
    "scorecard_scores",
    "scorecards_of_team",
    "targets_of_team",
    "team_today",
]

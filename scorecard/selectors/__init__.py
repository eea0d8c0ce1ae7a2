"""Reads for scorecards: querysets scoped to a team (period results live in `scorecard.evaluation`)."""

from .queries import (
    actions_of_team,
    kpis_of_team,
    overdue_actions,
    perspectives_of_team,
    scorecards_of_team,
    targets_of_team,
)

__all__ = [
    "actions_of_team",
    "kpis_of_team",
    "overdue_actions",
    "perspectives_of_team",
    "scorecards_of_team",
    "targets_of_team",
]

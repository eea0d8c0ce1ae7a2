"""REST API of the scorecard app (DRF)."""

from .scores import ScoresView
from .views import (
    ActionDetailView,
    ActionListView,
    KpiDetailView,
    KpiListView,
    PerspectiveDetailView,
    PerspectiveListView,
    ScorecardDetailView,
    ScorecardListView,
    TargetDetailView,
    TargetListView,
)

__all__ = [
    "ActionDetailView",
    "ActionListView",
    "KpiDetailView",
    "KpiListView",
    "PerspectiveDetailView",
    "PerspectiveListView",
    "ScorecardDetailView",
    "ScorecardListView",
    "ScoresView",
    "TargetDetailView",
    "TargetListView",
]

"""Web pages of the scorecard app (thin: parse, check access, call a service, render)."""

from .dashboards import perspective_dashboard, scorecard_detail
from .kpis import kpi_create, kpi_delete, kpi_detail, kpi_edit, kpi_value_enter
from .profile import profile
from .scorecards import (
    perspective_edit,
    scorecard_create,
    scorecard_delete,
    scorecard_edit,
    scorecard_list,
)
from .targets_actions import (
    action_create,
    action_delete,
    action_detail,
    action_edit,
    target_create,
    target_delete,
    target_edit,
)

__all__ = [
    "action_create",
    "action_delete",
    "action_detail",
    "action_edit",
    "kpi_create",
    "kpi_delete",
    "kpi_detail",
    "kpi_edit",
    "kpi_value_enter",
    "perspective_dashboard",
    "perspective_edit",
    "profile",
    "scorecard_create",
    "scorecard_delete",
    "scorecard_detail",
    "scorecard_edit",
    "scorecard_list",
    "target_create",
    "target_delete",
    "target_edit",
]

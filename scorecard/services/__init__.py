"""Writes for scorecards, perspectives, KPIs, targets, actions and the daily digest.

Every rule a user can break is checked here and refused with an `ApplicationError` whose
message the web forms and the REST API show as they are.
"""

from .actions import action_create, action_delete, action_update
from .kpis import kpi_create, kpi_delete, kpi_update, kpi_value_enter
from .scorecards import perspective_update, scorecard_create, scorecard_delete, scorecard_update
from .targets import target_create, target_delete, target_update

__all__ = [
    "action_create",
    "action_delete",
    "action_update",
    "kpi_create",
    "kpi_delete",
    "kpi_update",
    "kpi_value_enter",
    "perspective_update",
    "scorecard_create",
    "scorecard_delete",
    "scorecard_update",
    "target_create",
    "target_delete",
    "target_update",
]

"""Actions: what a team does to improve a perspective or a KPI."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from teams.errors import ApplicationError

from ..evaluation import team_today
from ..models import Action, Perspective
from .common import apply_changes, require_member

ACTION_FIELDS = {
    "perspective", "kpi", "title", "description", "owner", "due_date", "status", "progress", "completed_on",
}  # fmt: skip


def _completion(action: Action) -> None:
    """A done action has the day it was done (today in the team's time zone unless given); others have none."""
    if action.status != Action.Status.DONE:
        action.completed_on = None
    elif action.completed_on is None:
        action.completed_on = team_today(action.perspective.scorecard.team.timezone)


def _clean_action(action: Action, scorecard_id: int) -> None:
    action.title = (action.title or "").strip()
    if not action.title:
        raise ApplicationError(_("Give the action a title."), field="title")
    if action.perspective.scorecard_id != scorecard_id:
        raise ApplicationError(_("Choose a perspective of this scorecard."), field="perspective")
    if action.kpi is not None and action.kpi.perspective_id != action.perspective_id:
        raise ApplicationError(_("Choose a KPI of the same perspective."), field="kpi")
    if action.status not in Action.Status.values:
        raise ApplicationError(_("Choose a status."), field="status")
    if action.progress is None or not 0 <= action.progress <= 100:
        raise ApplicationError(_("Progress runs from 0 to 100 %."), field="progress")
    require_member(action.owner, action.perspective.scorecard.team)
    _completion(action)


@transaction.atomic
def action_create(*, perspective: Perspective, title: str, **fields: Any) -> Action:
    """An action; also kpi, description, owner, due_date, status and progress."""
    action = Action(perspective=perspective, title=title)
    apply_changes(action, fields, ACTION_FIELDS - {"perspective"})
    _clean_action(action, perspective.scorecard_id)
    action.save()
    return action


@transaction.atomic
def action_update(*, action: Action, **changes: Any) -> Action:
    scorecard_id = action.perspective.scorecard_id
    apply_changes(action, changes, ACTION_FIELDS)
    _clean_action(action, scorecard_id)
    action.save()
    return action


@transaction.atomic
def action_delete(*, action: Action) -> None:
    action.delete()

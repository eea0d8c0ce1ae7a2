"""Checks shared by the scorecard services."""

import math
from typing import Any

from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team
from teams.selectors import users_of_team


def require_member(user: Any, team: Team, *, field: str = "owner") -> None:
    """Owners are members of the team (or of a team above it), or they could not act on what they own."""
    if user is not None and not users_of_team(team=team).filter(pk=user.pk).exists():
        raise ApplicationError(_("%(user)s is not a member of this team.") % {"user": user.get_username()}, field=field)


def require_finite(value: float | None, *, field: str, label: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ApplicationError(_("%(label)s must be a finite number.") % {"label": label}, field=field)
    return float(value)


def apply_changes(instance: Any, changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(instance, name, value)

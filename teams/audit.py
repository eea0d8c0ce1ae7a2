"""The audit trail (django-auditlog): who changed what, and to which team and parent objects it belongs.

Models are registered in settings.AUDITLOG_INCLUDE_TRACKING_MODELS. Two additions here:

* Every entry is tagged with the ids of its owning objects (`{"objective": 3, "strategymap": 1, "team": 2}`),
  found by following the non-null, cascading foreign keys up to the team. A page can then show the history of an object
  together with its children, including children that were deleted since (teams.history).
* A change made with an API key names the key (`{"api_key": "name", "api_key_prefix": "..."}`): a key has no
  user, so the entry's actor stays empty.
"""

from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models

from .models import Team, TeamApiKey

# How far up the foreign keys to look for owners (target -> KPI -> perspective -> scorecard -> team).
MAX_DEPTH = 6


def owner_ids(instance: models.Model) -> dict[str, Any]:
    """`{model name: pk}` of the instance and of every audited owner above it, up to its team."""
    found: dict[str, Any] = {}
    frontier: list[models.Model] = [instance]
    for _depth in range(MAX_DEPTH):
        next_frontier: list[models.Model] = []
        for obj in frontier:
            key = obj._meta.model_name or ""
            if key in found:
                continue
            found[key] = obj.pk
            for field in obj._meta.concrete_fields:
                # Only ownership counts: a non-null foreign key that deletes along with its target. A reference
                # such as a scorecard's strategy map (PROTECT) does not put the scorecard in the map's history.
                if (
                    not isinstance(field, models.ForeignKey)
                    or field.null
                    or field.remote_field.on_delete is not models.CASCADE
                ):
                    continue
                target = field.related_model
                if target is not Team and not auditlog.contains(target):  # type: ignore[arg-type]
                    continue
                if target is Team:
                    found.setdefault("team", getattr(obj, field.attname))
                    continue
                try:
                    next_frontier.append(getattr(obj, field.name))
                except models.ObjectDoesNotExist:
                    continue  # the owner is being deleted in the same cascade
        frontier = next_frontier
        if not frontier:
            break
    return found


def tag_log_entry(sender: Any, *, instance: models.Model, log_entry: LogEntry | None = None, **kwargs: Any) -> None:
    """auditlog's post_log signal: add the owners to the entry's additional data."""
    if log_entry is None:
        return
    data = dict(log_entry.additional_data or {})
    data.update(owner_ids(instance))
    LogEntry.objects.filter(pk=log_entry.pk).update(additional_data=data)
    log_entry.additional_data = data


def name_api_key_in_audit_context(api_key: TeamApiKey) -> None:
    """Record the API key on every entry written during this request (the middleware opened the context)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["additional_data"] = {"api_key": api_key.name, "api_key_prefix": api_key.prefix}

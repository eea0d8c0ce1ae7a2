"""Readable history of an object and of everything below it (its audit log entries, newest first).

`history_of(strategy_map)` returns the changes of the map, its objectives, success factors and links, also
those deleted since: teams.audit tags each entry with the ids of its owners. Render the entries with
`{% include "components/history.html" with entries=history %}`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from auditlog.models import LogEntry
from django.db import models
from django.utils.translation import gettext as _

ACTION_LABELS = {
    LogEntry.Action.CREATE: ("created", "bi-plus-circle"),
    LogEntry.Action.UPDATE: ("changed", "bi-pencil"),
    LogEntry.Action.DELETE: ("deleted", "bi-trash"),
}
EMPTY_VALUES = {"None", ""}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str  # created / changed / deleted (translated)
    icon: str
    what: str  # "Objective “Grow reach”"
    changes: list[FieldChange] = field(default_factory=list)


def _who(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    data = entry.additional_data or {}
    if isinstance(data, dict) and data.get("api_key"):
        return _("API key “%(name)s”") % {"name": data["api_key"]}
    return _("System")


def _action(entry: LogEntry) -> tuple[str, str]:
    verb, icon = ACTION_LABELS.get(entry.action, ("recorded", "bi-journal"))
    labels = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted"), "recorded": _("recorded")}
    return labels[verb], icon


def _hidden_labels(model: type[models.Model] | None) -> set[str]:
    """Labels of what a reader does not need: the id, and reverse relations (KPI → its targets)."""
    if model is None:
        return set()
    return {
        str(getattr(f, "verbose_name", f.name)).lower()
        for f in model._meta.get_fields()
        if not f.concrete or getattr(f, "primary_key", False)
    }


def _changes(entry: LogEntry) -> list[FieldChange]:
    if entry.action == LogEntry.Action.DELETE:
        return []
    hidden = _hidden_labels(entry.content_type.model_class())
    changes = []
    for name, values in entry.changes_display_dict.items():
        if str(name).lower() in hidden:
            continue
        old, new = (str(v) for v in [*values, "", ""][:2])
        changes.append(
            FieldChange(
                field=str(name),
                old="" if old in EMPTY_VALUES else old,
                new="" if new in EMPTY_VALUES else new,
            )
        )
    return changes


def _readable(entry: LogEntry) -> HistoryEntry:
    model = entry.content_type.model_class()
    kind = str(model._meta.verbose_name).capitalize() if model is not None else entry.content_type.model
    action, icon = _action(entry)
    return HistoryEntry(
        when=entry.timestamp,
        who=_who(entry),
        action=action,
        icon=icon,
        what=f"{kind} “{entry.object_repr}”",
        changes=_changes(entry),
    )


def history_entries(obj: models.Model, *, limit: int = 50) -> models.QuerySet[LogEntry]:
    """Log entries of `obj` and of the objects it owns, newest first (one query)."""
    key = obj._meta.model_name
    return (
        LogEntry.objects.filter(**{f"additional_data__{key}": obj.pk})
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


def history_of(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, for `obj` and everything below it, newest first."""
    return [_readable(entry) for entry in history_entries(obj, limit=limit)]

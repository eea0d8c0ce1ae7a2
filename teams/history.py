"""Readable history of an object and of everything below it (its audit log entries, newest first).

`history_of(strategy_map)` returns the changes of the map, its objectives, success factors and links, also
those deleted since: teams.audit tags each entry with the ids of its owners. Render the entries with
`{% include "components/history.html" with entries=history %}`.
"""

from dataclasses import dataclass, field
from datetime import datetime

from auditlog.models import LogEntry
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext as _

ACTION_LABELS = {
    LogEntry.Action.CREATE: ("created", "bi-plus-circle"),
    LogEntry.Action.UPDATE: ("changed", "bi-pencil"),
    LogEntry.Action.DELETE: ("deleted", "bi-trash"),
}
EMPTY_VALUES = {"None", ""}
POSITION_FIELDS = {"order"}  # where a row sits in its list: bookkeeping when the row is created
VALUE_LENGTH = 120


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    @property
    def sentence(self) -> str:
        """The change in words: "Title changed from “A” to “B”", "Perspective set to “Financial”"."""
        values = {
            "field": self.field[:1].upper() + self.field[1:],
            "old": Truncator(self.old).chars(VALUE_LENGTH),
            "new": Truncator(self.new).chars(VALUE_LENGTH),
        }
        if not self.old:
            return _("%(field)s set to “%(new)s”") % values
        if not self.new:
            return _("%(field)s cleared (was “%(old)s”)") % values
        return _("%(field)s changed from “%(old)s” to “%(new)s”") % values


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


def _bookkeeping(field: object, *, created: bool) -> bool:
    """What a reader does not need: the id, reverse relations (KPI → its targets), timestamps the system
    keeps, and on creation the parent (the entry already names the object) and the position in a list."""
    if not getattr(field, "concrete", False) or getattr(field, "primary_key", False):
        return True
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return True
    return created and (getattr(field, "many_to_one", False) or getattr(field, "name", "") in POSITION_FIELDS)


def _hidden_labels(model: type[models.Model] | None, *, created: bool = False) -> set[str]:
    if model is None:
        return set()
    return {
        str(getattr(f, "verbose_name", f.name)).lower()
        for f in model._meta.get_fields()
        if _bookkeeping(f, created=created)
    }


def _changes(entry: LogEntry) -> list[FieldChange]:
    """The fields a person changed; empty values on creation are left out (nothing was said about them)."""
    if entry.action == LogEntry.Action.DELETE:
        return []
    created = entry.action == LogEntry.Action.CREATE
    hidden = _hidden_labels(entry.content_type.model_class(), created=created)
    changes = []
    for name, values in entry.changes_display_dict.items():
        if str(name).lower() in hidden:
            continue
        old, new = ("" if str(v) in EMPTY_VALUES else str(v) for v in [*values, "", ""][:2])
        if old == new or (created and not new):
            continue
        changes.append(FieldChange(field=str(name), old="" if created else old, new=new))
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

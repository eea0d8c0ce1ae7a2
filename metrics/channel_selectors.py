"""Reads for the channel pages: channels of a team, a channel's runs, its state in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import Team

from .connectors.base import PermanentSourceError, get_connector
from .connectors.lineage import changes_of
from .models import Channel, Metric, SyncRun

RUNS_SHOWN = 20


def channels_of_team(*, team: Team) -> QuerySet[Channel]:
    return Channel.objects.filter(team=team).select_related("team")


@dataclass(frozen=True)
class ChannelState:
    code: str
    label: str
    icon: str
    css: str
    text: str
    hint: str


def channel_state(channel: Channel) -> ChannelState:
    """What the status means for a person, and what to do about it."""
    if channel.claimed_until and channel.claimed_until > timezone.now():
        return ChannelState(
            "syncing", _("Syncing"), "arrow-repeat", "info", _("A sync is queued or running right now."), ""
        )
    if channel.status == Channel.Status.NEEDS_ATTENTION:
        return ChannelState(
            "needs_attention",
            _("Needs attention"),
            "exclamation-octagon",
            "danger",
            _("The platform refused the sync: %(error)s Automatic syncs are paused.") % {"error": channel.last_error},
            channel.attention_hint,
        )
    if channel.status == Channel.Status.FAILING:
        return ChannelState(
            "failing", _("Failing"), "exclamation-triangle", "warning", channel.last_error, channel.attention_hint
        )
    if not channel.enabled:
        return ChannelState(
            "paused",
            _("Paused"),
            "pause-circle",
            "secondary",
            _("Automatic syncs are off."),
            _("Edit the channel and tick “Enabled” to sync on schedule again."),
        )
    if channel.last_synced_at is None:
        return ChannelState(
            "new", _("Waiting"), "hourglass", "secondary", _("Not synced yet; the first sync is due."), ""
        )
    return ChannelState("ok", _("OK"), "check-circle", "success", _("The last sync worked."), "")


def channel_runs(*, channel: Channel) -> list[SyncRun]:
    return list(channel.sync_runs.all()[:RUNS_SHOWN])


def channel_metrics(*, channel: Channel) -> QuerySet[Metric]:
    return channel.metrics.order_by("key")


def platform_label(platform: str) -> str:
    try:
        return str(get_connector(platform).label)
    except PermanentSourceError:
        return platform


def channel_status_payload(*, channel: Channel) -> dict[str, Any]:
    """The small JSON the "Sync now" progress polls (no credentials, no settings)."""
    state = channel_state(channel)
    run = channel.sync_runs.first()
    return {
        "state": state.code,
        "label": state.label,
        "text": state.text,
        "hint": state.hint,
        "last_synced_at": channel.last_synced_at.isoformat() if channel.last_synced_at else None,
        "run": None
        if run is None
        else {
            "id": run.pk,
            "status": run.status,
            "status_label": run.get_status_display(),
            "points_written": run.points_written,
            "error": run.error,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        },
    }


def metric_definition_changes(*, metric: Metric) -> list[date]:
    """Days on which the platform feeding this channel metric replaced it by another (connectors/lineage.py)."""
    channel = metric.channel
    if channel is None or not metric.key.startswith(f"{channel.key_prefix}-"):
        return []
    try:
        connector = get_connector(channel.platform)
    except PermanentSourceError:
        return []
    key = metric.key.removeprefix(f"{channel.key_prefix}-")
    spec = next((s for s in connector.metric_specs(channel.settings) if s.key == key and s.source), None)
    return [r.removed_on for r in changes_of(channel.platform, spec.source)] if spec else []

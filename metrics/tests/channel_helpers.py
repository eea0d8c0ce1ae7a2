"""Helpers for the channel and connector tests: a scriptable connector and shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

from metrics.channel_services import channel_claim, channel_create, channel_sync_run
from metrics.connectors.base import (
    Connector,
    CredentialField,
    FetchContext,
    FetchResult,
    MetricSpec,
    register,
)
from metrics.models import Channel, SyncRun


@register
class ScriptedConnector(Connector):
    """Does whatever the test put in `behaviour` (a function of the fetch context)."""

    platform = "scripted"
    label = "Scripted (tests)"
    credential_fields = (CredentialField("token", "access token"),)
    history_days = 5
    metrics: ClassVar = (
        MetricSpec("followers", "Followers", "followers", "snapshot"),
        MetricSpec("reach", "Reach", "accounts", "daily"),
    )
    behaviour: ClassVar[Callable[[FetchContext], FetchResult] | None] = None
    seen: ClassVar[list[FetchContext]] = []

    def fetch(self, ctx: FetchContext) -> FetchResult:
        ScriptedConnector.seen.append(ctx)
        assert ScriptedConnector.behaviour is not None
        return ScriptedConnector.behaviour(ctx)


def scripted_channel(team: Any, **extra: Any) -> Channel:
    kwargs: dict[str, Any] = {
        "team": team,
        "platform": "scripted",
        "name": "Scripted",
        "account_ref": "acme",
        "credentials": {"token": "tok-SECRET-123456"},
        "sync_interval": timedelta(hours=1),
    }
    kwargs.update(extra)
    return channel_create(**kwargs)


def sync(channel: Channel, **extra: Any) -> SyncRun | None:
    token = channel_claim(channel=channel)
    assert token is not None
    return channel_sync_run(channel_id=channel.pk, claim_token=token, **extra)


def run_connector(
    platform: str,
    *,
    account_ref: str,
    config: dict[str, Any],
    credentials: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    days: int = 1,
    today: Any = None,
) -> FetchResult:
    """Call one connector directly against a fake server, as the sync service would."""
    import datetime as dt

    from metrics.connectors.base import SyncWindow, connector_config, get_connector
    from metrics.connectors.safety import safe_client

    now = dt.datetime(2026, 1, 10, 15, 0, tzinfo=dt.UTC) if today is None else today
    window = SyncWindow(start=now.date() - dt.timedelta(days=days - 1), end=now.date(), now=now)
    merged = {**connector_config(platform), **config}
    with safe_client(secrets=(credentials or {}).values(), timeout=merged.get("timeout", 2.0)) as client:
        ctx = FetchContext(
            account_ref=account_ref,
            credentials=credentials or {},
            options=options or {},
            window=window,
            client=client,
            config=merged,
        )
        return get_connector(platform).fetch(ctx)


def values(result: FetchResult) -> dict[str, float]:
    return {s.metric_key: s.value for s in result.samples}

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

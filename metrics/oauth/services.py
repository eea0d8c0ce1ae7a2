"""Channels from "Connect with …": create or reconnect from a picked account, keep tokens alive, mark lapses.

Refreshing locks the channel row (select_for_update) for the whole exchange, so two workers never send the same
refresh token: the second waits, then sees the token renewed and leaves it. The new tokens, the rotated refresh
token included, are saved in the same transaction, so a crash leaves either the old set or the new one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team

from ..channel_services import channel_create
from ..crypto import CredentialsUnreadableError, credentials_decrypt, credentials_encrypt
from ..models import Channel
from .accounts import Account
from .providers import PROVIDERS, Provider, ProviderError, get_provider, refresh, revoke

logger = logging.getLogger(__name__)


def _connection_fields(account: Account, provider: Provider, connected_as: str) -> dict[str, Any]:
    return {
        "oauth_provider": provider.key,
        "connected_as": connected_as[:200],
        "token_expires_at": account.expires_at,
        "token_refreshable": account.refreshable,
        "refresh_expires_at": account.refresh_expires_at,
    }


def reconnect_hint() -> str:
    return _("Press “Reconnect” on the channel page and sign in again; the channel keeps its metrics and history.")


@transaction.atomic
def channel_connect(
    *, team: Team, provider: Provider, account: Account, connected_as: str, name: str, key_prefix: str = ""
) -> Channel:
    """A new channel for the picked account, with its tokens (encrypted) and its metrics."""
    channel = channel_create(
        team=team,
        platform=account.platform,
        name=name or account.name,
        account_ref=account.ref,
        credentials=account.credentials,
        options=account.options,
        key_prefix=key_prefix,
    )
    for attribute, value in _connection_fields(account, provider, connected_as).items():
        setattr(channel, attribute, value)
    channel.save()
    return channel


@transaction.atomic
def channel_reconnect(*, channel: Channel, provider: Provider, accounts: list[Account], connected_as: str) -> Channel:
    """New tokens for an existing channel: same channel, same metrics and history, syncing again at once."""
    account = next((a for a in accounts if a.platform == channel.platform and a.ref == channel.account_ref), None)
    if account is None:
        raise ApplicationError(
            _("%(who)s cannot see %(account)s on %(platform)s. Sign in with an account that manages it.")
            % {
                "who": connected_as or _("The account you signed in with"),
                "account": channel.name,
                "platform": provider.label,
            }
        )
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    channel.credentials_encrypted = credentials_encrypt(account.credentials)
    channel.settings = {**channel.settings, **account.options}
    for attribute, value in _connection_fields(account, provider, connected_as).items():
        setattr(channel, attribute, value)
    channel.status, channel.last_error, channel.attention_hint = Channel.Status.OK, "", ""
    channel.consecutive_failures = 0
    channel.next_sync_at = timezone.now() if channel.enabled else None
    channel.save()
    return channel


def _lapse(channel: Channel, message: str) -> None:
    channel.status, channel.last_error, channel.attention_hint = (
        Channel.Status.NEEDS_ATTENTION,
        message,
        reconnect_hint(),
    )
    channel.token_refreshable = False
    channel.save(update_fields=["status", "last_error", "attention_hint", "token_refreshable"])


def _refresh_due(channel: Channel, provider: Provider, now: datetime) -> bool:
    return (
        channel.token_refreshable
        and channel.token_expires_at is not None
        and channel.token_expires_at <= now + provider.refresh_ahead
    )


def channel_token_refresh(*, channel_id: int, now: datetime | None = None) -> bool:
    """Renew the channel's token if it is due; True when new tokens were stored.

    A refusal that only a new sign-in can fix (revoked, refresh token expired) puts the channel in needs attention
    with the Reconnect hint; a passing failure (platform down) is logged and tried again at the next beat.
    """
    now = now or timezone.now()
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(pk=channel_id).first()
        provider = get_provider(channel.oauth_provider) if channel else None
        if channel is None or provider is None or not _refresh_due(channel, provider, now):
            return False  # gone, not ours, or another worker renewed it while we waited for the lock
        try:
            credentials = credentials_decrypt(channel.credentials_encrypted)
            tokens = refresh(provider, credentials=credentials)
        except CredentialsUnreadableError:
            _lapse(channel, _("The stored tokens cannot be read (the encryption key changed)."))
            return False
        except ProviderError as error:
            if not error.revoked:
                logger.warning("Renewing the token of channel %s failed; trying again later: %s", channel.pk, error)
                return False
            _lapse(channel, error.message)
            return False
        channel.credentials_encrypted = credentials_encrypt({**credentials, **tokens.credentials()})
        channel.token_expires_at = tokens.expires_at
        channel.refresh_expires_at = tokens.refresh_expires_at or channel.refresh_expires_at
        channel.save(update_fields=["credentials_encrypted", "token_expires_at", "refresh_expires_at"])
        return True


def channels_tokens_refresh_due(*, now: datetime | None = None, renew: Callable[[int], Any] | None = None) -> int:
    """What the beat task does: renew the tokens that expire soon; mark connections that lapsed.

    `renew` renews one channel (the beat passes one that enqueues a task per channel, so a slow platform never
    holds up the others); returns how many were renewed or enqueued."""
    now = now or timezone.now()
    renew = renew or (lambda channel_id: channel_token_refresh(channel_id=channel_id, now=now))
    renewed = 0
    connected = Channel.objects.exclude(oauth_provider="").exclude(status=Channel.Status.NEEDS_ATTENTION)
    for key, provider in PROVIDERS.items():
        due = connected.filter(
            oauth_provider=key, token_refreshable=True, token_expires_at__lte=now + provider.refresh_ahead
        )
        for channel_id in due.values_list("pk", flat=True):
            renewed += bool(renew(channel_id))
    lapsed = connected.filter(
        Q(token_refreshable=False, token_expires_at__lte=now) | Q(token_refreshable=True, refresh_expires_at__lte=now)
    )
    for channel in lapsed:
        when = timezone.localtime(channel.connection_lapses_at or now).strftime("%Y-%m-%d %H:%M")
        _lapse(channel, _("The connection expired on %(when)s.") % {"when": when})
    return renewed


def lapsing_soon(*, team_ids: list[int], now: datetime | None = None, days: int = 7) -> list[Channel]:
    """Connections of these teams that lapse within `days` unless an admin reconnects (for the digest)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=days)
    return list(
        Channel.objects.filter(team_id__in=team_ids)
        .exclude(oauth_provider="")
        .exclude(status=Channel.Status.NEEDS_ATTENTION)
        .filter(
            Q(token_refreshable=False, token_expires_at__gt=now, token_expires_at__lte=horizon)
            | Q(token_refreshable=True, refresh_expires_at__gt=now, refresh_expires_at__lte=horizon)
        )
        .select_related("team")
        .order_by("team_id", "name")
    )


def tokens_revoke_later(*, channel: Channel) -> None:
    """After commit, revoke the channel's tokens at the platform (best effort: a failure is logged, not raised)."""
    provider = get_provider(channel.oauth_provider)
    if provider is None or not channel.credentials_encrypted:
        return
    try:
        credentials = credentials_decrypt(channel.credentials_encrypted)
    except CredentialsUnreadableError:
        return

    def send() -> None:
        try:
            revoke(provider, credentials=credentials)
        except ProviderError as error:
            logger.warning("Could not revoke the tokens of deleted channel %s: %s", channel.pk, error)

    transaction.on_commit(send)


def channel_notices_due(*, now: datetime | None = None) -> list[tuple[Channel, str, str]]:
    """(channel, notice key, text) the team admins have not been told yet: connections that lapse within 7 days
    unless someone reconnects, and platform metric removals within 60 days that touch the channel's metrics."""
    from ..connectors.base import get_connector
    from ..connectors.lineage import CALENDAR

    now = now or timezone.now()
    notices: list[tuple[Channel, str, str]] = []
    for channel in lapsing_soon(team_ids=list(Channel.objects.values_list("team_id", flat=True).distinct()), now=now):
        lapses = channel.connection_lapses_at
        assert lapses is not None  # noqa: S101 - lapsing_soon filters on it
        text = _("%(channel)s: the connection ends on %(when)s unless an admin presses Reconnect.") % {
            "channel": channel.name,
            "when": timezone.localtime(lapses).strftime("%Y-%m-%d"),
        }
        notices.append((channel, f"lapse:{lapses.date().isoformat()}", text))
    today, horizon = timezone.localdate(now), timezone.localdate(now) + timedelta(days=60)
    soon = [r for r in CALENDAR if today <= r.removed_on <= horizon]
    platforms = {r.platform for r in soon}
    for channel in Channel.objects.filter(platform__in=platforms).select_related("team"):
        sources = {spec.source for spec in get_connector(channel.platform).metric_specs(channel.settings)}
        for retirement in (r for r in soon if r.platform == channel.platform and r.metric in sources):
            text = _("%(channel)s: %(platform)s removes %(metric)s on %(day)s; its values continue from %(new)s.") % {
                "channel": channel.name,
                "platform": channel.platform,
                "metric": retirement.metric,
                "day": retirement.removed_on.isoformat(),
                "new": retirement.replacement,
            }
            notices.append((channel, f"removal:{retirement.metric}:{retirement.removed_on.isoformat()}", text))
    return [(c, key, text) for c, key, text in notices if key not in c.notices.get("told", [])]


def channel_notices_told(*, notices: list[tuple[Channel, str, str]]) -> None:
    for channel, key, _text in notices:
        channel.notices = {**channel.notices, "told": [*channel.notices.get("told", []), key][-20:]}
        Channel.objects.filter(pk=channel.pk).update(notices=channel.notices)

"""Channels: create, update and delete; a channel's metrics are created with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team

from ..connectors.base import Connector, PermanentSourceError, get_connector
from ..crypto import CredentialsUnreadableError, credentials_decrypt, credentials_encrypt
from ..models import Channel, Metric, Source


def _check_config(connector: Connector, *, account_ref: str, options: dict[str, Any]) -> None:
    try:
        connector.validate(account_ref=account_ref, options=options)
    except ValueError as error:
        raise ApplicationError(str(error), field="account_ref") from error


def _check_credentials(connector: Connector, credentials: dict[str, str]) -> None:
    try:
        connector.validate_credentials(credentials)
    except ValueError as error:
        raise ApplicationError(str(error), field="credential") from error


def metric_key(channel: Channel, spec_key: str) -> str:
    return f"{channel.key_prefix}-{spec_key}"


def channel_metrics_ensure(*, channel: Channel) -> list[Metric]:
    """Create the team's metrics this channel feeds (keys `<key prefix>-<metric>`)."""
    connector = get_connector(channel.platform)
    specs = {metric_key(channel, spec.key): spec for spec in connector.metric_specs(channel.settings)}
    existing = {m.key: m for m in Metric.objects.filter(team=channel.team, key__in=list(specs))}
    for key, metric in existing.items():
        if metric.channel_id != channel.pk:
            raise ApplicationError(
                _("The team already has a metric with the key “%(key)s”; choose another key prefix.") % {"key": key},
                field="key_prefix",
            )
    for key, spec in specs.items():  # one save each (a handful), so the audit trail records every new metric
        if key not in existing:
            Metric.objects.create(
                team=channel.team,
                key=key,
                name=f"{channel.name}: {spec.name}",
                unit=spec.unit,
                channel=channel,
                source=Source.CHANNEL,
            )
    return list(Metric.objects.filter(channel=channel))


@transaction.atomic
def channel_create(
    *,
    team: Team,
    platform: str,
    name: str,
    account_ref: str,
    credentials: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    key_prefix: str = "",
    sync_interval: timedelta | None = None,
    enabled: bool = True,
) -> Channel:
    try:
        connector = get_connector(platform)
    except PermanentSourceError as error:
        raise ApplicationError(error.message, field="platform") from error
    options, credentials = options or {}, {k: v for k, v in (credentials or {}).items() if v}
    _check_config(connector, account_ref=account_ref, options=options)
    _check_credentials(connector, credentials)
    prefix = slugify(key_prefix or name)[:40].strip("-")
    if not prefix:
        raise ApplicationError(_("Enter a metric key prefix made of letters, digits and dashes."), field="key_prefix")
    if Channel.objects.filter(team=team, key_prefix=prefix).exists():
        raise ApplicationError(_("Another channel of this team uses this key prefix."), field="key_prefix")
    channel = Channel.objects.create(
        team=team,
        platform=platform,
        name=name,
        key_prefix=prefix,
        account_ref=account_ref.strip(),
        settings=options,
        credentials_encrypted=credentials_encrypt(credentials),
        sync_interval=sync_interval or connector.default_interval,
        enabled=enabled,
        next_sync_at=timezone.now() if enabled else None,
    )
    channel_metrics_ensure(channel=channel)
    return channel


@transaction.atomic
def channel_update(
    *,
    channel: Channel,
    name: str,
    account_ref: str,
    credentials: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    sync_interval: timedelta,
    enabled: bool,
) -> Channel:
    """Save an admin's edit. Saving is the admin's "I fixed it": a channel that needed attention
    goes back to OK and syncs at once. Empty credential fields keep the stored ones. A healthy
    channel saved without changes is left as it is."""
    connector = get_connector(channel.platform)
    options = channel.settings if options is None else options
    _check_config(connector, account_ref=account_ref, options=options)
    try:
        stored = credentials_decrypt(channel.credentials_encrypted)
    except CredentialsUnreadableError:
        stored = {}
    merged = {**stored, **{k: v for k, v in (credentials or {}).items() if v}}
    _check_credentials(connector, merged)
    edited = (name, account_ref.strip(), options, sync_interval, enabled, merged)
    saved = (channel.name, channel.account_ref, channel.settings, channel.sync_interval, channel.enabled, stored)
    if channel.status == Channel.Status.OK and edited == saved:
        return channel  # an untouched form changes nothing; saving a failing channel still means "I fixed it"
    channel.name, channel.account_ref, channel.settings = name, account_ref.strip(), options
    channel.credentials_encrypted = credentials_encrypt(merged)
    channel.sync_interval, channel.enabled = sync_interval, enabled
    channel.status, channel.last_error, channel.attention_hint = Channel.Status.OK, "", ""
    channel.consecutive_failures = 0
    channel.next_sync_at = timezone.now() if enabled else None
    channel.save()
    channel_metrics_ensure(channel=channel)
    return channel


@transaction.atomic
def channel_delete(*, channel: Channel) -> None:
    """Delete the channel; its metrics and their data points stay (no longer fed). A channel connected with
    "Connect with …" also tells the platform, after commit, that its tokens are no longer used."""
    from ..oauth.services import tokens_revoke_later

    tokens_revoke_later(channel=channel)
    channel.delete()

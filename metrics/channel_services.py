"""Channels: create, update, delete; the dispatcher's claim; and the sync run itself.

The sync lease: a channel is synced only by whoever holds its `claim_token` until
`claimed_until`. The dispatcher claims due channels with one conditional UPDATE (rows locked
with SKIP LOCKED on PostgreSQL), so two dispatchers never claim the same channel; a sync whose
token does not match is refused, so syncs never overlap. `next_sync_at` moves on only when a
sync finishes: after a crashed worker or a lost message the lease expires and the channel is
claimed again, so an outage delays syncs but loses none.
"""

from __future__ import annotations

import functools
import logging
import random
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import certifi
import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team

from .connectors.base import (
    Connector,
    FetchContext,
    FetchResult,
    PermanentSourceError,
    SyncWindow,
    TransientSourceError,
    connector_config,
    get_connector,
)
from .crypto import CredentialsUnreadableError, credentials_decrypt, credentials_encrypt
from .models import Channel, Metric, Source, SyncRun
from .services import PointIn, datapoints_upsert

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 15 * 60.0
REFETCH_DAYS = 3  # daily insight series: platforms revise recent days


# --- backoff ------------------------------------------------------------------------------


def retry_delay(retries: int, retry_after: float | None = None, *, rng: random.Random | None = None) -> float:
    """Seconds before Celery retries a sync: 30 s, 60 s, 120 s ... (capped) plus up to 25 % jitter.

    A platform's Retry-After wins when it asks for longer.
    """
    base = min(RETRY_BASE_SECONDS * 2**retries, RETRY_MAX_SECONDS)
    delay = base + (rng or random).uniform(0, base / 4)
    return max(delay, retry_after or 0.0)


def schedule_backoff(interval: timedelta, failures: int) -> timedelta:
    """How long a channel waits after `failures` failed syncs in a row: the interval doubled per
    failure, capped at four intervals or one day, whichever is longer."""
    if failures <= 0:
        return interval
    cap = max(interval * 4, timedelta(days=1))
    return min(interval * 2 ** min(failures, 20), cap)


# --- create / update / delete ---------------------------------------------------------------


def _check_config(connector: Connector, *, account_ref: str, options: dict[str, Any]) -> None:
    try:
        connector.validate(account_ref=account_ref, options=options)
    except ValueError as error:
        raise ApplicationError(str(error), field="account_ref") from error


def _check_credentials(connector: Connector, credentials: dict[str, str]) -> None:
    for credential in connector.credential_fields:
        if credential.required and not credentials.get(credential.name):
            raise ApplicationError(
                _("%(platform)s needs the %(what)s.") % {"platform": connector.label, "what": credential.label},
                field="credential",
            )


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
    Metric.objects.bulk_create(
        [
            Metric(
                team=channel.team,
                key=key,
                name=f"{channel.name}: {spec.name}",
                unit=spec.unit,
                channel=channel,
                source=Source.CHANNEL,
            )
            for key, spec in specs.items()
            if key not in existing
        ]
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
    goes back to OK and syncs at once. Empty credential fields keep the stored ones."""
    connector = get_connector(channel.platform)
    options = channel.settings if options is None else options
    _check_config(connector, account_ref=account_ref, options=options)
    try:
        stored = credentials_decrypt(channel.credentials_encrypted)
    except CredentialsUnreadableError:
        stored = {}
    merged = {**stored, **{k: v for k, v in (credentials or {}).items() if v}}
    _check_credentials(connector, merged)
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
    """Delete the channel; its metrics and their data points stay (no longer fed)."""
    channel.delete()


# --- claiming -------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.SCORECARD_SYNC_LEASE_SECONDS)


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def _due(now: datetime) -> Q:
    return Q(enabled=True, next_sync_at__lte=now) & ~Q(status=Channel.Status.NEEDS_ATTENTION) & _unclaimed(now)


def channels_claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[tuple[int, str]]:
    """Claim up to `limit` due channels for this caller; returns (channel id, claim token) pairs."""
    now = now or timezone.now()
    limit = limit or settings.SCORECARD_SYNC_DISPATCH_BATCH
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = Channel.objects.filter(_due(now)).order_by("next_sync_at")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The WHERE is checked again on the locked rows: a channel claimed meanwhile is skipped.
        Channel.objects.filter(_due(now), pk__in=ids).update(claim_token=token, claimed_until=now + _lease())
        claimed = list(Channel.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))
    return [(pk, token) for pk in claimed]


def channel_claim(*, channel: Channel, now: datetime | None = None) -> str | None:
    """Claim one channel now (Sync now, the sync_channel command); None while a sync runs."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    updated = Channel.objects.filter(_unclaimed(now), pk=channel.pk).update(
        claim_token=token, claimed_until=now + _lease()
    )
    return token if updated else None


def _enqueue_sync(channel_id: int, token: str, trigger: str = SyncRun.Trigger.SCHEDULE) -> None:
    from .tasks import channel_sync

    channel_sync.delay(channel_id, token, trigger)


def channels_dispatch_due(*, enqueue: Callable[[int, str], None] | None = None) -> int:
    """What the beat task does every minute: claim due channels and enqueue their syncs after commit.

    A failed enqueue (broker down) loses nothing: the claim expires and a later dispatch retries.
    """
    send = enqueue or _enqueue_sync

    def enqueue_all(claimed: list[tuple[int, str]]) -> None:
        for channel_id, token in claimed:
            try:
                send(channel_id, token)
            except Exception:
                logger.exception(
                    "Could not enqueue the sync of channel %s; it is retried when its claim expires.", channel_id
                )

    with transaction.atomic():
        claimed = channels_claim_due()
        transaction.on_commit(lambda: enqueue_all(claimed))
    return len(claimed)


@transaction.atomic
def channel_sync_request(*, channel: Channel) -> str | None:
    """Sync now: claim the channel and enqueue a sync after commit; None when one is running."""
    token = channel_claim(channel=channel)
    if token is not None:
        transaction.on_commit(lambda: _enqueue_sync(channel.pk, token, SyncRun.Trigger.MANUAL))
    return token


# --- the sync run -----------------------------------------------------------------------------


@dataclass
class _Outcome:
    status: str
    points_written: int = 0
    error: str = ""
    metric_errors: dict[str, str] | None = None


def _redact(text: str, secrets: dict[str, str]) -> str:
    for value in secrets.values():
        if value and len(value) >= 4:
            text = text.replace(value, "•••")
    return text


def _window(channel: Channel, connector: Connector, now: datetime) -> SyncWindow:
    local_now = now.astimezone(ZoneInfo(channel.team.timezone))
    today = local_now.date()
    if channel.last_synced_at is None and connector.history_days:
        days_back = connector.history_days - 1
    elif any(spec.kind == "daily" for spec in connector.metric_specs(channel.settings)):
        days_back = REFETCH_DAYS - 1
    else:
        days_back = 0
    return SyncWindow(start=today - timedelta(days=days_back), end=today, now=local_now)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs ~50 ms of CPU, more than a whole sync."""
    return ssl.create_default_context(cafile=certifi.where())


def _fetch(channel: Channel, connector: Connector, credentials: dict[str, str], now: datetime) -> FetchResult:
    config = connector_config(channel.platform)
    with httpx.Client(
        timeout=config["timeout"], verify=_ssl_context(), headers={"User-Agent": "Scorecard connector"}
    ) as client:
        ctx = FetchContext(
            account_ref=channel.account_ref,
            credentials=credentials,
            options=channel.settings,
            window=_window(channel, connector, now),
            client=client,
            config=config,
        )
        return connector.fetch(ctx)


def _store(channel: Channel, result: FetchResult) -> tuple[int, dict[str, str]]:
    tz = ZoneInfo(channel.team.timezone)
    metric_ids = dict(Metric.objects.filter(channel=channel).values_list("key", "pk"))
    errors = {metric_key(channel, key): message for key, message in result.metric_errors.items()}
    points = []
    for sample in result.samples:
        key = metric_key(channel, sample.metric_key)
        if key not in metric_ids:
            errors[key] = _("This metric was deleted; save the channel to create it again.")
            continue
        points.append(PointIn(metric_ids[key], datetime.combine(sample.day, time(0), tzinfo=tz), sample.value))
    upserted = datapoints_upsert(points=points, source=Source.CHANNEL)
    return upserted.created + upserted.updated, errors


def _finish(channel_id: int, token: str, run: SyncRun, outcome: _Outcome, **channel_fields: Any) -> None:
    run.status, run.points_written, run.error = outcome.status, outcome.points_written, outcome.error
    run.metric_errors = outcome.metric_errors or {}
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "points_written", "error", "metric_errors", "finished_at"])
    if channel_fields:
        updated = Channel.objects.filter(pk=channel_id, claim_token=token).update(**channel_fields)
        if not updated:
            logger.warning("Channel %s was claimed by someone else before sync run %s finished.", channel_id, run.pk)


def _release() -> dict[str, Any]:
    return {"claim_token": "", "claimed_until": None}


def channel_sync_run(
    *,
    channel_id: int,
    claim_token: str,
    trigger: str = SyncRun.Trigger.SCHEDULE,
    attempt: int = 1,
    final_attempt: bool = True,
) -> SyncRun | None:
    """Run one sync for the holder of the channel's claim; None (nothing done) for anyone else.

    Transient errors: when a retry follows (`final_attempt` False), the claim is kept and the
    error re-raised with `retry_in` seconds set; otherwise the channel's schedule backs off.
    Permanent errors put the channel in needs attention. Metrics the platform refuses one by
    one are reported on the run while the others are stored.
    """
    now = timezone.now()
    holds_claim = Channel.objects.filter(pk=channel_id, claim_token=claim_token, claimed_until__gt=now).update(
        claimed_until=now + _lease()
    )
    if not holds_claim:
        logger.info("Sync of channel %s refused: the claim is not held (another sync runs or it expired).", channel_id)
        return None
    channel = Channel.objects.select_related("team").get(pk=channel_id)
    run = SyncRun.objects.create(channel=channel, trigger=trigger, attempt=attempt)
    secrets: dict[str, str] = {}
    try:
        connector = get_connector(channel.platform)
        try:
            secrets = credentials_decrypt(channel.credentials_encrypted)
        except CredentialsUnreadableError as error:
            raise PermanentSourceError(
                _("The stored credentials cannot be read (the encryption key changed)."),
                hint=_("Edit the channel and enter its credentials again."),
            ) from error
        result = _fetch(channel, connector, secrets, now)
        written, metric_errors = _store(channel, result)
    except TransientSourceError as error:
        message = _redact(error.message, secrets)
        retry_in = retry_delay(attempt - 1, error.retry_after)
        if not final_attempt and retry_in <= RETRY_MAX_SECONDS * 2:
            error.retry_in = retry_in  # type: ignore[attr-defined]
            _finish(
                channel_id,
                claim_token,
                run,
                _Outcome(
                    SyncRun.Status.FAILED,
                    error=message + " " + _("Trying again in %(seconds)d seconds.") % {"seconds": retry_in},
                ),
                claimed_until=timezone.now() + timedelta(seconds=retry_in) + _lease(),
            )
            raise
        failures = channel.consecutive_failures + 1
        wait = max(schedule_backoff(channel.sync_interval, failures), timedelta(seconds=error.retry_after or 0))
        next_at = timezone.now() + wait
        _finish(
            channel_id,
            claim_token,
            run,
            _Outcome(SyncRun.Status.FAILED, error=message),
            status=Channel.Status.FAILING,
            last_error=message,
            consecutive_failures=failures,
            attention_hint=_(
                "Nothing to do yet: the platform could not be reached. The next attempt is at "
                "%(when)s; if it keeps failing, check the platform's status page."
            )
            % {"when": timezone.localtime(next_at).strftime("%Y-%m-%d %H:%M")},
            next_sync_at=next_at,
            **_release(),
        )
        return run
    except PermanentSourceError as error:
        message = _redact(error.message, secrets)
        hint = _redact(error.hint, secrets) or _(
            "Check the account and the credentials, then save the channel: it syncs again at once."
        )
        _finish(
            channel_id,
            claim_token,
            run,
            _Outcome(SyncRun.Status.FAILED, error=message),
            status=Channel.Status.NEEDS_ATTENTION,
            last_error=message,
            attention_hint=hint,
            consecutive_failures=channel.consecutive_failures + 1,
            **_release(),
        )
        return run
    except Exception:
        logger.exception("Sync run %s of channel %s failed unexpectedly.", run.pk, channel_id)
        failures = channel.consecutive_failures + 1
        message = _("The sync failed because of an error in Scorecard; it was logged for the administrators.")
        _finish(
            channel_id,
            claim_token,
            run,
            _Outcome(SyncRun.Status.FAILED, error=message),
            status=Channel.Status.FAILING,
            last_error=message,
            attention_hint="",
            consecutive_failures=failures,
            next_sync_at=timezone.now() + schedule_backoff(channel.sync_interval, failures),
            **_release(),
        )
        return run
    metric_errors = {key: _redact(text, secrets) for key, text in metric_errors.items()}
    if metric_errors:
        summary = _("%(count)d metric(s) failed: %(metrics)s") % {
            "count": len(metric_errors),
            "metrics": "; ".join(f"{k}: {v}" for k, v in metric_errors.items()),
        }
        status = SyncRun.Status.PARTIAL if written or result.samples else SyncRun.Status.FAILED
        channel_status = Channel.Status.FAILING
        hint = _(
            "The other metrics keep syncing. A metric the platform no longer offers stays empty; "
            "remove it from your scorecard or contact the administrators."
        )
    else:
        summary, status, channel_status, hint = "", SyncRun.Status.OK, Channel.Status.OK, ""
    finished = timezone.now()
    _finish(
        channel_id,
        claim_token,
        run,
        _Outcome(status, written, summary, metric_errors),
        status=channel_status,
        last_error=summary,
        attention_hint=hint,
        consecutive_failures=0,
        last_synced_at=finished,
        next_sync_at=finished + channel.sync_interval,
        **_release(),
    )
    return run

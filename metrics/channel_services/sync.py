"""The sync run: fetch from the platform, store the points, record the run, move the schedule on."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from teams.time_bounds import date_in_range

from ..connectors.base import (
    Connector,
    FetchContext,
    FetchResult,
    PermanentSourceError,
    SyncWindow,
    TransientSourceError,
    connector_config,
    get_connector,
    refused_source_error,
)
from ..connectors.safety import RefusedRequest, safe_client
from ..crypto import CredentialsUnreadableError, credentials_decrypt
from ..models import Channel, Metric, Source, SyncRun
from ..services import PointIn, datapoints_upsert, out_of_range_message
from ..values import value_problem
from .channels import metric_key
from .scheduling import RETRY_MAX_SECONDS, lease, retry_delay, schedule_backoff

logger = logging.getLogger(__name__)

REFETCH_DAYS = 3  # daily insight series: platforms revise recent days


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


def _fetch(channel: Channel, connector: Connector, credentials: dict[str, str], now: datetime) -> FetchResult:
    """The connector's fetch through the safe client: one deadline for all its requests together."""
    config = connector_config(channel.platform)
    with safe_client(secrets=credentials.values(), timeout=config["timeout"]) as client:
        ctx = FetchContext(
            account_ref=channel.account_ref,
            credentials=credentials,
            options=channel.settings,
            window=_window(channel, connector, now),
            client=client,
            config=config,
        )
        try:
            return connector.fetch(ctx)
        except RefusedRequest as error:  # a connector that called the client without `send`
            raise refused_source_error(error) from error


def _refused_values(result: FetchResult) -> dict[str, str]:
    """Metrics with a value no write path may store (NaN, infinite, out of range): none of their
    samples are kept, like a metric the platform refused; the other metrics are stored."""
    refused: dict[str, str] = {}
    for sample in result.samples:
        try:
            problem = value_problem(float(sample.value))
        except (TypeError, ValueError, OverflowError):
            problem = _("The value is not a number.")
        if problem and sample.metric_key not in refused:
            refused[sample.metric_key] = _("The platform sent a value that cannot be stored: %(problem)s") % {
                "problem": problem
            }
    return refused


def _store(channel: Channel, result: FetchResult) -> tuple[int, dict[str, str]]:
    tz = ZoneInfo(channel.team.timezone)
    metric_ids = dict(Metric.objects.filter(channel=channel).values_list("key", "pk"))
    errors = {metric_key(channel, key): message for key, message in result.metric_errors.items()}
    refused = _refused_values(result)
    points = []
    for sample in result.samples:
        key = metric_key(channel, sample.metric_key)
        if sample.metric_key in refused:
            errors[key] = refused[sample.metric_key]
            continue
        if key not in metric_ids:
            errors[key] = _("This metric was deleted; save the channel to create it again.")
            continue
        if not date_in_range(sample.day):
            errors[key] = out_of_range_message(sample.day)
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


def _with_fresh_token(channel: Channel, now: datetime) -> Channel:
    """A token that expires within a minute is renewed first (the beat task normally does it well ahead)."""
    expires = channel.token_expires_at
    if channel.token_refreshable and expires is not None and expires <= now + timedelta(minutes=1):
        from ..oauth.services import channel_token_refresh

        if channel_token_refresh(channel_id=channel.pk, now=now):
            channel.refresh_from_db()
    return channel


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
        claimed_until=now + lease()
    )
    if not holds_claim:
        logger.info("Sync of channel %s refused: the claim is not held (another sync runs or it expired).", channel_id)
        return None
    channel = Channel.objects.select_related("team").get(pk=channel_id)
    run = SyncRun.objects.create(channel=channel, trigger=trigger, attempt=attempt)
    secrets: dict[str, str] = {}
    try:
        connector = get_connector(channel.platform)
        channel = _with_fresh_token(channel, now)
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
                claimed_until=timezone.now() + timedelta(seconds=retry_in) + lease(),
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
        if channel.oauth_provider:  # its tokens come from signing in, not from pasting
            from ..oauth.services import reconnect_hint

            hint = reconnect_hint()
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

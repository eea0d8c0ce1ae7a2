"""Scheduling: backoff, the dispatcher's claim and "Sync now".

The sync lease: a channel is synced only by whoever holds its `claim_token` until
`claimed_until`. The dispatcher claims due channels with one conditional UPDATE (rows locked
with SKIP LOCKED on PostgreSQL), so two dispatchers never claim the same channel; a sync whose
token does not match is refused, so syncs never overlap. `next_sync_at` moves on only when a
sync finishes: after a crashed worker or a lost message the lease expires and the channel is
claimed again, so an outage delays syncs but loses none.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Channel, SyncRun

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30.0
RETRY_MAX_SECONDS = 15 * 60.0


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


def lease() -> timedelta:
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
        Channel.objects.filter(_due(now), pk__in=ids).update(claim_token=token, claimed_until=now + lease())
        claimed = list(Channel.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))
    return [(pk, token) for pk in claimed]


def channel_claim(*, channel: Channel, now: datetime | None = None) -> str | None:
    """Claim one channel now (Sync now, the sync_channel command); None while a sync runs."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    updated = Channel.objects.filter(_unclaimed(now), pk=channel.pk).update(
        claim_token=token, claimed_until=now + lease()
    )
    return token if updated else None


def _enqueue_sync(channel_id: int, token: str, trigger: str = SyncRun.Trigger.SCHEDULE) -> None:
    from ..tasks import channel_sync

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

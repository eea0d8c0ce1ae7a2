"""Channels: create, update, delete; the dispatcher's claim; and the sync run itself.

The sync lease: a channel is synced only by whoever holds its `claim_token` until
`claimed_until`. The dispatcher claims due channels with one conditional UPDATE (rows locked
with SKIP LOCKED on PostgreSQL), so two dispatchers never claim the same channel; a sync whose
token does not match is refused, so syncs never overlap. `next_sync_at` moves on only when a
sync finishes: after a crashed worker or a lost message the lease expires and the channel is
claimed again, so an outage delays syncs but loses none.
"""

from .channels import channel_create, channel_delete, channel_metrics_ensure, channel_update, metric_key
from .scheduling import (
    channel_claim,
    channel_sync_request,
    channels_claim_due,
    channels_dispatch_due,
    retry_delay,
    schedule_backoff,
)
from .sync import channel_sync_run

__all__ = [
    "channel_claim",
    "channel_create",
    "channel_delete",
    "channel_metrics_ensure",
    "channel_sync_request",
    "channel_sync_run",
    "channel_update",
    "channels_claim_due",
    "channels_dispatch_due",
    "metric_key",
    "retry_delay",
    "schedule_backoff",
]

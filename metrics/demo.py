"""Demo data for metrics. Channels: Acme Social Media gets two demo-connector channels that sync
hourly, so `make run` shows values arriving. Their metric keys are stable:
demo-instagram-{followers,reach,engagements,clicks} and demo-linkedin-{followers,reach,engagements,clicks}.
"""

from datetime import timedelta

from django.utils import timezone

from teams.demo import DemoContext

from .channel_services import channel_claim, channel_metrics_ensure, channel_sync_run
from .models import Channel, SyncRun

DEMO_CHANNELS = [
    # key prefix, name, seed (account reference)
    ("demo-instagram", "Instagram (demo)", "instagram-acme"),
    ("demo-linkedin", "LinkedIn (demo)", "linkedin-acme"),
]


def seed_channels(context: DemoContext) -> None:
    team = context.teams["acme-social"]
    for prefix, name, seed in DEMO_CHANNELS:
        channel, created = Channel.objects.update_or_create(
            team=team,
            key_prefix=prefix,
            defaults={
                "platform": "demo",
                "name": name,
                "account_ref": seed,
                "sync_interval": timedelta(hours=1),
                "enabled": True,
            },
        )
        if created:
            channel.next_sync_at = timezone.now()
            channel.save(update_fields=["next_sync_at"])
        channel_metrics_ensure(channel=channel)
        # The first sync runs here so a fresh demo shows 90 days at once; then the beat takes over.
        if channel.last_synced_at is None:
            token = channel_claim(channel=channel)
            if token is not None:
                channel_sync_run(channel_id=channel.pk, claim_token=token, trigger=SyncRun.Trigger.COMMAND)


def seed(context: DemoContext) -> None:
    seed_channels(context)

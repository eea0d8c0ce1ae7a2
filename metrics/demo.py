"""Demo data for metrics.

* Metrics fed by the API, CSV imports and hand entry, with a year of daily values that depend
  only on the date (idempotent).
* Channels: Acme Social Media gets two demo-connector channels that sync hourly, so `make run`
  shows values arriving. Their metric keys are stable:
  demo-instagram-{followers,reach,engagements,clicks} and demo-linkedin-{followers,reach,engagements,clicks}.
"""

import math
from datetime import date, timedelta

from django.utils import timezone

from teams.demo import DemoContext

from .channel_services import channel_claim, channel_metrics_ensure, channel_sync_run
from .models import Channel, Metric, Source, SyncRun
from .services import PointIn, datapoints_upsert, local_midnight

DAYS = 365

METRICS = [
    # team slug, key, name, unit, source, start level, daily growth, weekly swing
    ("acme-social", "website-visits", "Website visits from social", "visits", Source.API, 900.0, 0.8, 0.25),
    ("acme-social", "leads", "Leads from social", "leads", Source.API, 14.0, 0.02, 0.35),
    ("acme-social", "revenue", "Revenue from social", "EUR", Source.IMPORT, 2100.0, 3.0, 0.3),
    ("acme-social", "nps", "Net Promoter Score", "points", Source.MANUAL, 31.0, 0.02, 0.0),
    ("acme-social", "social-staff-hours", "Hours spent on social", "hours", Source.MANUAL, 60.0, 0.0, 0.0),
    ("bakery", "orders-online", "Online orders", "orders", Source.API, 40.0, 0.05, 0.4),
]


def _value(key: str, day: date, start: float, growth: float, swing: float) -> float:
    """A smooth trend with a weekly rhythm and a fixed wobble per metric and day."""
    n = day.toordinal()
    wobble = math.sin(n * 1.7 + len(key)) * 0.08
    weekly = math.sin(2 * math.pi * (n % 7) / 7) * swing
    return round(max(0.0, (start + growth * (n % 1000)) * (1 + weekly + wobble)), 1)


def seed_metrics(context: DemoContext) -> None:
    """Metrics fed by the API, CSV imports and hand entry (channel metrics come from their connector)."""
    today = timezone.localdate()
    for team_slug, key, name, unit, source, start, growth, swing in METRICS:
        team = context.teams[team_slug]
        metric, _ = Metric.objects.update_or_create(
            team=team, key=key, defaults={"name": name, "unit": unit, "source": source}
        )
        # Monthly values for manual metrics (entered by hand), daily for the others.
        step = 30 if source == Source.MANUAL else 1
        days = [today - timedelta(days=offset) for offset in range(1, DAYS + 1, step)]
        points = [
            PointIn(metric.pk, local_midnight(team=team, day=day), _value(key, day, start, growth, swing))
            for day in days
        ]
        datapoints_upsert(points=points, source=source)


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
                # Every 5 minutes: today's demo values move with the time of day, so pages visibly change.
                "sync_interval": timedelta(minutes=5),
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
    seed_metrics(context)
    seed_channels(context)

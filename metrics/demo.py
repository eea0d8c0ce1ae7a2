"""Demo metrics with a year of daily values. Idempotent: values depend only on the date."""

import math
from datetime import date, timedelta

from django.utils import timezone

from teams.demo import DemoContext

from .models import Metric, Source
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


def seed(context: DemoContext) -> None:
    seed_metrics(context)


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

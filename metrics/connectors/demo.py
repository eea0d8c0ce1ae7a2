"""Demo connector: deterministic, realistic series without any network.

Every value is a pure function of (account reference, day): the same channel always shows the
same history, on every machine. The series grow slowly, dip at weekends, carry noise from a
random generator seeded with channel and day, and now and then a campaign week lifts them.
Today's values move during the day as a pure function of the time of day: daily counts grow with the share of the
day that has passed, and followers walk from yesterday's count to today's, so every sync shows numbers arriving.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from .base import Connector, FetchContext, FetchResult, MetricSpec, register

EPOCH = date(2024, 1, 1)
# Weekday factors, Monday first: social audiences are quieter at weekends.
WEEKLY_RHYTHM = (1.05, 1.1, 1.08, 1.04, 0.97, 0.82, 0.8)
PROFILES: dict[str, dict[str, float]] = {
    "instagram": {"followers": 12_000, "growth": 9.0, "reach": 4_200, "engagements": 520, "clicks": 85},
    "linkedin": {"followers": 3_400, "growth": 3.5, "reach": 1_900, "engagements": 140, "clicks": 60},
    "default": {"followers": 5_000, "growth": 5.0, "reach": 2_500, "engagements": 260, "clicks": 50},
}


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - demo data, not security


def _campaign_boost(seed: str, day: date) -> float:
    """About one week in six is a campaign week, strongest on its first days."""
    week_start = day - timedelta(days=day.weekday())
    if _rng(seed, "campaign", week_start).random() >= 1 / 6:
        return 1.0
    return 1.0 + 0.9 / (1 + (day - week_start).days)


def followers_on(seed: str, profile: dict[str, float], day: date) -> int:
    days = max(0, (day - EPOCH).days)
    wiggle = _rng(seed, "followers", day).gauss(0, profile["growth"] * 2)
    return round(profile["followers"] + profile["growth"] * days + 0.004 * days**1.5 * profile["growth"] + wiggle)


def daily_value(seed: str, profile: dict[str, float], metric: str, day: date) -> float:
    days = max(0, (day - EPOCH).days)
    trend = 1 + days / 1500
    noise = _rng(seed, metric, day).uniform(0.85, 1.15)
    value = profile[metric] * trend * WEEKLY_RHYTHM[day.weekday()] * noise * _campaign_boost(seed, day)
    return float(round(value))


def day_fraction(now: datetime, day: date) -> float:
    """How much of `day` has passed at `now` (1 for past days)."""
    if day < now.date():
        return 1.0
    seconds = now.hour * 3600 + now.minute * 60 + now.second
    return max(0.02, seconds / 86_400)


def followers_at(seed: str, profile: dict[str, float], day: date, now: datetime) -> int:
    """Followers on `day` as seen at `now`: during the day, part of the way from yesterday's count to today's."""
    yesterday, today = followers_on(seed, profile, day - timedelta(days=1)), followers_on(seed, profile, day)
    return round(yesterday + (today - yesterday) * day_fraction(now, day))


@register
class DemoConnector(Connector):
    platform = "demo"
    label = _("Demo (generated data)")
    account_label = _("Seed")
    account_help = _("Any text; the same text always gives the same numbers. Start it with “instagram” or “linkedin”.")
    default_interval = timedelta(hours=1)
    history_days = 90
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers", "snapshot"),
        MetricSpec("reach", str(_("Reach")), "accounts", "daily"),
        MetricSpec("engagements", str(_("Engagements")), "interactions", "daily"),
        MetricSpec("clicks", str(_("Link clicks")), "clicks", "daily"),
    )

    def _profile(self, seed: str, options: Any) -> dict[str, float]:
        style = options.get("style") or next((name for name in PROFILES if seed.startswith(name)), "default")
        return PROFILES.get(style, PROFILES["default"])

    def fetch(self, ctx: FetchContext) -> FetchResult:
        seed = ctx.account_ref
        profile = self._profile(seed, ctx.options)
        result = FetchResult()
        local_now = ctx.window.now
        for day in ctx.window.days():
            result.add("followers", day, followers_at(seed, profile, day, local_now))
            for metric in ("reach", "engagements", "clicks"):
                result.add(metric, day, round(daily_value(seed, profile, metric, day) * day_fraction(local_now, day)))
        return result

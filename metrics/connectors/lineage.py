"""Metric lineage across platform deprecations: a calendar shipped with the code.

Each entry says a platform removes one of its metrics on a date, and which metric carries on. Connectors ask
`source_on()` which platform metric to request for one of their metrics (named by the metric as first defined), so
a channel's metric keeps its key and its history and is fed by the replacement from the removal date on. Pages mark
the date ("definition changed on …"), and the daily digest warns team admins of removals due within 60 days.
Dates are the platforms' own (PLATFORM_APIS.md sections 4.4 and 5.3, checked against the Meta changelogs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Retirement:
    platform: str  # the connector's platform key
    metric: str  # the platform's metric name that is removed
    removed_on: date
    replacement: str  # the platform's metric that carries on


CALENDAR: tuple[Retirement, ...] = (
    Retirement("facebook_page", "page_impressions", date(2025, 11, 15), "page_media_view"),
    Retirement("facebook_page", "page_fans", date(2025, 11, 15), "page_follows"),
    Retirement("facebook_page", "post_impressions", date(2025, 11, 15), "post_media_view"),
    Retirement("facebook_page", "page_impressions_unique", date(2026, 6, 15), "page_total_media_view_unique"),
    Retirement("instagram", "impressions", date(2025, 4, 21), "views"),
)


def changes_of(platform: str, metric: str, *, calendar: tuple[Retirement, ...] | None = None) -> list[Retirement]:
    """The retirements a metric went (or will go) through, oldest first, following replacements."""
    chain: list[Retirement] = []
    current = metric
    for _step in range(10):  # a calendar never chains deeper; the bound guards against a loop in it
        entry = next((r for r in calendar or CALENDAR if r.platform == platform and r.metric == current), None)
        if entry is None:
            break
        chain.append(entry)
        current = entry.replacement
    return chain


def source_on(platform: str, metric: str, day: date) -> str:
    """The platform metric to request on `day` for a metric first defined as `metric`."""
    for entry in changes_of(platform, metric):
        if entry.removed_on > day:
            break
        metric = entry.replacement
    return metric

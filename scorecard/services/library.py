"""A new scorecard from the Social Media Scorecard template: KPIs ticked in the library (`scorecard/library.py`).

A library KPI whose feed exists among the team's channel metrics is connected to it at once (a
formula KPI when one channel has all its terms); the others get a metric of their own for hand
entry, aggregated as the library says. Every KPI goes through `kpi_create`, so the rules are the
same as for a KPI typed in by hand.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from metrics.models import Metric
from strategy.models import StrategyMap
from teams.errors import ApplicationError
from teams.models import Team

from ..library import LIBRARY, LibraryKpi
from ..models import Scorecard
from .kpis import kpi_create
from .scorecards import scorecard_create

ChannelFeeds = list[dict[str, Metric]]  # per channel (by name): connector metric key -> the team's metric


def channel_feeds(*, team: Team) -> ChannelFeeds:
    """The team's channel metrics, per channel, by the connector's metric key (`<prefix>-<key>`)."""
    per_channel: dict[int, dict[str, Metric]] = {}
    metrics = (
        Metric.objects.filter(team=team, channel__isnull=False)
        .select_related("channel")
        .order_by("channel__name", "channel_id", "key")
    )
    for metric in metrics:
        channel = metric.channel
        if channel is not None and metric.key.startswith(f"{channel.key_prefix}-"):
            per_channel.setdefault(channel.pk, {})[metric.key.removeprefix(f"{channel.key_prefix}-")] = metric
    return list(per_channel.values())


def library_source(item: LibraryKpi, feeds: ChannelFeeds) -> dict[str, Any]:
    """`metric` or `formula` for `kpi_create` when the team has a feed for the library KPI, else {}."""
    if item.formula:
        terms = item.formula_terms
        for channel in feeds:
            if all(term in channel for term in terms):
                return {"formula": item.formula.format_map({term: channel[term].key for term in terms})}
    for key in item.feeds:
        for channel in feeds:
            if key in channel:
                return {"metric": channel[key]}
    return {}


@transaction.atomic
def scorecard_create_from_library(
    *, team: Team, strategy_map: StrategyMap, title: str, frequency: str, kpi_keys: Iterable[str]
) -> Scorecard:
    """A scorecard with the ticked library KPIs in their perspectives, in the library's order."""
    keys = set(kpi_keys)
    unknown = keys - {item.key for item in LIBRARY}
    if unknown:
        raise ApplicationError(_("These KPIs are not in the library: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    scorecard = scorecard_create(team=team, strategy_map=strategy_map, title=title, frequency=frequency)
    perspectives = {perspective.key: perspective for perspective in scorecard.perspectives.all()}
    feeds = channel_feeds(team=team)
    for order, item in enumerate(item for item in LIBRARY if item.key in keys):
        kpi_create(
            perspective=perspectives[item.perspective],
            name=str(item.name),
            description=str(item.definition),
            unit=str(item.unit),
            decimals=item.decimals,
            aggregation=item.aggregation,
            frequency=item.frequency,
            scoring_type=item.scoring_type,
            order=order,
            **library_source(item, feeds),
        )
    return scorecard

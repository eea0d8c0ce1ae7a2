"""The colours of the KPIs that measure each success factor, for the strategy map diagram."""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from strategy.models import StrategyMap

from ..models import Scorecard
from ..periods import period_containing
from .batch import scorecards_scores
from .scores import team_today


def factor_statuses(*, strategy_map: StrategyMap, now: datetime | None = None) -> dict[int, list[str]]:
    """Success factor id -> the current-period status of each KPI that measures it.

    Uses the newest scorecard built on the map, scored for its current reporting period; the
    strategy app reaches this through the STRATEGY_FACTOR_STATUSES setting (it may not import
    the scorecard app).
    """
    scorecard = Scorecard.objects.filter(strategy_map=strategy_map).select_related("team").order_by("-pk").first()
    if scorecard is None:
        return {}
    now = now or timezone.now()
    period = period_containing(team_today(scorecard.team.timezone, now), scorecard.frequency)
    statuses: dict[int, list[str]] = defaultdict(list)
    for scores in scorecards_scores(scorecards=[scorecard], periods=[period], now=now)[scorecard.pk]:
        for perspective in scores.perspectives:
            for item in perspective.kpis:
                if item.kpi.success_factor_id is not None:
                    statuses[item.kpi.success_factor_id].append(item.status)
    return dict(statuses)

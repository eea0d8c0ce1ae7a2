"""The strategy map's statuses and monthly series, computed by the scorecard's scoring (strategy.status).

The strategy app reaches these through the STRATEGY_MAP_STATUSES and STRATEGY_OBJECTIVE_SERIES
settings (it may not import the scorecard app). Both read the newest scorecard built on the map
and score it with the one evaluation path (`scorecard.evaluation`): a constant number of queries whatever the number of
objectives, links, KPIs or months. These two functions are the only place the map's numbers come
from, so moving them to another evaluation module is a change here alone.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.utils import timezone

from strategy.models import StrategyMap, SuccessFactor
from strategy.status import MapStatuses

from ..evaluation import KpiResult, ScorecardResult, evaluate_scorecards, team_today
from ..models import Scorecard
from ..periods import Period, last_periods, parse_period, period_containing
from ..scoring import rollup

PICKER_LENGTH = 24  # periods offered in the map's period picker


def _scorecard_of(strategy_map: StrategyMap) -> Scorecard | None:
    return Scorecard.objects.filter(strategy_map=strategy_map).select_related("team").order_by("-pk").first()


def _objective_of_factor(strategy_map: StrategyMap) -> dict[int, int]:
    return dict(SuccessFactor.objects.filter(objective__strategy_map=strategy_map).values_list("pk", "objective_id"))


def _kpi_scores(scores: ScorecardResult) -> Iterable[KpiResult]:
    return (item for perspective in scores.perspectives for item in perspective.kpis)


def _objective_rollups(scores: ScorecardResult, objective_of: dict[int, int]) -> dict[int, tuple[float | None, str]]:
    """Objective id -> the roll-up (score, status) of the KPIs measuring its success factors."""
    items: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
    for item in _kpi_scores(scores):
        objective = objective_of.get(item.kpi.success_factor_id or 0)
        if objective is not None:
            items[objective].append((item.score, item.kpi.weight))
    return {objective: rollup(pairs) for objective, pairs in items.items()}


def _default_period(strategy_map: StrategyMap, scorecard: Scorecard, today: date) -> Period:
    """The current period; the map's last one when the map has ended, its first when it has not begun."""
    day = min(max(today, strategy_map.period_start), strategy_map.period_end)
    return period_containing(day, scorecard.frequency)


def objective_statuses(*, strategy_map: StrategyMap, period: str = "", now: datetime | None = None) -> MapStatuses:
    """Each objective's and success factor's status in `period` (text such as "2027-03"; "" for the default)."""
    scorecard = _scorecard_of(strategy_map)
    if scorecard is None:
        return MapStatuses()
    now = now or timezone.now()
    default = _default_period(strategy_map, scorecard, team_today(scorecard.team.timezone, now))
    chosen, error = default, ""
    if period.strip():
        try:
            chosen = parse_period(period)
        except ValueError as exc:
            error = str(exc)
    scores = evaluate_scorecards(scorecards=[scorecard], periods=[chosen], now=now)[scorecard.pk][0]
    factors: dict[int, list[str]] = defaultdict(list)
    for item in _kpi_scores(scores):
        if item.kpi.success_factor_id is not None:
            factors[item.kpi.success_factor_id].append(item.status)
    rollups = _objective_rollups(scores, _objective_of_factor(strategy_map))
    offered = last_periods(default, PICKER_LENGTH)
    if chosen not in offered:
        offered.append(chosen)
    return MapStatuses(
        objectives={objective: status for objective, (_score, status) in rollups.items()},
        factors=dict(factors),
        period=chosen.label,
        choices=[(p.label, p.label) for p in sorted(offered, reverse=True)],
        error=error,
        source=scorecard.title,
    )


def objective_monthly_series(
    *, strategy_map: StrategyMap, months: int, now: datetime | None = None
) -> dict[int, dict[date, float | None]]:
    """Objective id -> {first day of month: its roll-up score}, over the last `months` complete months."""
    scorecard = _scorecard_of(strategy_map)
    if scorecard is None or months <= 0:
        return {}
    now = now or timezone.now()
    last_complete = period_containing(team_today(scorecard.team.timezone, now), "month").previous()
    periods = last_periods(last_complete, months)
    objective_of = _objective_of_factor(strategy_map)
    series: dict[int, dict[date, float | None]] = {pk: {} for pk in set(objective_of.values())}
    for scores in evaluate_scorecards(scorecards=[scorecard], periods=periods, now=now)[scorecard.pk]:
        for objective, (score, _status) in _objective_rollups(scores, objective_of).items():
            series[objective][scores.period.start] = score
    return series

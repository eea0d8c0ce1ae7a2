"""Evaluating KPIs over loaded period aggregates: the one place a KPI's actual, bar, score and status are made.

`Loaded` reads, in a constant number of queries, everything a set of KPIs needs for a set of their own periods:
the metrics they read (with each one's newest point), the metrics' aggregates per period, and for the periods
still running the raw points their forecasts need. `evaluate_kpi` turns that into a `KpiResult`.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db.models import Q

from metrics.aggregates import day_bounds
from metrics.models import DataPoint

from ..formula import FormulaError, evaluate_formula, formula_terms
from ..models import KPI, Aggregation, Target
from ..periods import Period, native_periods
from ..scoring import (
    ADDITIVE,
    GREY,
    YES_NO,
    ScoringError,
    elapsed_share,
    forecast,
    is_stale,
    on_pace,
    progress,
    score,
)
from .aggregates import EMPTY, Values, metrics_with_newest, period_values
from .results import KpiResult
from .targets import BOUNDS, NO_BAR, Bar, bar_for, combining_aggregation, judging_day, target_on

FREQUENCY_RANK: dict[str, int] = {"week": 0, "month": 1, "quarter": 2, "year": 3}
Term = tuple[str, str]  # (aggregation, metric key)


def kpi_period(kpi: KPI, view: Period) -> Period:
    """Viewing a shorter period than the KPI's frequency shows the native period that contains it."""
    if FREQUENCY_RANK.get(view.kind, 0) >= FREQUENCY_RANK.get(kpi.frequency, 0):
        return view
    return native_periods(view, kpi.frequency)[0]


@lru_cache(maxsize=4096)
def _formula_terms(formula: str) -> frozenset[Term]:
    try:
        return frozenset(formula_terms(formula))
    except FormulaError:
        return frozenset()  # saved formulas were checked; an old broken one scores grey, not a crash


def kpi_terms(kpi: KPI) -> frozenset[Term]:
    """What a KPI reads: (aggregation, metric key) per formula term, or its own metric's key with its aggregation."""
    if kpi.formula:
        return _formula_terms(kpi.formula)
    if kpi.metric_id is None or kpi.metric is None:
        return frozenset()
    return frozenset({(kpi.aggregation, kpi.metric.key)})


def metric_keys(kpi: KPI) -> set[str]:
    """The keys of the metrics a KPI reads (its own metric, or its formula's terms): the one place this is decided."""
    return {key for _aggregation, key in kpi_terms(kpi)}


def metrics_query(kpis_by_team: dict[int, list[KPI]]) -> Q:
    """Every metric the KPIs read: their own, and each team's metrics named in its formulas."""
    query = Q(pk__in={kpi.metric_id for kpis in kpis_by_team.values() for kpi in kpis if kpi.metric_id})
    for team_id, kpis in kpis_by_team.items():
        keys = {key for kpi in kpis if kpi.formula for key in metric_keys(kpi)}
        if keys:
            query |= Q(team_id=team_id, key__in=keys)
    return query


@dataclass
class Loaded:
    """What the KPIs of some teams need: metric ids by (team, key), newest points, period values, forecast points."""

    ids: dict[tuple[int, str], int] = field(default_factory=dict)
    newest: dict[int, datetime | None] = field(default_factory=dict)
    values: dict[tuple[int, Period], Values] = field(default_factory=dict)
    points: dict[int, list[tuple[datetime, float]]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        kpis_by_team: dict[int, list[KPI]],
        periods: Iterable[Period],
        running: dict[int, Period] | None = None,
        zones: dict[int, ZoneInfo] | None = None,
    ) -> "Loaded":
        """Two to four queries. `running`: team id -> the running period whose points the forecasts read."""
        loaded = cls()
        if not any(kpis_by_team.values()):
            return loaded
        rows = metrics_with_newest(metrics_query(kpis_by_team))
        loaded.ids = {(row["team_id"], row["key"]): row["pk"] for row in rows}
        loaded.newest = {row["pk"]: row["newest"] for row in rows}
        loaded.values = period_values(metric_ids=list(loaded.newest), periods=periods)
        if running and zones:
            query = Q(pk__in=[])
            for team_id, period in running.items():
                team_metrics = [row["pk"] for row in rows if row["team_id"] == team_id]
                start = day_bounds(period.start, zones[team_id])[0]
                end = day_bounds(period.last_day, zones[team_id])[1]
                query |= Q(metric_id__in=team_metrics, ts__gte=start, ts__lt=end)
            points: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
            for metric_id, ts, value in (
                DataPoint.objects.filter(query).order_by("metric_id", "ts").values_list("metric_id", "ts", "value")
            ):
                points[metric_id].append((ts, value))
            loaded.points = dict(points)
        return loaded

    def value(self, team_id: int, term: Term, period: Period) -> float | None:
        aggregation, key = term
        metric_id = self.ids.get((team_id, key))
        if metric_id is None:
            return None
        return self.values.get((metric_id, period), EMPTY)[aggregation]


def _evaluate_terms(kpi: KPI, lookup: dict[Term, float | None]) -> float | None:
    if not kpi.formula:
        return next(iter(lookup.values()), None)
    try:
        return evaluate_formula(kpi.formula, lookup)
    except FormulaError:
        return None


def kpi_actual(kpi: KPI, team_id: int, period: Period, loaded: Loaded) -> float | None:
    """The KPI's value in a period: its metric's aggregation, or its formula over its terms' aggregations."""
    terms = kpi_terms(kpi)
    if not terms:
        return None
    return _evaluate_terms(kpi, {term: loaded.value(team_id, term, period) for term in terms})


def kpi_newest(kpi: KPI, team_id: int, loaded: Loaded) -> datetime | None:
    """Newest point of the KPI's metric; for a formula the oldest of its metrics' newest points."""
    newest = [loaded.newest.get(loaded.ids.get((team_id, key), -1)) for key in metric_keys(kpi)]
    if not newest or any(ts is None for ts in newest):
        return None
    return min(ts for ts in newest if ts is not None)


def _kpi_forecast(
    kpi: KPI, team_id: int, own: Period, loaded: Loaded, *, zone: ZoneInfo, now: datetime
) -> float | None:
    """The value at the end of the running period; a formula evaluates its terms' forecasts."""
    start, end = day_bounds(own.start, zone)[0], day_bounds(own.last_day, zone)[1]
    lookup: dict[Term, float | None] = {}
    for aggregation, key in kpi_terms(kpi):
        metric_id = loaded.ids.get((team_id, key))
        points = [(ts, v) for ts, v in loaded.points.get(metric_id or -1, []) if start <= ts < end]
        lookup[(aggregation, key)] = forecast(aggregation, points, period_start=start, period_end=end, now=now)
    return _evaluate_terms(kpi, lookup) if lookup else None


def judge(kpi: KPI, actual: float | None, bar: Bar) -> tuple[float | None, str]:
    """Score and status of an actual against a bar (grey without either)."""
    if actual is None or bar.goal is None:
        return None, GREY
    try:
        return score(
            kpi.scoring_type,
            actual,
            goal=bar.goal,
            red_flag=bar.red_flag,
            goal_high=bar.goal_high,
            red_flag_high=bar.red_flag_high,
        )
    except ScoringError:
        # A linearly paced target on its first day has goal and red flag both at the baseline:
        # there is nothing to judge yet (scoring.score_paced makes the same choice).
        return None, GREY


def paced_bar(kpi: KPI, bar: Bar, own: Period, today: date) -> Bar:
    """The bar of a running period: sum/count targets pro-rated by the elapsed share of the period."""
    share = elapsed_share(period_start=own.start, period_end=own.end, today=today)
    aggregation = combining_aggregation(kpi)
    values = {name: on_pace(aggregation, kpi.scoring_type, getattr(bar, name), share) for name in BOUNDS}
    return Bar(**values)


def progress_baseline(
    kpi: KPI, targets: Sequence[Target], own: Period, today: date, bar: Bar, before: float | None
) -> float | None:
    """Where progress towards a period's goal counts from.

    * The KPI's baseline belongs to its newest target (the one it was set up for, and that pacing starts from).
    * A period judged against an earlier target counts from where that period started: the KPI's value in the
      period before it for a level KPI (last / avg / min / max), zero for a sum or count.
    * Without a baseline a higher-is-better KPI counts from zero; a lower-is-better one (goal below its red flag)
      has no natural zero, so it shows no progress rather than a misleading 100 %.
    """
    applies = target_on(targets, judging_day(own, today))
    newest = targets[-1] if targets else None
    if applies is not None and newest is not None and applies.pk != newest.pk:
        return 0.0 if combining_aggregation(kpi) in ADDITIVE else before
    if kpi.baseline is not None:
        return kpi.baseline
    if bar.red_flag is not None and bar.goal is not None and bar.goal < bar.red_flag:
        return None
    return 0.0


def evaluate_kpi(
    kpi: KPI,
    targets: Sequence[Target],
    *,
    team_id: int,
    view: Period,
    loaded: Loaded,
    today: date,
    now: datetime,
    zone: ZoneInfo,
    details: bool = True,
    with_forecast: bool = False,
    with_targets: bool = True,
) -> KpiResult:
    """The KPI's result for a viewed period (`targets` sorted by start). `details`: progress and staleness;
    `with_forecast`: the projection to the end of a running period (needs `loaded.points`)."""
    own = kpi_period(kpi, view)
    actual = kpi_actual(kpi, team_id, own, loaded)
    in_progress = own.start <= today < own.end
    full = bar_for(kpi, targets, own, today) if targets and with_targets else NO_BAR
    end_bar = bar_for(kpi, targets, own, today, at_end=True) if in_progress and full is not NO_BAR else full
    bar = paced_bar(kpi, full, own, today) if in_progress and full is not NO_BAR else full
    value_score, status = judge(kpi, actual, bar)
    kpi_progress = None
    newest = None
    if details and with_targets:
        before = kpi_actual(kpi, team_id, own.previous(), loaded) if kpi.aggregation != Aggregation.SUM else None
        baseline = progress_baseline(kpi, targets, own, today, full, before)
        kpi_progress = progress(actual, baseline=baseline, goal=bar.goal)
    if details:
        newest = kpi_newest(kpi, team_id, loaded)
    projected, projected_status = None, GREY
    if with_forecast and in_progress and kpi.scoring_type != YES_NO:
        projected = _kpi_forecast(kpi, team_id, own, loaded, zone=zone, now=now)
        projected_status = judge(kpi, projected, end_bar)[1]
    return KpiResult(
        kpi=kpi,
        period=own,
        actual=actual,
        bar=bar,
        score=value_score,
        status=status,
        progress=kpi_progress,
        forecast=projected,
        forecast_status=projected_status,
        stale=details and is_stale(newest, frequency=kpi.frequency, now=now),
        newest=newest,
        metric=kpi.metric if kpi.metric_id else None,
        in_progress=in_progress,
        period_goal=end_bar.goal,
    )

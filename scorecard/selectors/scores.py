"""A scorecard's scores for a period: every KPI, each perspective and the overall roll-up.

Queries do not grow with the number of KPIs: perspectives, KPIs (with metric and owner),
targets, one query for every metric's aggregates and newest point, and for the current period
one for the points the forecasts need.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from metrics.models import Metric

from ..formula import FormulaError, evaluate_formula, formula_terms
from ..models import KPI, Perspective, Scorecard, Target
from ..periods import Period, native_periods, period_containing
from ..scoring import GREY, ScoringError, forecast, is_stale, progress, rollup, score
from .targets import NO_BAR, Bar, bar_for
from .values import MetricValues, metric_values, period_bounds, points_in_range

FREQUENCY_RANK: dict[str, int] = {"week": 0, "month": 1, "quarter": 2, "year": 3}


@dataclass
class KpiScore:
    kpi: KPI
    period: Period  # the KPI's own period: the view period, or its native period when the view is shorter
    actual: float | None
    bar: Bar
    score: float | None
    status: str
    progress: float | None
    forecast: float | None
    forecast_status: str
    stale: bool
    newest: datetime | None
    metric: Metric | None

    @property
    def goal(self) -> float | None:
        return self.bar.goal

    @property
    def red_flag(self) -> float | None:
        return self.bar.red_flag


@dataclass
class PerspectiveScore:
    perspective: Perspective
    score: float | None
    status: str
    kpis: list[KpiScore] = field(default_factory=list)


@dataclass
class ScorecardScores:
    scorecard: Scorecard
    period: Period
    score: float | None
    status: str
    perspectives: list[PerspectiveScore] = field(default_factory=list)


def team_today(team_timezone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(team_timezone)).date()


def current_period(scorecard: Scorecard, now: datetime | None = None) -> Period:
    return period_containing(team_today(scorecard.team.timezone, now), scorecard.frequency)


def kpi_period(kpi: KPI, view: Period) -> Period:
    """Viewing a shorter period than the KPI's frequency shows the native period that contains it."""
    if FREQUENCY_RANK.get(view.kind, 0) >= FREQUENCY_RANK.get(kpi.frequency, 0):
        return view
    return native_periods(view, kpi.frequency)[0]


def _formula_terms(kpi: KPI) -> set[tuple[str, str]]:
    try:
        return formula_terms(kpi.formula)
    except FormulaError:
        return set()  # saved formulas were checked; an old broken one scores grey, not a crash


def kpi_actual(kpi: KPI, values_by_key: dict[str, MetricValues], index: int) -> float | None:
    """The KPI's value in the index-th range of `metric_values`."""
    if kpi.formula:
        terms = {}
        for aggregation, key in _formula_terms(kpi):
            found = values_by_key.get(key)
            terms[(aggregation, key)] = found.per_range[index][aggregation] if found else None
        try:
            return evaluate_formula(kpi.formula, terms)
        except FormulaError:
            return None
    if kpi.metric is None:
        return None
    found = values_by_key.get(kpi.metric.key)
    return found.per_range[index][kpi.aggregation] if found else None


def kpi_newest(kpi: KPI, values_by_key: dict[str, MetricValues]) -> datetime | None:
    """Newest point of the KPI's metric; for a formula the oldest of its metrics' newest points."""
    keys = {key for _aggregation, key in _formula_terms(kpi)} if kpi.formula else set()
    if kpi.metric is not None:
        keys = {kpi.metric.key}
    newest = [values_by_key[key].newest if key in values_by_key else None for key in keys]
    if not newest or any(ts is None for ts in newest):
        return None
    return min(ts for ts in newest if ts is not None)


def metrics_of(kpis: Sequence[KPI], team_id: int) -> Q:
    """Every metric the KPIs read: their own, and the team's metrics named in formulas."""
    metric_ids = {kpi.metric_id for kpi in kpis if kpi.metric_id}
    keys = {key for kpi in kpis if kpi.formula for _aggregation, key in _formula_terms(kpi)}
    return Q(pk__in=metric_ids) | Q(team_id=team_id, key__in=keys)


def scorecard_scores(*, scorecard: Scorecard, period: Period, now: datetime | None = None) -> ScorecardScores:
    now = now or timezone.now()
    team = scorecard.team
    tz = ZoneInfo(team.timezone)
    today = team_today(team.timezone, now)
    kpi_queryset = KPI.objects.select_related("metric", "owner").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_start"))
    )
    perspectives = list(
        scorecard.perspectives.prefetch_related(Prefetch("kpis", queryset=kpi_queryset)).order_by("order", "pk")
    )
    kpis = [kpi for perspective in perspectives for kpi in perspective.kpis.all()]
    ranges: list[tuple[datetime, datetime]] = []
    range_index: dict[Period, int] = {}
    for kpi in kpis:
        own = kpi_period(kpi, period)
        if own not in range_index:
            range_index[own] = len(ranges)
            ranges.append(period_bounds(own, tz))
    values = metric_values(metrics=metrics_of(kpis, team.pk), ranges=ranges) if kpis else {}
    values_by_key = {found.key: found for found in values.values()}
    forecast_points: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    current = [own for own in range_index if own.contains(today)]
    if current:
        in_current = [kpi for kpi in kpis if kpi_period(kpi, period) in current]
        ids = {kpi.metric_id for kpi in in_current if kpi.metric_id}
        term_keys = {key for kpi in in_current if kpi.formula for _aggregation, key in _formula_terms(kpi)}
        ids |= {values_by_key[key].metric_id for key in term_keys if key in values_by_key}
        start, end = min(period_bounds(p, tz)[0] for p in current), max(period_bounds(p, tz)[1] for p in current)
        forecast_points.update(points_in_range(metric_ids=ids, start=start, end=end))

    result = ScorecardScores(scorecard=scorecard, period=period, score=None, status=GREY)
    for perspective in perspectives:
        kpi_scores = [
            _kpi_score(kpi, period, values_by_key, range_index, forecast_points, tz=tz, today=today, now=now)
            for kpi in perspective.kpis.all()
        ]
        rolled, status = rollup((item.score, item.kpi.weight) for item in kpi_scores)
        result.perspectives.append(PerspectiveScore(perspective, rolled, status, kpi_scores))
    result.score, result.status = rollup((p.score, p.perspective.weight) for p in result.perspectives)
    return result


def _kpi_score(
    kpi: KPI,
    view: Period,
    values_by_key: dict[str, MetricValues],
    range_index: dict[Period, int],
    forecast_points: dict[int, list[tuple[datetime, float]]],
    *,
    tz: ZoneInfo,
    today: date,
    now: datetime,
) -> KpiScore:
    own = kpi_period(kpi, view)
    targets = list(kpi.targets.all())
    actual = kpi_actual(kpi, values_by_key, range_index[own])
    bar = bar_for(kpi, targets, own, today) if targets else NO_BAR
    value_score, status = _score(kpi, actual, bar)
    kpi_progress = progress(actual, baseline=_progress_baseline(kpi, bar), goal=bar.goal)
    projected, projected_status = None, GREY
    if own.contains(today):
        projected = _forecast(kpi, own, values_by_key, forecast_points, tz=tz, now=now)
        end_bar = bar_for(kpi, targets, own, today, at_end=True) if targets else NO_BAR
        projected_status = _score(kpi, projected, end_bar)[1]
    newest = kpi_newest(kpi, values_by_key)
    return KpiScore(
        kpi=kpi,
        period=own,
        actual=actual,
        bar=bar,
        score=value_score,
        status=status,
        progress=kpi_progress,
        forecast=projected,
        forecast_status=projected_status,
        stale=is_stale(newest, frequency=kpi.frequency, now=now),
        newest=newest,
        metric=kpi.metric,
    )


def _forecast(
    kpi: KPI,
    own: Period,
    values_by_key: dict[str, MetricValues],
    forecast_points: dict[int, list[tuple[datetime, float]]],
    *,
    tz: ZoneInfo,
    now: datetime,
) -> float | None:
    """The value at the end of the current period; a formula evaluates its terms' forecasts."""
    start, end = period_bounds(own, tz)

    def projected(aggregation: str, metric_id: int) -> float | None:
        points = [(ts, v) for ts, v in forecast_points.get(metric_id, []) if start <= ts < end]
        return forecast(aggregation, points, period_start=start, period_end=end, now=now)

    if not kpi.formula:
        return projected(kpi.aggregation, kpi.metric_id) if kpi.metric_id else None
    terms = {}
    for aggregation, key in _formula_terms(kpi):
        found = values_by_key.get(key)
        terms[(aggregation, key)] = projected(aggregation, found.metric_id) if found else None
    try:
        return evaluate_formula(kpi.formula, terms)
    except FormulaError:
        return None


def _progress_baseline(kpi: KPI, bar: Bar) -> float | None:
    """The KPI's baseline; without one, progress of a higher-is-better KPI counts from zero.

    A lower-is-better KPI (goal below its red flag) has no natural zero to count from, so
    without a baseline it shows no progress rather than a misleading 100 %.
    """
    if kpi.baseline is not None:
        return kpi.baseline
    if bar.red_flag is not None and bar.goal is not None and bar.goal < bar.red_flag:
        return None
    return 0.0


def _score(kpi: KPI, actual: float | None, bar: Bar) -> tuple[float | None, str]:
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

"""Scores of many scorecards over many periods in a constant number of queries (portfolio, report).

Four queries for any number of scorecards, KPIs and periods: perspectives, KPIs (with their metric),
targets, and one `metric_values` over every metric of every scorecard and every period range (ranges are
shared by teams in the same time zone). The numbers are those of `scorecard_scores` (same actuals, bars,
scores and roll-ups), except forecasts, which need the current period's points: they are left out here
(forecast None, grey); progress, staleness and the newest point are filled in for the last period only.
Callers pass scorecards with `team` already loaded (select_related).
"""

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from ..models import KPI, Perspective, Scorecard, Target
from ..periods import Period
from ..scoring import GREY, is_stale, progress, rollup
from .scores import (
    KpiScore,
    PerspectiveScore,
    ScorecardScores,
    _formula_terms,
    _progress_baseline,
    _score,
    kpi_actual,
    kpi_newest,
    kpi_period,
    team_today,
)
from .targets import NO_BAR, bar_for
from .values import MetricValues, metric_values, period_bounds


def _aggregations_of(kpis: Sequence[KPI]) -> set[str]:
    needed = {kpi.aggregation for kpi in kpis if not kpi.formula}
    needed |= {aggregation for kpi in kpis if kpi.formula for aggregation, _key in _formula_terms(kpi)}
    return needed


def _metrics_query(kpis_by_team: dict[int, list[KPI]]) -> Q:
    """Every metric the KPIs read: their own, and each team's metrics named in its formulas."""
    query = Q(pk__in={kpi.metric_id for kpis in kpis_by_team.values() for kpi in kpis if kpi.metric_id})
    for team_id, kpis in kpis_by_team.items():
        keys = {key for kpi in kpis if kpi.formula for _aggregation, key in _formula_terms(kpi)}
        if keys:
            query |= Q(team_id=team_id, key__in=keys)
    return query


def scorecards_scores(
    *, scorecards: Sequence[Scorecard], periods: Sequence[Period], now: datetime | None = None
) -> dict[int, list[ScorecardScores]]:
    """For each scorecard id, its scores in each of `periods` (same order), without forecasts."""
    now = now or timezone.now()
    result: dict[int, list[ScorecardScores]] = {scorecard.pk: [] for scorecard in scorecards}
    if not scorecards or not periods:
        return result
    by_id = {scorecard.pk: scorecard for scorecard in scorecards}
    kpi_queryset = KPI.objects.select_related("metric").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_start"))
    )
    perspectives = list(
        Perspective.objects.filter(scorecard__in=list(by_id))
        .prefetch_related(Prefetch("kpis", queryset=kpi_queryset))
        .order_by("scorecard_id", "order", "pk")
    )
    perspectives_of: dict[int, list[Perspective]] = {pk: [] for pk in by_id}
    kpis_by_team: dict[int, list[KPI]] = {}
    for perspective in perspectives:
        perspective.scorecard = by_id[perspective.scorecard_id]  # no query when a template follows it
        perspectives_of[perspective.scorecard_id].append(perspective)
        kpis_by_team.setdefault(perspective.scorecard.team_id, []).extend(perspective.kpis.all())

    ranges: list[tuple[datetime, datetime]] = []
    range_index: dict[tuple[str, Period], int] = {}
    for scorecard in scorecards:
        zone = scorecard.team.timezone
        for perspective in perspectives_of[scorecard.pk]:
            for kpi in perspective.kpis.all():
                for period in periods:
                    own = kpi_period(kpi, period)
                    if (zone, own) not in range_index:
                        range_index[(zone, own)] = len(ranges)
                        ranges.append(period_bounds(own, ZoneInfo(zone)))
    all_kpis = [kpi for kpis in kpis_by_team.values() for kpi in kpis]
    values = (
        metric_values(metrics=_metrics_query(kpis_by_team), ranges=ranges, aggregations=_aggregations_of(all_kpis))
        if all_kpis
        else {}
    )
    values_by_team: dict[int | None, dict[str, MetricValues]] = {}
    for found in values.values():
        values_by_team.setdefault(found.team_id, {})[found.key] = found

    # Plain lists once: every .all() on a prefetched relation clones a queryset, which adds up over
    # thousands of KPIs times the periods.
    kpis_of = {perspective.pk: list(perspective.kpis.all()) for perspective in perspectives}
    targets_of = {kpi.pk: list(kpi.targets.all()) for kpis in kpis_of.values() for kpi in kpis}
    for scorecard in scorecards:
        team = scorecard.team
        today = team_today(team.timezone, now)
        values_by_key = values_by_team.get(team.pk, {})
        for number, period in enumerate(periods, start=1):
            scores = ScorecardScores(scorecard=scorecard, period=period, score=None, status=GREY)
            for perspective in perspectives_of[scorecard.pk]:
                kpi_scores = [
                    _plain_kpi_score(
                        kpi,
                        period,
                        targets_of[kpi.pk],
                        values_by_key,
                        range_index[(team.timezone, kpi_period(kpi, period))],
                        today=today,
                        now=now,
                        details=number == len(periods),
                    )
                    for kpi in kpis_of[perspective.pk]
                ]
                rolled, status = rollup((item.score, item.kpi.weight) for item in kpi_scores)
                scores.perspectives.append(PerspectiveScore(perspective, rolled, status, kpi_scores))
            scores.score, scores.status = rollup((p.score, p.perspective.weight) for p in scores.perspectives)
            result[scorecard.pk].append(scores)
    return result


def _plain_kpi_score(
    kpi: KPI,
    view: Period,
    targets: list[Target],
    values_by_key: dict[str, MetricValues],
    index: int,
    *,
    today: date,
    now: datetime,
    details: bool,
) -> KpiScore:
    """The KPI's score; progress and staleness only with `details` (the last period: earlier ones are trend)."""
    own = kpi_period(kpi, view)
    actual = kpi_actual(kpi, values_by_key, index)
    bar = bar_for(kpi, targets, own, today) if targets else NO_BAR
    value_score, status = _score(kpi, actual, bar)
    kpi_progress = progress(actual, baseline=_progress_baseline(kpi, bar), goal=bar.goal) if details else None
    newest = kpi_newest(kpi, values_by_key) if details else None
    return KpiScore(
        kpi=kpi,
        period=own,
        actual=actual,
        bar=bar,
        score=value_score,
        status=status,
        progress=kpi_progress,
        forecast=None,
        forecast_status=GREY,
        stale=details and is_stale(newest, frequency=kpi.frequency, now=now),
        newest=newest,
        metric=kpi.metric,
    )

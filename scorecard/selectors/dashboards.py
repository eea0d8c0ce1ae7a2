"""Data for the scorecard, perspective and KPI dashboards, in a number of queries that does not grow with KPIs.

On top of `scorecard_scores` (the period's scores), the dashboards need each KPI's last periods (sparklines and
charts) and whether the channels that feed it are failing. `series_of_kpis` reads the periods of *all* KPIs in
two queries (the points grouped by metric and period, whatever the KPIs' frequencies; then the `last` values);
`sources_in_trouble` finds the failing channels of all KPIs in one query.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from metrics.models import Channel, DataPoint, Metric

from ..models import KPI, Action, Perspective, Scorecard
from ..periods import Period, last_periods, period_containing
from .scores import (
    KpiScore,
    PerspectiveScore,
    ScorecardScores,
    _formula_terms,
    _kpi_score,
    _score,
    kpi_actual,
    metrics_of,
    scorecard_scores,
    team_today,
)
from .series import SeriesPoint
from .targets import NO_BAR, bar_for
from .values import AGGREGATIONS, MetricValues, metric_values, period_bounds, points_in_range

SERIES_LENGTH = 12
TROUBLE = (Channel.Status.FAILING, Channel.Status.NEEDS_ATTENTION)
OPEN_ACTIONS = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)


@dataclass
class KpiRow:
    """One KPI on a dashboard: its score for the period, its last periods and any failing feed."""

    item: KpiScore
    series: list[SeriesPoint]
    troubled_channels: list[Channel] = field(default_factory=list)

    @property
    def kpi(self) -> KPI:
        return self.item.kpi

    @property
    def failing(self) -> bool:
        return any(channel.status == Channel.Status.FAILING for channel in self.troubled_channels)

    @property
    def needs_attention(self) -> bool:
        return any(channel.status == Channel.Status.NEEDS_ATTENTION for channel in self.troubled_channels)


@dataclass
class PerspectiveBoard:
    score: PerspectiveScore
    rows: list[KpiRow]

    @property
    def perspective(self) -> Perspective:
        return self.score.perspective


@dataclass
class Dashboard:
    scores: ScorecardScores
    perspectives: list[PerspectiveBoard]
    today: date


def series_end(item: KpiScore, today: date) -> Period:
    """The last native period a KPI's series shows: the one holding today, or the last one of the viewed period."""
    day = today if item.period.contains(today) else item.period.last_day
    return period_containing(day, item.kpi.frequency)


def series_of_kpis(
    *, kpis: Sequence[KPI], ends: dict[int, Period], team_timezone: str, team_id: int, now: datetime,
    count: int = SERIES_LENGTH, with_targets: bool = True,
) -> dict[int, list[SeriesPoint]]:  # fmt: skip
    """The last `count` native periods up to `ends[kpi.pk]` of every KPI, oldest first, in two queries for all KPIs.

    Targets come from `kpi.targets.all()`, which the caller has prefetched. Without `with_targets` (sparklines)
    only the actuals are filled in: no goal, score or colour per period.
    """
    tz = ZoneInfo(team_timezone)
    today = team_today(team_timezone, now)
    periods_of = {kpi.pk: last_periods(ends[kpi.pk], count) for kpi in kpis}
    index_of: dict[Period, int] = {}
    for periods in periods_of.values():
        for period in periods:
            index_of.setdefault(period, len(index_of))
    values_by_key = period_values(kpis=kpis, periods=index_of, tz=tz, team_id=team_id) if kpis else {}
    result: dict[int, list[SeriesPoint]] = {}
    for kpi in kpis:
        targets = sorted(kpi.targets.all(), key=lambda target: target.period_start)
        points = []
        for period in periods_of[kpi.pk]:
            actual = kpi_actual(kpi, values_by_key, index_of[period])
            bar = bar_for(kpi, targets, period, today) if targets and with_targets else NO_BAR
            value_score, status = _score(kpi, actual, bar)
            points.append(SeriesPoint(period=period, actual=actual, bar=bar, score=value_score, status=status))
        result[kpi.pk] = points
    return result


def period_values(
    *, kpis: Sequence[KPI], periods: dict[Period, int], tz: ZoneInfo, team_id: int
) -> dict[str, MetricValues]:
    """Aggregates of the KPIs' metrics in each period (`periods` maps a period to its index): two queries.

    The points are grouped by (metric, period) with a CASE over each kind's periods (periods of one kind never
    overlap; the kinds are glued with UNION ALL), so the database reads each point once per kind and the query
    stays small however many periods there are. `last` takes a second query: the points at each group's newest
    timestamp.
    """
    metrics = Metric.objects.filter(metrics_of(kpis, team_id)).values("pk")
    by_kind: dict[str, list[Period]] = defaultdict(list)
    for period in periods:
        by_kind[period.kind].append(period)
    grouped: Any = None
    for kind_periods in by_kind.values():
        bounds = [(period_bounds(period, tz), periods[period]) for period in kind_periods]
        low, high = min(b[0][0] for b in bounds), max(b[0][1] for b in bounds)
        query = (
            DataPoint.objects.filter(metric_id__in=metrics, ts__gte=low, ts__lt=high)
            .annotate(bucket=_bucket(bounds))
            .filter(bucket__isnull=False)
            .values("metric_id", "metric__key", "bucket")
            .annotate(
                sum=Sum("value"), avg=Avg("value"), min=Min("value"), max=Max("value"), count=Count("value"),
                newest=Max("ts"),
            )
            .order_by()
        )  # fmt: skip
        grouped = query if grouped is None else grouped.union(query, all=True).order_by()
    found: dict[str, MetricValues] = {}
    newest_of: dict[tuple[int, datetime], list[tuple[str, int]]] = defaultdict(list)  # a moment ends several periods
    nothing: dict[str, float | None] = {name: (0.0 if name == "count" else None) for name in AGGREGATIONS}
    empty = [dict(nothing) for _ in periods]
    for row in grouped if grouped is not None else []:
        values = found.get(row["metric__key"])
        if values is None:
            values = MetricValues(
                metric_id=row["metric_id"], key=row["metric__key"], per_range=[dict(item) for item in empty]
            )
            found[row["metric__key"]] = values
        values.per_range[row["bucket"]] = {name: row[name] for name in AGGREGATIONS if name != "last"} | {
            "count": float(row["count"] or 0),
            "last": None,
        }
        newest_of[(row["metric_id"], row["newest"])].append((row["metric__key"], row["bucket"]))
    if newest_of:
        metric_ids = {metric_id for metric_id, _ts in newest_of}
        moments = {ts for _metric_id, ts in newest_of}
        points = DataPoint.objects.filter(metric_id__in=metric_ids, ts__in=moments).values_list(
            "metric_id", "ts", "value"
        )
        for metric_id, ts, value in points:
            for key, slot in newest_of.get((metric_id, ts), []):
                found[key].per_range[slot]["last"] = value
    return found


def _bucket(bounds: list[tuple[tuple[datetime, datetime], int]]) -> RawSQL:
    """CASE WHEN ts >= start AND ts < end THEN index ... END: the index of the period holding a point.

    Written as one SQL expression because the ORM's Case(When(...)) spends milliseconds per request compiling
    two lookups per period; the bounds still go in as parameters, prepared the way the ts field prepares them.
    """
    ts = DataPoint._meta.get_field("ts")
    quote = connection.ops.quote_name
    column = f"{quote(DataPoint._meta.db_table)}.{quote(ts.column or ts.name)}"
    whens, params = [], []
    for (start, end), index in bounds:
        whens.append(f"WHEN {column} >= %s AND {column} < %s THEN {int(index)}")
        params += [ts.get_db_prep_value(start, connection), ts.get_db_prep_value(end, connection)]
    sql = f"CASE {' '.join(whens)} END"
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 - quoted names, int indexes; values are params


def _metric_keys(kpi: KPI) -> set[str]:
    if kpi.formula:
        return {key for _aggregation, key in _formula_terms(kpi)}
    return {kpi.metric.key} if kpi.metric is not None else set()


def sources_in_trouble(*, kpis: Sequence[KPI], team_id: int) -> dict[int, list[Channel]]:
    """Per KPI the failing or attention-needing channels that feed its metrics (formula terms too): one query."""
    if not kpis:
        return {}
    metrics = Metric.objects.filter(metrics_of(kpis, team_id), channel__status__in=TROUBLE).select_related("channel")
    channel_of_key = {metric.key: metric.channel for metric in metrics if metric.channel is not None}
    result: dict[int, list[Channel]] = {}
    for kpi in kpis:
        channels = {channel_of_key[key].pk: channel_of_key[key] for key in _metric_keys(kpi) if key in channel_of_key}
        result[kpi.pk] = sorted(channels.values(), key=lambda channel: channel.name)
    return result


def scorecard_dashboard(
    *,
    scorecard: Scorecard,
    period: Period,
    now: datetime | None = None,
    perspective_key: str | None = None,
    with_targets: bool = True,
) -> Dashboard:
    """Scores, series and failing feeds for the scorecard (or one of its perspectives) in a fixed number of queries.

    `with_targets=False` leaves the goals out of the series (the sparklines show actuals only).
    """
    now = now or timezone.now()
    team = scorecard.team
    today = team_today(team.timezone, now)
    scores = scorecard_scores(scorecard=scorecard, period=period, now=now)
    shown = [p for p in scores.perspectives if perspective_key is None or p.perspective.key == perspective_key]
    items = [item for perspective in shown for item in perspective.kpis]
    kpis = [item.kpi for item in items]
    ends = {item.kpi.pk: series_end(item, today) for item in items}
    series = series_of_kpis(
        kpis=kpis, ends=ends, team_timezone=team.timezone, team_id=team.pk, now=now, with_targets=with_targets
    )
    trouble = sources_in_trouble(kpis=kpis, team_id=team.pk)
    boards = [
        PerspectiveBoard(
            score=perspective,
            rows=[KpiRow(item, series[item.kpi.pk], trouble.get(item.kpi.pk, [])) for item in perspective.kpis],
        )
        for perspective in shown
    ]
    return Dashboard(scores=scores, perspectives=boards, today=today)


def perspective_actions(*, perspective: Perspective) -> QuerySet[Action]:
    return perspective.actions.select_related("owner", "kpi").order_by("due_date", "pk")


def is_overdue(action: Action, today: date) -> bool:
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTIONS


def with_overdue(actions: Iterable[Action], today: date) -> list[Action]:
    """The actions as a list, each marked `overdue` for the templates."""
    marked = list(actions)
    for action in marked:
        action.overdue = is_overdue(action, today)  # type: ignore[attr-defined]
    return marked


# --- The KPI page ---------------------------------------------------------------------------------------------


def kpi_now(*, kpi: KPI, now: datetime | None = None) -> KpiScore:
    """The KPI's score in its current native period, with the forecast to the period's end: two queries."""
    now = now or timezone.now()
    team = kpi.perspective.scorecard.team
    tz = ZoneInfo(team.timezone)
    today = team_today(team.timezone, now)
    own = period_containing(today, kpi.frequency)
    start, end = period_bounds(own, tz)
    values = metric_values(metrics=metrics_of([kpi], team.pk), ranges=[(start, end)])
    values_by_key = {found.key: found for found in values.values()}
    points = points_in_range(metric_ids=set(values), start=start, end=end)
    return _kpi_score(kpi, own, values_by_key, {own: 0}, points, tz=tz, today=today, now=now)


def kpi_sources(*, kpi: KPI) -> list[Metric]:
    """The metrics a KPI reads (its own, or its formula's terms) with their channel and newest point: one query."""
    team_id = kpi.perspective.scorecard.team_id
    newest = DataPoint.objects.filter(metric_id=OuterRef("pk")).order_by("-ts").values("ts")[:1]
    metrics = Metric.objects.filter(metrics_of([kpi], team_id)).select_related("channel", "team")
    return list(metrics.annotate(newest_ts=Subquery(newest)).order_by("name"))

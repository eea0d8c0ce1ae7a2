"""Metric values per period, aggregated in SQL in one query for any number of metrics and periods.

Period boundaries are the local midnights of the team's time zone turned into aware datetimes,
so a point at 00:30 local time on the first of a month belongs to that month, also across a
daylight saving time change. Every aggregate is a filtered aggregate over one LEFT JOIN
(FilteredRelation) on the data points of the overall span; `last` and the newest point come from
correlated subqueries that walk the (metric, ts) index backwards. This works the same on
PostgreSQL and SQLite.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, FilteredRelation, Max, Min, OuterRef, Q, Subquery, Sum

from metrics.models import DataPoint, Metric

from ..periods import Period

AGGREGATIONS = ("sum", "avg", "min", "max", "count", "last")


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def period_bounds(period: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The period as [start, end) aware datetimes at local midnight in the team's time zone."""
    return local_midnight(period.start, tz), local_midnight(period.end, tz)


@dataclass
class MetricValues:
    metric_id: int
    key: str
    newest: datetime | None = None
    team_id: int | None = None
    # One dict per requested range: aggregation name -> value (None when no points).
    per_range: list[dict[str, float | None]] = field(default_factory=list)


def metric_values(
    *,
    metrics: Q,
    ranges: Sequence[tuple[datetime, datetime]],
    with_newest: bool = True,
    aggregations: Collection[str] = AGGREGATIONS,
) -> dict[int, MetricValues]:
    """Aggregates of each matching metric's points in each [start, end) range: one query.

    `aggregations` limits the work to the aggregations the caller reads (the others come back None;
    count is always computed): many ranges over many metrics (the portfolio's trend) stay cheaper.
    """
    if not ranges:
        return {}
    low = min(start for start, _end in ranges)
    high = max(end for _start, end in ranges)
    queryset = Metric.objects.filter(metrics).annotate(
        pts=FilteredRelation("datapoints", condition=Q(datapoints__ts__gte=low, datapoints__ts__lt=high))
    )
    annotations: dict[str, Any] = {}
    for index, (start, end) in enumerate(ranges):
        inside = Q(pts__ts__gte=start, pts__ts__lt=end)
        for name, function in (("sum", Sum), ("avg", Avg), ("min", Min), ("max", Max)):
            if name in aggregations:
                annotations[f"{name}_{index}"] = function("pts__value", filter=inside)
        annotations[f"count_{index}"] = Count("pts__value", filter=inside)
        if "last" in aggregations:
            latest = DataPoint.objects.filter(metric_id=OuterRef("pk"), ts__gte=start, ts__lt=end).order_by("-ts")
            annotations[f"last_{index}"] = Subquery(latest.values("value")[:1])
    if with_newest:
        newest = DataPoint.objects.filter(metric_id=OuterRef("pk")).order_by("-ts")
        annotations["newest"] = Subquery(newest.values("ts")[:1])
    rows = queryset.annotate(**annotations).values("pk", "key", "team_id", *annotations)
    found: dict[int, MetricValues] = {}
    for row in rows:
        values = MetricValues(metric_id=row["pk"], key=row["key"], newest=row.get("newest"), team_id=row["team_id"])
        for index in range(len(ranges)):
            per = {name: row.get(f"{name}_{index}") for name in AGGREGATIONS}
            per["count"] = float(per["count"] or 0)  # counting nothing is a real zero
            values.per_range.append(per)
        found[row["pk"]] = values
    return found


def points_in_range(*, metric_ids: set[int], start: datetime, end: datetime) -> dict[int, list[tuple[datetime, float]]]:
    """Every point of the metrics in [start, end), for forecasts of the current period: one query."""
    points: dict[int, list[tuple[datetime, float]]] = {metric_id: [] for metric_id in metric_ids}
    if not metric_ids:
        return points
    rows = DataPoint.objects.filter(metric_id__in=metric_ids, ts__gte=start, ts__lt=end).order_by("metric_id", "ts")
    for metric_id, ts, value in rows.values_list("metric_id", "ts", "value"):
        points[metric_id].append((ts, value))
    return points

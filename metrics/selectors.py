"""Reads for metrics and data points (query-count aware)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet

from teams.models import Team
from teams.time_bounds import MAX_YEAR, MIN_YEAR

from .models import DataPoint, ImportJob, Metric


def metrics_of_team(*, team: Team) -> QuerySet[Metric]:
    return Metric.objects.filter(team=team).select_related("team", "channel").order_by("name")


def metric_rows(*, team: Team) -> QuerySet[Metric]:
    """The team's metrics with their number of points and newest timestamp (one query)."""
    return metrics_of_team(team=team).annotate(point_count=Count("datapoints"), latest_ts=Max("datapoints__ts"))


def datapoints_of_metric(
    *, metric: Metric, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[DataPoint]:
    """Points of a metric ordered by time, optionally with start <= ts < end."""
    points = DataPoint.objects.filter(metric=metric)
    if start is not None:
        points = points.filter(ts__gte=start)
    if end is not None:
        points = points.filter(ts__lt=end)
    return points.order_by("ts")


def latest_datapoints(*, metric: Metric, limit: int = 20) -> list[DataPoint]:
    return list(DataPoint.objects.filter(metric=metric).order_by("-ts")[:limit])


def series(*, metric: Metric, limit: int = 2000) -> tuple[list[datetime], list[float]]:
    """The newest `limit` points of a metric, oldest first, for a chart."""
    rows = list(DataPoint.objects.filter(metric=metric).order_by("-ts").values_list("ts", "value")[:limit])
    rows.reverse()
    return [ts for ts, _ in rows], [value for _, value in rows]


def import_jobs_of_team(*, team: Team) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(team=team).select_related("created_by").defer("content")


def datapoints_out_of_range() -> QuerySet[DataPoint]:
    """Points stored before the write paths refused times outside the accepted years (teams.time_bounds).

    A day of margin on each side: a point the write paths accept (its year as written, in any UTC offset) is
    never listed.
    """
    earliest = datetime(MIN_YEAR, 1, 1, tzinfo=UTC) - timedelta(days=1)
    latest = datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    return DataPoint.objects.filter(Q(ts__lt=earliest) | Q(ts__gte=latest))


def out_of_range_summary() -> list[tuple[str, str, int]]:
    """(team slug, metric key, number of points) for every metric with points outside the accepted years."""
    rows = (
        datapoints_out_of_range()
        .values("metric__team__slug", "metric__key")
        .annotate(points=Count("pk"))
        .order_by("metric__team__slug", "metric__key")
    )
    return [(row["metric__team__slug"], row["metric__key"], row["points"]) for row in rows]

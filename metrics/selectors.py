"""Reads for metrics and data points (query-count aware)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, QuerySet

from teams.models import Team

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

"""Writes for metrics and data points.

Every write path (REST, CSV import, manual entry, connectors) stores data points through
`datapoints_upsert`, so replaying the same input changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team
from teams.time_bounds import MAX_YEAR, MIN_YEAR, date_in_range

from .aggregates import PG_MERGE_NEW_POINTS, aggregates_refresh, bump_data_versions, local_days
from .models import DataPoint, Metric, Source
from .pg import binary_cursor
from .selectors import datapoints_out_of_range
from .values import value_problem

SQLITE_CHUNK = 500


class PointIn(NamedTuple):
    """One data point to store. A named tuple: batches of thousands are built per request."""

    metric_id: int
    ts: datetime  # timezone-aware
    value: float


@dataclass(frozen=True, slots=True)
class UpsertResult:
    received: int
    created: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.received - self.created - self.updated


def out_of_range_message(when: date | str) -> str:
    """Why a data point's time is refused: the one message of every write path (see teams.time_bounds)."""
    shown = when if isinstance(when, str) else when.isoformat()
    return _("%(when)s lies outside the years %(min)s to %(max)s; Scorecard stores data points only in that range.") % {
        "when": shown[:40],
        "min": MIN_YEAR,
        "max": MAX_YEAR,
    }


def _last_wins(points: list[PointIn]) -> dict[tuple[int, datetime], float]:
    """One value per (metric, ts); a later point in the batch replaces an earlier one."""
    return {(point.metric_id, point.ts): float(point.value) for point in points}


# A batch that names the same (metric, ts) twice keeps its last value; ON CONFLICT may not touch
# a row twice in one statement, so such batches go through DISTINCT ON over the input order.
# Most batches have no duplicates and skip that (a set of keys is cheaper in Python).
# Both inputs come sorted by (metric, ts): concurrent batches then lock the rows they share in the
# same order and wait for each other, where batches in their own orders deadlocked (PostgreSQL
# aborts one of them).
_INPUT_UNIQUE = """
    SELECT m, t, v, d FROM unnest(%b::bigint[], %b::timestamptz[], %b::double precision[], %b::date[]) AS u(m, t, v, d)
    ORDER BY m, t
"""
_INPUT_LAST_WINS = """
    SELECT DISTINCT ON (m, t) m, t, v, d
    FROM unnest(%b::bigint[], %b::timestamptz[], %b::double precision[], %b::date[]) WITH ORDINALITY AS u(m, t, v, d, n)
    ORDER BY m, t, n DESC
"""
# `d` is each point's local day (the team's time zone), computed in Python. New points are added into their
# day's and month's aggregates in the same statement (PG_MERGE_NEW_POINTS); the days of changed points are
# recomputed afterwards from the points (their old values are gone), which the last two columns name.
_POSTGRES_UPSERT = """
WITH input AS ({input}), written AS (
    INSERT INTO metrics_datapoint (metric_id, ts, value, source, updated_at)
    SELECT m, t, v, %s, now() FROM input
    ON CONFLICT (metric_id, ts) DO UPDATE
        SET value = EXCLUDED.value, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
        WHERE metrics_datapoint.value IS DISTINCT FROM EXCLUDED.value
    RETURNING metric_id, ts, value, (xmax = 0) AS inserted
){merge}
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
    array_agg(metric_id) FILTER (WHERE NOT inserted), array_agg(ts) FILTER (WHERE NOT inserted)
FROM written
"""
_UPSERT_UNIQUE = _POSTGRES_UPSERT.format(input=_INPUT_UNIQUE, merge=PG_MERGE_NEW_POINTS)
_UPSERT_LAST_WINS = _POSTGRES_UPSERT.format(input=_INPUT_LAST_WINS, merge=PG_MERGE_NEW_POINTS)


def _upsert_postgres(points: list[PointIn], source: str) -> tuple[int, int]:
    metric_ids = [point.metric_id for point in points]
    timestamps = [point.ts for point in points]
    values = [float(point.value) for point in points]
    days, team_ids = local_days(metric_ids, timestamps)
    unique = len(set(zip(metric_ids, timestamps, strict=True))) == len(points)
    with binary_cursor() as cursor:
        cursor.execute(_UPSERT_UNIQUE if unique else _UPSERT_LAST_WINS, [metric_ids, timestamps, values, days, source])
        created, updated, changed_metrics, changed_times = cursor.fetchone()
    if updated:
        aggregates_refresh(metric_ids=changed_metrics, timestamps=changed_times)
    elif created:
        bump_data_versions(team_ids)
    return created, updated


def _upsert_portable(points: list[PointIn], source: str) -> tuple[int, int]:
    latest = _last_wins(points)
    keys = list(latest)
    existing: dict[tuple[int, datetime], DataPoint] = {}
    for start in range(0, len(keys), SQLITE_CHUNK):
        chunk = keys[start : start + SQLITE_CHUNK]
        rows = DataPoint.objects.filter(metric_id__in={k[0] for k in chunk}, ts__in={k[1] for k in chunk}).only(
            "pk", "metric_id", "ts", "value"
        )
        existing.update({(row.metric_id, row.ts): row for row in rows})
    now = timezone.now()
    new = [
        DataPoint(metric_id=m, ts=t, value=v, source=source) for (m, t), v in latest.items() if (m, t) not in existing
    ]
    changed = []
    for key, row in existing.items():
        if key in latest and row.value != latest[key]:
            row.value, row.source, row.updated_at = latest[key], source, now
            changed.append(row)
    DataPoint.objects.bulk_create(new, batch_size=SQLITE_CHUNK)
    DataPoint.objects.bulk_update(changed, ["value", "source", "updated_at"], batch_size=SQLITE_CHUNK)
    written = [(point.metric_id, point.ts) for point in new] + [(row.metric_id, row.ts) for row in changed]
    aggregates_refresh(metric_ids=[m for m, _ts in written], timestamps=[ts for _m, ts in written])
    return len(new), len(changed)


@transaction.atomic
def datapoints_upsert(*, points: Iterable[PointIn], source: str) -> UpsertResult:
    """Insert new points and update changed values in one batch; identical points are left alone.

    On PostgreSQL this is one `INSERT ... SELECT FROM unnest(...) ON CONFLICT` statement that also adds the new
    points into their days' and months' aggregates; when existing points changed value, two more statements
    recompute those days and months (`metrics.aggregates`). Re-sending identical points writes nothing.
    Callers validate metrics and values first; this only writes. A time outside the accepted years
    (teams.time_bounds) raises ApplicationError and writes nothing, whichever path sent it.
    """
    points = list(points)
    if not points:
        return UpsertResult(received=0, created=0, updated=0)
    for point in points:
        if point.ts.tzinfo is None:
            raise ValueError("data point timestamps must be timezone-aware")
        if not date_in_range(point.ts):  # the paths check first with their own message; none can slip past
            raise ApplicationError(out_of_range_message(point.ts), field="ts")
    upsert = _upsert_postgres if connection.vendor == "postgresql" else _upsert_portable
    created, updated = upsert(points, source)
    return UpsertResult(received=len(points), created=created, updated=updated)


RESERVED_METRIC_KEYS = frozenset({"import", "new"})  # taken by the pages under /t/<team>/metrics/


def _check_metric_key(*, team: Team, key: str, exclude_pk: int | None = None) -> str:
    key = key.strip()
    if key in RESERVED_METRIC_KEYS:
        raise ApplicationError(_("“%(key)s” is reserved; choose another key.") % {"key": key}, field="key")
    taken = Metric.objects.filter(team=team, key=key)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ApplicationError(_("This team already has a metric with the key “%(key)s”.") % {"key": key}, field="key")
    return key


@transaction.atomic
def metric_create(*, team: Team, key: str, name: str, unit: str = "", source: str = Source.MANUAL) -> Metric:
    key = _check_metric_key(team=team, key=key)
    metric = Metric(team=team, key=key, name=name.strip(), unit=unit.strip(), source=source)
    metric.full_clean(validate_unique=False, validate_constraints=False)
    metric.save()
    return metric


@transaction.atomic
def metric_update(*, metric: Metric, name: str, unit: str, source: str) -> Metric:
    """Name, unit and source change; the key stays, because integrations and files use it."""
    metric.name, metric.unit, metric.source = name.strip(), unit.strip(), source
    metric.full_clean(validate_unique=False, validate_constraints=False)
    metric.save(update_fields=["name", "unit", "source"])
    return metric


@transaction.atomic
def metric_delete(*, metric: Metric) -> int:
    """Delete the metric with its data points; returns how many points went with it.

    A metric that KPIs measure is protected: the message names them so the user can change
    those KPIs first.
    """
    points = metric.datapoints.count()
    try:
        metric.delete()
    except ProtectedError as error:
        names = sorted({str(obj) for obj in error.protected_objects})
        raise ApplicationError(
            _("“%(metric)s” cannot be deleted because these KPIs use it: %(kpis)s. Change or delete them first.")
            % {"metric": metric.name, "kpis": ", ".join(names)}
        ) from None
    return points


@transaction.atomic
def datapoint_delete(*, datapoint: DataPoint) -> None:
    datapoint.delete()
    aggregates_refresh(metric_ids=[datapoint.metric_id], timestamps=[datapoint.ts], deleted=True)


@transaction.atomic
def datapoints_out_of_range_delete() -> int:
    """Delete the points stored outside the accepted years (they made their team's pages fail)."""
    deleted, _per_model = datapoints_out_of_range().delete()
    return deleted


def local_midnight(*, team: Team, day: date) -> datetime:
    """A date means midnight in the team's time zone."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(team.timezone))


def datapoint_enter(*, metric: Metric, day: date, value: float) -> UpsertResult:
    """Manual entry: add or correct the value of a metric for a date."""
    if day > timezone.now().astimezone(ZoneInfo(metric.team.timezone)).date():
        raise ApplicationError(_("The date is in the future; enter values for days that have passed."), field="day")
    if not date_in_range(day):
        raise ApplicationError(out_of_range_message(day), field="day")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApplicationError(_("Enter a finite number."), field="value")
    problem = value_problem(float(value))
    if problem:
        raise ApplicationError(problem, field="value")
    ts = local_midnight(team=metric.team, day=day)
    return datapoints_upsert(points=[PointIn(metric.pk, ts, float(value))], source=Source.MANUAL)

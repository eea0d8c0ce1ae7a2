"""Writes for metrics and data points.

Every write path (REST, CSV import, manual entry, connectors) stores data points through
`datapoints_upsert`, so replaying the same input changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import DataPoint

SQLITE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PointIn:
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


def _last_wins(points: Iterable[PointIn]) -> dict[tuple[int, datetime], float]:
    """One value per (metric, ts); a later point in the batch replaces an earlier one."""
    latest: dict[tuple[int, datetime], float] = {}
    for point in points:
        if timezone.is_naive(point.ts):
            raise ValueError("data point timestamps must be timezone-aware")
        latest[(point.metric_id, point.ts)] = float(point.value)
    return latest


_POSTGRES_UPSERT = """
WITH written AS (
    INSERT INTO metrics_datapoint (metric_id, ts, value, source, updated_at)
    SELECT m, t, v, %s, now()
    FROM unnest(%s::bigint[], %s::timestamptz[], %s::double precision[]) AS u(m, t, v)
    ON CONFLICT (metric_id, ts) DO UPDATE
        SET value = EXCLUDED.value, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
        WHERE metrics_datapoint.value IS DISTINCT FROM EXCLUDED.value
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
"""


def _upsert_postgres(latest: dict[tuple[int, datetime], float], source: str) -> tuple[int, int]:
    metric_ids = [key[0] for key in latest]
    timestamps = [key[1] for key in latest]
    values = list(latest.values())
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_UPSERT, [source, metric_ids, timestamps, values])
        created, updated = cursor.fetchone()
    return created, updated


def _upsert_portable(latest: dict[tuple[int, datetime], float], source: str) -> tuple[int, int]:
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
    return len(new), len(changed)


@transaction.atomic
def datapoints_upsert(*, points: Iterable[PointIn], source: str) -> UpsertResult:
    """Insert new points and update changed values in one batch; identical points are left alone.

    On PostgreSQL this is one `INSERT ... SELECT FROM unnest(...) ON CONFLICT` statement.
    Callers validate metrics and values first; this only writes.
    """
    points = list(points)
    latest = _last_wins(points)
    if not latest:
        return UpsertResult(received=len(points), created=0, updated=0)
    upsert = _upsert_postgres if connection.vendor == "postgresql" else _upsert_portable
    created, updated = upsert(latest, source)
    return UpsertResult(received=len(points), created=created, updated=updated)

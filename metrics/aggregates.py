"""Maintained aggregates of every metric's points: per local day, and per local month (DESIGN.md section 8).

* `MetricDay`: count, sum, min, max and the first and last point (time and value) of the points of one day
  in the team's time zone. `MetricMonth`: the same over the days of one calendar month (sum of sums, sum of
  counts, min of mins, max of maxes, the first day's first point, the newest day's last point).
* Kept by the one upsert service (`metrics.services.datapoints_upsert`) and by point deletes, in the same
  transaction as the points, so they can never disagree with them: every (metric, day) and (metric, month)
  a write touched is recomputed from the points (the days) and from the days (the months). Recomputing,
  rather than adding deltas, makes a correction, a re-send and a delete all the same simple case.
* Why days *and* months (measured on the large data set, daily points): a month-or-longer view over days
  reads as many rows as there are points, so the portfolio's 12-month trend over 2,400 metrics stayed at
  the cost of the raw GROUP BY; over months it reads 31 times fewer rows. Weeks read the days.
* `aggregates_rebuild` recomputes them from the points (the `rebuild_aggregates` command, a team's time
  zone change, and the tests that prove rebuild == incremental).

On PostgreSQL each step is one set-based statement; elsewhere (SQLite) the same numbers are computed in
Python from the same rows.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q

from .models import DataPoint, Metric, MetricDay, MetricMonth
from .pg import binary_cursor

FIELDS = ("count", "sum", "min", "max", "first_ts", "first_value", "last_ts", "last_value")
_CHUNK = 400


@dataclass(slots=True)
class _Acc:
    count: int
    sum: float
    min: float
    max: float
    first_ts: datetime
    first_value: float
    last_ts: datetime
    last_value: float

    def add(self, other: "_Acc") -> None:
        """Fold in a later (or equal-time) aggregate: rows arrive in time order."""
        self.count += other.count
        self.sum += other.sum
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        if other.first_ts < self.first_ts:
            self.first_ts, self.first_value = other.first_ts, other.first_value
        if other.last_ts >= self.last_ts:
            self.last_ts, self.last_value = other.last_ts, other.last_value


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A local day as [start, end) aware datetimes: its midnight and the next one in the team's time zone."""
    return datetime.combine(day, time.min, tzinfo=zone), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=zone
    )


# --- PostgreSQL: one statement per step ---------------------------------------------------------------------

_UPSERT_SET = ", ".join(f"{name} = EXCLUDED.{name}" for name in FIELDS)
# The touched days come with their local midnights, computed in Python as every reader computes them; a time
# zone lookup per row in SQL (AT TIME ZONE) cost more than the whole upsert. Each touched day (month) is
# aggregated in a LATERAL subquery, so it is always an index range scan: with a join the planner, not knowing
# the arrays, chose to scan the whole table.
_PG_DAYS = f"""
WITH touched AS (
    SELECT * FROM unnest(%b::bigint[], %b::date[], %b::timestamptz[], %b::timestamptz[]) AS t(metric_id, day, lo, hi)
), fresh AS (
    SELECT t.metric_id, t.day, a.* FROM touched t CROSS JOIN LATERAL (
        SELECT count(*) AS n, sum(p.value) AS s, min(p.value) AS lo, max(p.value) AS hi,
            min(p.ts) AS ft, (array_agg(p.value ORDER BY p.ts))[1] AS fv,
            max(p.ts) AS lt, (array_agg(p.value ORDER BY p.ts DESC))[1] AS lv
        FROM metrics_datapoint p WHERE p.metric_id = t.metric_id AND p.ts >= t.lo AND p.ts < t.hi
    ) AS a WHERE a.n > 0
)
{{gone}}INSERT INTO metrics_metricday (metric_id, day, {", ".join(FIELDS)})
SELECT metric_id, day, n, s, lo, hi, ft, fv, lt, lv FROM fresh ORDER BY metric_id, day
ON CONFLICT (metric_id, day) DO UPDATE SET {_UPSERT_SET}
"""  # noqa: S608 - constant column names only
_MONTH_OF_DAYS = """
    SELECT sum(d.count) AS n, sum(d.sum) AS s, min(d.min) AS lo,
        max(d.max) AS hi, min(d.first_ts) AS ft, (array_agg(d.first_value ORDER BY d.day))[1] AS fv,
        max(d.last_ts) AS lt, (array_agg(d.last_value ORDER BY d.day DESC))[1] AS lv
"""
_PG_MONTHS = f"""
WITH touched AS (
    SELECT * FROM unnest(%b::bigint[], %b::date[], %b::date[]) AS t(metric_id, month, next)
), fresh AS (
    SELECT t.metric_id, t.month, a.* FROM touched t CROSS JOIN LATERAL (
        {_MONTH_OF_DAYS}
        FROM metrics_metricday d WHERE d.metric_id = t.metric_id AND d.day >= t.month AND d.day < t.next
    ) AS a WHERE a.n > 0
)
{{gone}}INSERT INTO metrics_metricmonth (metric_id, month, {", ".join(FIELDS)})
SELECT metric_id, month, n, s, lo, hi, ft, fv, lt, lv FROM fresh ORDER BY metric_id, month
ON CONFLICT (metric_id, month) DO UPDATE SET {_UPSERT_SET}
"""  # noqa: S608 - constant column names only


def _merge_into(table: str, unit: str, source: str) -> str:
    """INSERT new aggregates, or fold them into the stored ones (they only add points, never remove any)."""
    return f"""
    INSERT INTO {table} AS old (metric_id, {unit}, {", ".join(FIELDS)})
    SELECT * FROM {source} ORDER BY 1, 2
    ON CONFLICT (metric_id, {unit}) DO UPDATE SET
        count = old.count + EXCLUDED.count, sum = old.sum + EXCLUDED.sum,
        min = LEAST(old.min, EXCLUDED.min), max = GREATEST(old.max, EXCLUDED.max),
        first_ts = LEAST(old.first_ts, EXCLUDED.first_ts),
        first_value = CASE WHEN EXCLUDED.first_ts < old.first_ts THEN EXCLUDED.first_value ELSE old.first_value END,
        last_ts = GREATEST(old.last_ts, EXCLUDED.last_ts),
        last_value = CASE WHEN EXCLUDED.last_ts > old.last_ts THEN EXCLUDED.last_value ELSE old.last_value END
    """  # noqa: S608 - constant table and column names only


# CTEs for the upsert statement (`metrics.services`): its `written` rows that are new, with the input's local
# day `d`, go into their days and months. (SET expressions read the row as it was, so the CASEs see the old ts.)
PG_MERGE_NEW_POINTS = f""", new_days AS (
    SELECT w.metric_id, i.d AS day, count(*) AS n, sum(w.value) AS s, min(w.value) AS lo, max(w.value) AS hi,
        min(w.ts) AS ft, (array_agg(w.value ORDER BY w.ts))[1] AS fv,
        max(w.ts) AS lt, (array_agg(w.value ORDER BY w.ts DESC))[1] AS lv
    FROM written w JOIN input i ON i.m = w.metric_id AND i.t = w.ts
    WHERE w.inserted GROUP BY 1, 2
), new_months AS (
    SELECT metric_id, date_trunc('month', day)::date AS month, sum(n), sum(s), min(lo), max(hi),
        min(ft), (array_agg(fv ORDER BY ft))[1], max(lt), (array_agg(lv ORDER BY lt DESC))[1]
    FROM new_days GROUP BY 1, 2
), merged_days AS ({_merge_into("metrics_metricday", "day", "new_days")}
), merged_months AS ({_merge_into("metrics_metricmonth", "month", "new_months")})"""  # noqa: S608 - constant names


def local_days(metric_ids: Sequence[int], timestamps: Sequence[datetime]) -> tuple[list[date], set[int]]:
    """Each point's local day in its team's time zone, and the teams (one query)."""
    rows = Metric.objects.filter(pk__in=set(metric_ids)).values_list("pk", "team__timezone", "team_id")
    zones, teams = {}, {}
    for pk, zone, team_id in rows:
        zones[pk], teams[pk] = ZoneInfo(zone), team_id
    days = [ts.astimezone(zones[m]).date() for m, ts in zip(metric_ids, timestamps, strict=True)]
    return days, set(teams.values())


_GONE = """, gone AS (
    DELETE FROM metrics_metric{unit} old USING touched t
    WHERE old.metric_id = t.metric_id AND old.{unit} = t.{unit}
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.metric_id = t.metric_id AND f.{unit} = t.{unit})
)
"""


def _pg_sql(template: str, unit: str, *, with_deletes: bool) -> str:
    """The statement for days or months; after deletes it also drops the ones left without points."""
    return template.replace("{gone}", _GONE.format(unit=unit) if with_deletes else "")


_PG_REBUILD_DAYS = f"""
INSERT INTO metrics_metricday (metric_id, day, {", ".join(FIELDS)})
SELECT p.metric_id, (p.ts AT TIME ZONE team.timezone)::date, count(*), sum(p.value), min(p.value), max(p.value),
    min(p.ts), (array_agg(p.value ORDER BY p.ts))[1], max(p.ts), (array_agg(p.value ORDER BY p.ts DESC))[1]
FROM metrics_datapoint p JOIN metrics_metric metric ON metric.id = p.metric_id
    JOIN teams_team team ON team.id = metric.team_id
WHERE p.metric_id = ANY(%s)
GROUP BY 1, 2
"""  # noqa: S608 - constant column names only
_PG_REBUILD_MONTHS = f"""
INSERT INTO metrics_metricmonth (metric_id, month, {", ".join(FIELDS)})
SELECT d.metric_id, date_trunc('month', d.day)::date, {_MONTH_OF_DAYS.replace("SELECT", "")}
FROM metrics_metricday d WHERE d.metric_id = ANY(%s) GROUP BY 1, 2
"""  # noqa: S608 - constant column names only


def _refresh_postgres(day_keys: list[tuple[int, date]], zones: dict[int, ZoneInfo], *, deleted: bool) -> None:
    midnights: dict[tuple[ZoneInfo, date], tuple[datetime, datetime]] = {}  # many metrics share a zone and day
    bounds = []
    for metric_id, day in day_keys:
        key = (zones[metric_id], day)
        if key not in midnights:
            midnights[key] = day_bounds(day, key[0])
        bounds.append(midnights[key])
    month_keys = sorted({(metric_id, day.replace(day=1)) for metric_id, day in day_keys})
    with binary_cursor() as cursor:
        cursor.execute(
            _pg_sql(_PG_DAYS, "day", with_deletes=deleted),
            [[k[0] for k in day_keys], [k[1] for k in day_keys], [b[0] for b in bounds], [b[1] for b in bounds]],
        )
        cursor.execute(
            _pg_sql(_PG_MONTHS, "month", with_deletes=deleted),
            [[k[0] for k in month_keys], [k[1] for k in month_keys], [next_month(k[1]) for k in month_keys]],
        )


# --- Elsewhere: the same numbers in Python --------------------------------------------------------------------


def _zones(metric_ids: Collection[int]) -> dict[int, ZoneInfo]:
    """Each metric's team time zone; the teams' data versions are bumped on the way (their points change)."""
    rows = list(Metric.objects.filter(pk__in=list(metric_ids)).values_list("pk", "team__timezone", "team_id"))
    bump_data_versions(team_id for _pk, _zone, team_id in rows)
    return {pk: ZoneInfo(zone) for pk, zone, _team_id in rows}


def data_version_key(team_id: int) -> str:
    """The cache key of a team's data version: cached results of closed periods name it (scorecard.evaluation)."""
    return f"sc-data-v:{team_id}"


def bump_data_versions(team_ids: Iterable[int]) -> None:
    """Forget the teams' data versions after the commit (a reader before it still sees the old points)."""
    keys = [data_version_key(team_id) for team_id in set(team_ids)]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _days_of_points(rows: Iterable[tuple[int, datetime, float]], zones: dict[int, ZoneInfo]) -> dict[tuple, _Acc]:
    days: dict[tuple[int, date], _Acc] = {}
    for metric_id, ts, value in rows:
        key = (metric_id, ts.astimezone(zones[metric_id]).date())
        point = _Acc(1, value, value, value, ts, value, ts, value)
        if key in days:
            days[key].add(point)
        else:
            days[key] = point
    return days


def _months_of_days(rows: Iterable[MetricDay]) -> dict[tuple, _Acc]:
    months: dict[tuple[int, date], _Acc] = {}
    for row in rows:
        key = (row.metric_id, month_of(row.day))
        day = _Acc(*(getattr(row, name) for name in FIELDS))
        if key in months:
            months[key].add(day)
        else:
            months[key] = day
    return months


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _keys_query(keys: Iterable[tuple[int, date]], field: str) -> Q:
    by_metric: dict[int, set[date]] = defaultdict(set)
    for metric_id, day in keys:
        by_metric[metric_id].add(day)
    query = Q(pk__in=[])
    for metric_id, days in by_metric.items():
        query |= Q(metric_id=metric_id, **{f"{field}__in": days})
    return query


def _replace(model: type[MetricDay] | type[MetricMonth], field: str, keys: list[tuple], fresh: dict) -> None:
    for chunk in _chunks(keys):
        model.objects.filter(_keys_query(chunk, field)).delete()
    rows = [
        model(metric_id=metric_id, **{field: day}, **{name: getattr(acc, name) for name in FIELDS})
        for (metric_id, day), acc in sorted(fresh.items())
    ]
    model.objects.bulk_create(rows, batch_size=_CHUNK)  # type: ignore[arg-type]  # rows are all of `model`


def _refresh_portable(day_keys: list[tuple[int, date]], zones: dict[int, ZoneInfo], *, deleted: bool) -> None:
    points: list[tuple[int, datetime, float]] = []
    for chunk in _chunks(day_keys):
        query = Q(pk__in=[])
        for metric_id, day in chunk:
            start, end = day_bounds(day, zones[metric_id])
            query |= Q(metric_id=metric_id, ts__gte=start, ts__lt=end)
        points += DataPoint.objects.filter(query).order_by("metric_id", "ts").values_list("metric_id", "ts", "value")
    _replace(MetricDay, "day", day_keys, _days_of_points(points, zones))
    month_keys = sorted({(metric_id, month_of(day)) for metric_id, day in day_keys})
    days: list[MetricDay] = []
    for chunk in _chunks(month_keys):
        query = Q(pk__in=[])
        for metric_id, month in chunk:
            query |= Q(metric_id=metric_id, day__gte=month, day__lt=next_month(month))
        days += MetricDay.objects.filter(query).order_by("metric_id", "day")
    _replace(MetricMonth, "month", month_keys, _months_of_days(days))


# --- The two entry points --------------------------------------------------------------------------------------


def aggregates_refresh(*, metric_ids: Sequence[int], timestamps: Sequence[datetime], deleted: bool = False) -> None:
    """Recompute the days and months that hold the points (metric_ids[i], timestamps[i]): call after writing or
    deleting them. Runs inside the caller's transaction (the upsert's, a delete's), so points and aggregates
    commit together. `deleted`: points were removed, so a day or month may be left without any.
    """
    if not metric_ids:
        return
    zones = _zones(set(metric_ids))
    day_keys = sorted({(m, ts.astimezone(zones[m]).date()) for m, ts in zip(metric_ids, timestamps, strict=True)})
    refresh = _refresh_postgres if connection.vendor == "postgresql" else _refresh_portable
    refresh(day_keys, zones, deleted=deleted)


@transaction.atomic
def aggregates_rebuild(*, metric_ids: Collection[int] | None = None) -> int:
    """Recompute the aggregates of these metrics (all metrics when None) from their points; returns the day rows."""
    ids = list(Metric.objects.values_list("pk", flat=True)) if metric_ids is None else list(metric_ids)
    _zones(ids)  # bumps the teams' data versions
    for chunk in _chunks(ids):
        MetricDay.objects.filter(metric_id__in=chunk).delete()
        MetricMonth.objects.filter(metric_id__in=chunk).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_REBUILD_DAYS, [ids])
            cursor.execute(_PG_REBUILD_MONTHS, [ids])
    else:
        zones = _zones(ids)
        for chunk in _chunks(ids):
            points = DataPoint.objects.filter(metric_id__in=chunk).order_by("metric_id", "ts")
            days = _days_of_points(points.values_list("metric_id", "ts", "value").iterator(), zones)
            _replace(MetricDay, "day", [], days)
            rows = MetricDay.objects.filter(metric_id__in=chunk).order_by("metric_id", "day")
            _replace(MetricMonth, "month", [], _months_of_days(rows))
    return MetricDay.objects.filter(metric_id__in=ids).count() if len(ids) < 10_000 else MetricDay.objects.count()

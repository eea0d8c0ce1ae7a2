"""Period values of metrics read from the maintained aggregates (`metrics.aggregates`), never from raw points.

Weeks add up the days (`MetricDay`); months, quarters and years add up the local months (`MetricMonth`). Both
tables are keyed by the team's local dates, so a period is a plain date range here, the same in every time zone.
Two queries for any number of metrics and periods: the aggregates grouped by (metric, period) with a CASE over
each kind's periods (periods of one kind never overlap; the kinds are glued with UNION ALL), then the `last`
values of each group's newest day or month.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import IntegerField, Max, Min, OuterRef, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL

from metrics.models import Metric, MetricDay, MetricMonth

from ..periods import Period

AGGREGATIONS = ("sum", "avg", "min", "max", "count", "last")
Values = dict[str, float | None]
EMPTY: Values = {name: (0.0 if name == "count" else None) for name in AGGREGATIONS}


def _table(kind: str) -> tuple[type[MetricDay] | type[MetricMonth], str]:
    return (MetricDay, "day") if kind == "week" else (MetricMonth, "month")


def _bucket(model: type[MetricDay] | type[MetricMonth], field_name: str, periods: list[tuple[Period, int]]) -> RawSQL:
    """CASE WHEN unit >= start AND unit < end THEN index ... END: which period a day (month) row belongs to.

    One SQL expression: the ORM's Case(When(...)) spends milliseconds compiling two lookups per period.
    """
    field: Any = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(field.column or field_name)}"
    whens, params = [], []
    for period, index in periods:
        whens.append(f"WHEN {column} >= %s AND {column} < %s THEN {int(index)}")
        params += [field.get_db_prep_value(period.start, connection), field.get_db_prep_value(period.end, connection)]
    return RawSQL(f"CASE {' '.join(whens)} END", params, output_field=IntegerField())  # noqa: S611 - quoted names, int indexes; values are params


def period_values(*, metric_ids: Collection[int], periods: Iterable[Period]) -> dict[tuple[int, Period], Values]:
    """(metric id, period) -> sum / avg / min / max / count / last of the metric's points in the period.

    Pairs without points are missing (callers use EMPTY: count 0, the others None).
    """
    ordered = sorted(set(periods))
    if not metric_ids or not ordered:
        return {}
    index_of = {period: index for index, period in enumerate(ordered)}
    by_kind: dict[str, list[Period]] = defaultdict(list)
    for period in ordered:
        by_kind[period.kind].append(period)  # one CASE per kind: periods of one kind never overlap
    grouped: Any = None
    for kind, kind_periods in by_kind.items():
        model, unit = _table(kind)
        low, high = min(p.start for p in kind_periods), max(p.end for p in kind_periods)
        query: QuerySet[Any] = (
            model.objects.filter(metric_id__in=list(metric_ids), **{f"{unit}__gte": low, f"{unit}__lt": high})
            .annotate(bucket=_bucket(model, unit, [(p, index_of[p]) for p in kind_periods]))
            .filter(bucket__isnull=False)
            .values("metric_id", "bucket")
            .annotate(n=Sum("count"), s=Sum("sum"), lo=Min("min"), hi=Max("max"), newest=Max(unit))
            .order_by()
        )
        grouped = query if grouped is None else grouped.union(query, all=True).order_by()
    found: dict[tuple[int, Period], Values] = {}
    newest: dict[str, dict[tuple[int, date], list[tuple[int, Period]]]] = {"day": {}, "month": {}}
    for row in grouped:
        period = ordered[row["bucket"]]
        count = float(row["n"] or 0)
        found[(row["metric_id"], period)] = {
            "sum": row["s"], "avg": row["s"] / count if count else None, "min": row["lo"], "max": row["hi"],
            "count": count, "last": None,
        }  # fmt: skip
        unit = "day" if period.kind == "week" else "month"
        newest[unit].setdefault((row["metric_id"], row["newest"]), []).append((row["metric_id"], period))
    for unit, wanted in newest.items():
        if not wanted:
            continue
        model = MetricDay if unit == "day" else MetricMonth
        rows = model.objects.filter(
            metric_id__in={metric_id for metric_id, _ in wanted}, **{f"{unit}__in": {u for _, u in wanted}}
        ).values_list("metric_id", unit, "last_value")
        for metric_id, moment, value in rows:
            for key in wanted.get((metric_id, moment), []):
                found[key]["last"] = value
    return found


def metrics_with_newest(query: Any) -> list[dict[str, Any]]:
    """The metrics matching `query` (a Q) as dicts: pk, team_id, key and `newest`, their newest point's time.

    The newest point comes from the newest month's aggregate: an index walk per metric, whatever the history.
    """
    newest = MetricMonth.objects.filter(metric_id=OuterRef("pk")).order_by("-month").values("last_ts")[:1]
    rows: Any = Metric.objects.filter(query).annotate(newest=Subquery(newest)).values("pk", "team_id", "key", "newest")
    return list(rows)


def newest_of(rows: list[dict[str, Any]]) -> dict[int, datetime | None]:
    return {row["pk"]: row["newest"] for row in rows}

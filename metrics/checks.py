"""System check: data points stored outside the accepted years (teams.time_bounds) before the write paths
refused them. Tagged `database`, so it runs on `manage.py migrate` (every release) and `manage.py check
--database default`, not on every command; it reports and leaves the deleting to `datapoints_out_of_range`."""

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from teams.time_bounds import MAX_YEAR, MIN_YEAR

from .selectors import out_of_range_summary

SHOWN = 10


@register(Tags.database)
def datapoints_in_range_check(*, databases: Any = None, **kwargs: Any) -> list[Warning]:
    try:
        rows = out_of_range_summary()
    except DatabaseError:  # tables not migrated yet: nothing can be stored in them either
        return []
    if not rows:
        return []
    listed = ", ".join(f"{team}/{key} ({points})" for team, key, points in rows[:SHOWN])
    more = f" and {len(rows) - SHOWN} more metrics" if len(rows) > SHOWN else ""
    return [
        Warning(
            f"{sum(points for *_names, points in rows)} data point(s) lie outside the years {MIN_YEAR}-{MAX_YEAR} "
            f"and break the pages of their teams: {listed}{more}.",
            hint="List them with `manage.py datapoints_out_of_range`, delete them with `--delete`.",
            id="metrics.W001",
        )
    ]

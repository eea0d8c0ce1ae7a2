"""A KPI's value, goal and colour in each of its last periods (for charts and the KPI page)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..models import KPI
from ..periods import Period, last_periods, period_containing
from .scores import _score, kpi_actual, metrics_of, team_today
from .targets import NO_BAR, Bar, bar_for
from .values import metric_values, period_bounds


@dataclass
class SeriesPoint:
    period: Period
    actual: float | None
    bar: Bar
    score: float | None
    status: str


def kpi_series(
    *, kpi: KPI, end: Period | None = None, count: int = 12, now: datetime | None = None
) -> list[SeriesPoint]:
    """The KPI's last `count` native periods up to `end` (default: the current one), oldest first.

    One query for the values of every period; the targets come from `kpi.targets.all()`
    (one more query unless prefetched).
    """
    team = kpi.perspective.scorecard.team
    tz = ZoneInfo(team.timezone)
    today = team_today(team.timezone, now)
    end = end or period_containing(today, kpi.frequency)
    periods = last_periods(end, count)
    values = metric_values(
        metrics=metrics_of([kpi], team.pk), ranges=[period_bounds(p, tz) for p in periods], with_newest=False
    )
    values_by_key = {found.key: found for found in values.values()}
    targets = sorted(kpi.targets.all(), key=lambda t: t.period_start)
    series = []
    for index, period in enumerate(periods):
        actual = kpi_actual(kpi, values_by_key, index)
        bar = bar_for(kpi, targets, period, today) if targets else NO_BAR
        value_score, status = _score(kpi, actual, bar)
        series.append(SeriesPoint(period=period, actual=actual, bar=bar, score=value_score, status=status))
    return series

"""A KPI's value, goal and colour in one of its last periods (dashboards.series_of_kpis fills them in)."""

from dataclasses import dataclass

from ..periods import Period
from .targets import Bar


@dataclass
class SeriesPoint:
    period: Period
    actual: float | None
    bar: Bar
    score: float | None
    status: str

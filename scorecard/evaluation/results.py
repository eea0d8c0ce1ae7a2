"""What an evaluation returns: a KPI's, a perspective's and a scorecard's result for one period."""

from dataclasses import dataclass, field
from datetime import datetime

from metrics.models import Metric

from ..models import KPI, Perspective, Scorecard
from ..periods import Period
from .labels import status_label
from .targets import Bar


@dataclass(slots=True)
class KpiResult:
    kpi: KPI
    period: Period  # the KPI's own period: the viewed period, or its native period when the view is shorter
    actual: float | None
    bar: Bar  # what the status is judged against: pro-rated to today for an in-progress sum/count period
    score: float | None
    status: str  # green / amber / red / grey
    progress: float | None  # towards bar.goal (on pace while the period runs)
    forecast: float | None
    forecast_status: str
    stale: bool
    newest: datetime | None
    metric: Metric | None
    in_progress: bool = False  # the period has not ended: judged on pace
    period_goal: float | None = None  # the goal of the whole period (equals bar.goal once it has ended)

    @property
    def goal(self) -> float | None:
        return self.bar.goal

    @property
    def red_flag(self) -> float | None:
        return self.bar.red_flag

    @property
    def status_label(self) -> str:
        return status_label(self.status, in_progress=self.in_progress)


@dataclass
class PerspectiveResult:
    perspective: Perspective
    score: float | None
    status: str
    kpis: list[KpiResult] = field(default_factory=list)
    in_progress: bool = False

    @property
    def status_label(self) -> str:
        return status_label(self.status, in_progress=self.in_progress)


@dataclass
class ScorecardResult:
    scorecard: Scorecard
    period: Period
    score: float | None
    status: str
    perspectives: list[PerspectiveResult] = field(default_factory=list)
    in_progress: bool = False

    @property
    def status_label(self) -> str:
        return status_label(self.status, in_progress=self.in_progress)

    def kpis(self) -> list[KpiResult]:
        return [item for perspective in self.perspectives for item in perspective.kpis]

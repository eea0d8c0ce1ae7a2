"""An action against its KPI: the KPI's periods around the action, and its level before and after it was done."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from scorecard_site.charts import plotly_text

from ..evaluation import KpiResult, kpi_series, team_today
from ..models import Action
from ..periods import Period, last_periods, period_containing
from .dashboards import SERIES_LENGTH

COMPARE_PERIODS = 3  # native periods compared on each side of the one the action was done in
MARK_CHARS = 30  # an action's title on a chart


@dataclass(frozen=True)
class BeforeAfter:
    done_in: Period
    before: list[KpiResult]  # up to COMPARE_PERIODS periods before the one it was done in
    after: list[KpiResult]  # up to COMPARE_PERIODS complete periods after it

    @staticmethod
    def _mean(points: list[KpiResult]) -> float | None:
        values = [point.actual for point in points if point.actual is not None]
        return sum(values) / len(values) if values else None

    @property
    def before_mean(self) -> float | None:
        return self._mean(self.before)

    @property
    def after_mean(self) -> float | None:
        return self._mean(self.after)

    @property
    def change(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean

    @property
    def change_share(self) -> float | None:
        """The change as a share of the level before (None when that was zero)."""
        if self.change is None or not self.before_mean:
            return None
        return self.change / abs(self.before_mean)


@dataclass(frozen=True)
class ActionOnKpi:
    series: list[KpiResult]  # oldest first: the chart's periods
    marks: list[tuple[str, str]]  # (period label, note) for figures.kpi_period_chart
    comparison: BeforeAfter | None  # only for a done action


def action_marks(actions: list[Action], series: list[KpiResult]) -> list[tuple[str, str]]:
    """Each action's due date ("⏱ due: …") and completion date ("✔ done: …") at the chart's period that contains
    it; the symbols tell them apart without colour, the title is escaped (plotly draws its HTML subset)."""
    marks = []
    for action in actions:
        if action.status == Action.Status.CANCELLED:
            continue
        title = plotly_text(Truncator(action.title).chars(MARK_CHARS))
        for day, text in (
            (action.due_date, _("⏱ due: %(title)s")),
            (action.completed_on, _("✔ done: %(title)s")),
        ):
            period = _period_of(day, series)
            if period is not None:
                marks.append((period.label, text % {"title": title}))
    return marks


def _period_of(day: date | None, series: list[KpiResult]) -> Period | None:
    if day is None:
        return None
    return next((point.period for point in series if point.period.contains(day)), None)


def action_on_kpi(*, action: Action, now: datetime | None = None) -> ActionOnKpi | None:
    """The action's KPI around the action (two queries): for a done action the periods before and after the one
    it was done in; otherwise the KPI's latest periods. None for an action without a KPI."""
    kpi = action.kpi
    if kpi is None:
        return None
    now = now or timezone.now()
    team = action.perspective.scorecard.team
    current = period_containing(team_today(team.timezone, now), kpi.frequency)
    if action.completed_on is None:
        periods = last_periods(current, SERIES_LENGTH)
        comparison_periods: tuple[list[Period], Period, list[Period]] | None = None
    else:
        done_in = period_containing(action.completed_on, kpi.frequency)
        before = last_periods(done_in.previous(), COMPARE_PERIODS)
        after = [done_in]
        while len(after) <= COMPARE_PERIODS and after[-1].next().end <= current.start:
            after.append(after[-1].next())  # complete periods only: a half-done period would mislead
        periods = [*before, *after]
        comparison_periods = (before, done_in, after[1:])
    series = kpi_series(
        kpis=[kpi], ends={kpi.pk: periods[-1]}, team_timezone=team.timezone, team_id=team.pk, now=now,
        count=len(periods),
    )[kpi.pk]  # fmt: skip
    comparison = None
    if comparison_periods is not None:
        before_periods, done_in, after_periods = comparison_periods
        by_period = {point.period: point for point in series}
        comparison = BeforeAfter(
            done_in=done_in,
            before=[by_period[p] for p in before_periods],
            after=[by_period[p] for p in after_periods],
        )
    return ActionOnKpi(series=series, marks=action_marks([action], series), comparison=comparison)

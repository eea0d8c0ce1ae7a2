"""Which goal and red flag apply to a KPI in a period (DESIGN.md section 4: period value, pacing)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..models import KPI, Aggregation, Target
from ..periods import Period, native_periods
from ..scoring import combine_native_targets, paced_value

BOUNDS = ("goal", "red_flag", "goal_high", "red_flag_high")


@dataclass(frozen=True)
class Bar:
    """The goal, red flag and (stabilize) upper edges that apply to one period."""

    goal: float | None
    red_flag: float | None
    goal_high: float | None = None
    red_flag_high: float | None = None


NO_BAR = Bar(goal=None, red_flag=None)


def target_on(targets: Sequence[Target], day: date) -> Target | None:
    return next((t for t in targets if t.period_start <= day <= t.period_end), None)


def judging_day(period: Period, today: date, *, at_end: bool = False) -> date:
    """A period is judged at its end; the current period at today (unless asked for its end)."""
    if not at_end and period.contains(today):
        return today
    return period.last_day


def _bar_on(kpi: KPI, target: Target, day: date) -> Bar:
    values = {name: getattr(target, name) for name in BOUNDS}
    if target.pacing == Target.Pacing.LINEAR and kpi.baseline is not None:
        values = {
            name: None
            if value is None
            else paced_value(
                baseline=kpi.baseline,
                target_value=value,
                period_start=target.period_start,
                period_end=target.period_end,
                on=day,
            )
            for name, value in values.items()
        }
    return Bar(**values)


def combining_aggregation(kpi: KPI) -> str:
    """Formula KPIs are ratios or levels: a longer period takes the last native period's values."""
    return Aggregation.LAST if kpi.formula else kpi.aggregation


def bar_for(kpi: KPI, targets: Sequence[Target], period: Period, today: date, *, at_end: bool = False) -> Bar:
    """Target values for `period`: the native periods' values combined (sum/count add up, others last)."""
    natives = [period] if period.kind == kpi.frequency else native_periods(period, kpi.frequency)
    aggregation = combining_aggregation(kpi)
    if not at_end and aggregation not in ("sum", "count") and period.contains(today):
        # A level KPI's running view takes the native period it is in now, judged at today (its pacing).
        natives = [native for native in natives if native.start <= today] or natives
    bars = []
    for native in natives:
        day = judging_day(native, today, at_end=at_end)
        target = target_on(targets, day)
        if target is not None:
            bars.append(_bar_on(kpi, target, day))
    if not bars:
        return NO_BAR
    combined: dict[str, float | None] = {}
    for name in BOUNDS:
        values = [getattr(bar, name) for bar in bars if getattr(bar, name) is not None]
        combined[name] = combine_native_targets(aggregation, values) if values else None
    return Bar(**combined)

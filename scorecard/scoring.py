"""The scoring engine of DESIGN.md section 4: plain Python on plain values, no Django.

Scores run from 0 to 10; statuses are green / amber / red, and grey means "no data or no target".

* goal / red flag: ``d = goal - red_flag`` (d > 0 higher is better, d < 0 lower is better, d == 0 is
  refused). ``score = clamp(10/3 * (actual - red_flag) / d + 10/3, 0, 10)``: red flag 3.33, goal 6.67,
  goal + d 10, red flag - d 0. Green when the actual has reached the goal, red when it has not reached
  the red flag, amber in between (decided on the values, never on the rounded score).
* stabilize: best inside the band ``[goal, goal_high]`` with ``red_flag < goal`` and
  ``red_flag_high > goal_high``. Inside the band ``10 - 10/3 * |actual - mid| / half`` (10 in the middle,
  6.67 at the edges, green); below it goal / red flag with (goal, red_flag), above it goal / red flag with
  (goal_high, red_flag_high), where lower is better. A zero-width band (goal == goal_high) scores 10
  (green) at exactly the goal and follows the goal / red flag rule on either side of it.
* goal only: 10 (green) when the goal is reached, else 0 (red). Higher is better unless a red flag above
  the goal says lower is better.
* yes / no: the goal is the good answer (1 = yes, 0 = no); any non-zero actual counts as yes.
  10 (green) for the good answer, 0 (red) otherwise.
* unscored: never scored (None, grey), never rolled up.
* Roll-up: weighted mean of the scores that exist; no scored item gives (None, grey). Colours:
  >= 20/3 green, >= 10/3 amber, else red, with a 1e-9 tolerance so items exactly at goal roll up green.
* In progress (a period that has not ended): sum/count targets are pro-rated by elapsed_share() (whole local
  days elapsed, today included, over the days of the period); level targets keep their value (on_pace()).
* Over time: aggregate() of no values is None (grey, also for count); a longer view combines native targets
  by sum (sum/count) or takes the last (others); linear pacing runs from the baseline on the target's first day
  to the target on its last day; progress is clamped to 0..1; forecast() projects to the period end (run rate
  or least-squares trend); data is stale one frequency period (calendar months) plus 7 days after its newest point.

Scores are computed with exact fractions, so they never overflow and move monotonically with the actual.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import cast

GREEN = "green"
AMBER = "amber"
RED = "red"
GREY = "grey"

GOAL_RED_FLAG = "goal_red_flag"
STABILIZE = "stabilize"
GOAL_ONLY = "goal_only"
YES_NO = "yes_no"
UNSCORED = "unscored"
KINDS = (GOAL_RED_FLAG, STABILIZE, GOAL_ONLY, YES_NO, UNSCORED)

AGGREGATIONS = ("sum", "avg", "last", "min", "max", "count")
FREQUENCY_MONTHS = {"month": 1, "quarter": 3, "year": 12}
FREQUENCIES = ("week", "month", "quarter", "year")

TOLERANCE = 1e-9
GREEN_FROM = 20 / 3
AMBER_FROM = 10 / 3

_THIRD = Fraction(10, 3)


class ScoringError(ValueError):
    """An invalid KPI or target definition; the message is meant for the user."""


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _unknown_kind(kind: str) -> str:
    return f"Unknown scoring type {kind!r}; use one of {', '.join(KINDS)}."


def validate_definition(
    kind: str,
    *,
    goal: float | None,
    red_flag: float | None,
    goal_high: float | None = None,
    red_flag_high: float | None = None,
) -> None:
    """Raise ScoringError naming the first problem of a scoring definition; return None when it is valid."""
    if kind not in KINDS:
        raise ScoringError(_unknown_kind(kind))
    if kind == UNSCORED:
        return
    for label, value in (
        ("goal", goal),
        ("red flag", red_flag),
        ("upper goal", goal_high),
        ("upper red flag", red_flag_high),
    ):
        if value is not None and not math.isfinite(value):
            raise ScoringError(f"The {label} must be a finite number.")
    if goal is None:
        raise ScoringError("A goal is required.")
    if kind == GOAL_RED_FLAG:
        if red_flag is None:
            raise ScoringError("A red flag is required for goal / red flag scoring.")
        if goal == red_flag:
            raise ScoringError("The goal and the red flag must differ.")
    elif kind == STABILIZE:
        if red_flag is None or goal_high is None or red_flag_high is None:
            raise ScoringError("Stabilize scoring needs a lower red flag, a goal, an upper goal and an upper red flag.")
        if goal > goal_high:
            raise ScoringError("The goal (lower edge of the band) cannot be above the upper goal.")
        if red_flag >= goal:
            raise ScoringError("The lower red flag must be below the goal.")
        if red_flag_high <= goal_high:
            raise ScoringError("The upper red flag must be above the upper goal.")
    elif kind == YES_NO and goal not in (0, 1):
        raise ScoringError("For yes / no scoring the goal must be 1 (yes) or 0 (no).")


def _goal_red_flag(actual: float, goal: float, red_flag: float) -> tuple[float, str]:
    d = Fraction(goal) - Fraction(red_flag)
    if d == 0:
        raise ScoringError("The goal and the red flag must differ.")
    raw = _THIRD * (Fraction(actual) - Fraction(red_flag)) / d + _THIRD
    value = float(min(max(raw, Fraction(0)), Fraction(10)))
    if d > 0:
        status = GREEN if actual >= goal else RED if actual < red_flag else AMBER
    else:
        status = GREEN if actual <= goal else RED if actual > red_flag else AMBER
    return value, status


def _stabilize(
    actual: float, goal: float, red_flag: float, goal_high: float, red_flag_high: float
) -> tuple[float, str]:
    if actual < goal:
        return _goal_red_flag(actual, goal, red_flag)
    if actual > goal_high:
        return _goal_red_flag(actual, goal_high, red_flag_high)
    if goal == goal_high:
        return 10.0, GREEN
    low, high = Fraction(goal), Fraction(goal_high)
    mid, half = (low + high) / 2, (high - low) / 2
    return float(10 - _THIRD * abs(Fraction(actual) - mid) / half), GREEN


def score(
    kind: str,
    actual: float | None,
    *,
    goal: float | None,
    red_flag: float | None,
    goal_high: float | None = None,
    red_flag_high: float | None = None,
) -> tuple[float | None, str]:
    """The unrounded score (0..10) and status of one actual against its target.

    No actual (or a non-finite one) or no goal gives (None, "grey"); an invalid definition raises ScoringError.
    """
    if kind == UNSCORED:
        return None, GREY
    if goal is None:
        if kind not in KINDS:
            raise ScoringError(_unknown_kind(kind))
        return None, GREY
    validate_definition(kind, goal=goal, red_flag=red_flag, goal_high=goal_high, red_flag_high=red_flag_high)
    if actual is None or not math.isfinite(actual):
        return None, GREY
    # validate_definition() guarantees the values each kind needs are present
    if kind == GOAL_RED_FLAG:
        return _goal_red_flag(actual, goal, cast(float, red_flag))
    if kind == STABILIZE:
        return _stabilize(actual, goal, cast(float, red_flag), cast(float, goal_high), cast(float, red_flag_high))
    if kind == GOAL_ONLY:
        lower_is_better = red_flag is not None and red_flag > goal
        reached = actual <= goal if lower_is_better else actual >= goal
        return (10.0, GREEN) if reached else (0.0, RED)
    # yes / no
    answer = 1 if actual != 0 else 0
    return (10.0, GREEN) if answer == goal else (0.0, RED)


def status_for_score(score: float | None) -> str:
    """The roll-up colour of a score: >= 20/3 green, >= 10/3 amber, else red (1e-9 tolerance); None is grey."""
    if score is None or math.isnan(score):
        return GREY
    if score >= GREEN_FROM - TOLERANCE:
        return GREEN
    if score >= AMBER_FROM - TOLERANCE:
        return AMBER
    return RED


def round_score(value: float | None) -> float | None:
    """A score as shown and returned by the API: rounded to 2 decimals (None stays None)."""
    return None if value is None else round(value, 2)


def rollup(items: Iterable[tuple[float | None, float]]) -> tuple[float | None, str]:
    """Weighted mean of the (score, weight) pairs that have a score; none left (or zero weight) is grey."""
    scored: list[tuple[float, float]] = []
    for item_score, weight in items:
        if not math.isfinite(weight) or weight < 0:
            raise ScoringError("Weights must be zero or positive numbers.")
        if item_score is not None and math.isfinite(item_score) and weight > 0:
            scored.append((item_score, weight))
    if not scored:
        return None, GREY
    largest = max(weight for _, weight in scored)  # relative weights: huge weights cannot overflow
    total_weight = math.fsum(weight / largest for _, weight in scored)
    mean = _clamp(math.fsum(value * (weight / largest) for value, weight in scored) / total_weight, 0.0, 10.0)
    return mean, status_for_score(mean)


def aggregate(aggregation: str, values: Sequence[float]) -> float | None:
    """Aggregate time-ordered values. No values is no data: None for every aggregation, count included."""
    if aggregation not in AGGREGATIONS:
        raise ScoringError(f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.")
    if not values:
        return None
    if aggregation == "sum":
        return math.fsum(values)
    if aggregation == "avg":
        return math.fsum(values) / len(values)
    if aggregation == "last":
        return float(values[-1])
    if aggregation == "min":
        return float(min(values))
    if aggregation == "max":
        return float(max(values))
    return float(len(values))


def combine_native_targets(aggregation: str, values: Sequence[float]) -> float | None:
    """A target for a longer view from its native periods' values: sum/count add up, the others take the last."""
    if aggregation not in AGGREGATIONS:
        raise ScoringError(f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.")
    if not values:
        return None
    if aggregation in ("sum", "count"):
        return math.fsum(values)
    return float(values[-1])


def paced_value(*, baseline: float, target_value: float, period_start: date, period_end: date, on: date) -> float:
    """Linear pacing: the baseline on period_start, the full target on period_end (an inclusive date).

    Day arithmetic: ``fraction = (on - period_start).days / (period_end - period_start).days``, clamped to 0..1;
    in 2027 (Jan 1 to Dec 31, 364 days apart) July 2 is exactly half-way. A one-day range gives the target.
    """
    span = (period_end - period_start).days
    if span <= 0:
        return float(target_value) if on >= period_start else float(baseline)
    fraction = _clamp((on - period_start).days / span, 0.0, 1.0)
    # Weighted form: exactly the baseline at 0 and exactly the target at 1, whatever the magnitudes.
    return baseline * (1 - fraction) + target_value * fraction


def judged_on(last_day: date, today: date) -> date:
    """The day a period is judged for pacing: its last day, or today while it is still running."""
    return min(last_day, today)


def score_paced(
    kind: str,
    actual: float | None,
    *,
    baseline: float | None,
    goal: float | None,
    red_flag: float | None,
    goal_high: float | None = None,
    red_flag_high: float | None = None,
    period_start: date,
    period_end: date,
    on: date,
) -> tuple[float | None, str]:
    """score() against a linearly paced target: every target value runs from the baseline on period_start.

    The definition is validated unpaced first. Without a baseline, and for yes / no and unscored KPIs, the target
    is used as it is. Where pacing makes the goal meet the red flag (on period_start itself, where every value
    equals the baseline) nothing can be judged yet: (None, "grey").
    """
    validate_definition(kind, goal=goal, red_flag=red_flag, goal_high=goal_high, red_flag_high=red_flag_high)
    if baseline is None or kind in (YES_NO, UNSCORED) or not math.isfinite(baseline):
        return score(kind, actual, goal=goal, red_flag=red_flag, goal_high=goal_high, red_flag_high=red_flag_high)
    window = {"period_start": period_start, "period_end": period_end, "on": on}
    paced = [
        None if value is None else paced_value(baseline=baseline, target_value=value, **window)
        for value in (goal, red_flag, goal_high, red_flag_high)
    ]
    try:
        return score(kind, actual, goal=paced[0], red_flag=paced[1], goal_high=paced[2], red_flag_high=paced[3])
    except ScoringError:
        return None, GREY


def progress(actual: float | None, *, baseline: float | None, goal: float | None) -> float | None:
    """(actual - baseline) / (goal - baseline) clamped to 0..1; None when a value is missing or goal == baseline."""
    if actual is None or baseline is None or goal is None or goal == baseline:
        return None
    if not (math.isfinite(actual) and math.isfinite(baseline) and math.isfinite(goal)):
        return None
    ratio = (Fraction(actual) - Fraction(baseline)) / (Fraction(goal) - Fraction(baseline))
    return float(min(max(ratio, Fraction(0)), Fraction(1)))


def _trend(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """Least-squares line (slope, intercept), or None when all x are equal."""
    n = len(xs)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def _seconds(later: datetime, earlier: datetime) -> float:
    """Real elapsed seconds; aware datetimes are compared in UTC, because Python subtracts two datetimes of the
    same zone by their wall clocks (a DST month would otherwise count an hour too many or too few)."""
    if later.tzinfo is not None and earlier.tzinfo is not None:
        later, earlier = later.astimezone(UTC), earlier.astimezone(UTC)
    return (later - earlier).total_seconds()


def forecast(
    aggregation: str,
    points: Sequence[tuple[datetime, float]],
    *,
    period_start: datetime,
    period_end: datetime,
    now: datetime,
) -> float | None:
    """The projected value of the period at its end (period_end exclusive).

    * no points: None; a period that has ended (now >= period_end): the actual itself;
    * sum: run rate, the sum so far divided by the elapsed fraction of the period; count: the same on counts;
    * last: the least-squares line through the points, evaluated at period_end;
    * avg: the observed mean for the elapsed part blended (by time) with the mean of the trend line over the
      rest of the period, i.e. the line's value half-way between now and period_end;
    * last/avg with fewer than two distinct moments: the value so far (no trend can be drawn);
    * min/max: the current minimum/maximum (the running extreme is the best available guess).
    """
    if aggregation not in AGGREGATIONS:
        raise ScoringError(f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.")
    if not points:
        return None
    ordered = sorted(points, key=lambda point: point[0])
    values = [value for _, value in ordered]
    current = aggregate(aggregation, values)
    total = _seconds(period_end, period_start)
    if now >= period_end or total <= 0 or aggregation in ("min", "max"):
        return current
    elapsed = _clamp(_seconds(now, period_start) / total, 0.0, 1.0)
    if aggregation in ("sum", "count"):
        return current / elapsed if current is not None and elapsed > 0 else current
    xs = [_seconds(moment, period_start) for moment, _ in ordered]
    line = _trend(xs, values) if len(ordered) >= 2 else None
    if line is None or current is None:
        return current
    slope, intercept = line
    if aggregation == "last":
        return slope * total + intercept
    now_x = elapsed * total
    rest_mean = slope * (now_x + total) / 2 + intercept
    return elapsed * current + (1 - elapsed) * rest_mean


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar arithmetic: the same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def stale_after(newest: datetime, *, frequency: str) -> datetime:
    """The moment after which data whose newest point is `newest` is stale: one frequency period plus 7 days."""
    if frequency == "week":
        return newest + timedelta(days=14)
    if frequency not in FREQUENCY_MONTHS:
        raise ScoringError(f"Unknown frequency {frequency!r}; use one of {', '.join(FREQUENCIES)}.")
    return add_months(newest, FREQUENCY_MONTHS[frequency]) + timedelta(days=7)


def is_stale(newest: datetime | None, *, frequency: str, now: datetime) -> bool:
    """Stale when the newest point is older than one frequency period (calendar months) plus 7 days.

    Exactly at the limit is not stale yet; no point at all is stale.
    """
    if newest is None:
        return True
    return now > stale_after(newest, frequency=frequency)


ADDITIVE = ("sum", "count")


def elapsed_share(*, period_start: date, period_end: date, today: date) -> float:
    """The share of a period [period_start, period_end) that has passed by the end of `today`, in whole local days.

    Day 1 of a 31-day month: 1/31; its last day: 1. Days, not hours, so a daylight saving change inside the period
    does not move it. Before the period 0, after it 1.
    """
    days = (period_end - period_start).days
    if days <= 0:
        return 1.0
    return _clamp(((today - period_start).days + 1) / days, 0.0, 1.0)


def on_pace(aggregation: str, kind: str, value: float | None, share: float) -> float | None:
    """A target value for a period still running: sum/count goals and red flags scale with the elapsed share
    (100 leads a month is 50 by half-way); level aggregations (last/avg/min/max) and yes / no keep theirs."""
    if value is None or aggregation not in ADDITIVE or kind == YES_NO:
        return value
    return value * share

"""The one evaluation path: (KPIs, targets, period aggregates, today) -> period results (DESIGN.md sections 4, 8).

Every page, the scores API, the exports, the print report, the portfolio, the digest and the strategy-map colours
call this package; a rule change in scoring is made here (and in the pure engine `scorecard.scoring`) only.

How a KPI's result for a period is made
* Its own period: the viewed period, or the native period containing it when the view is shorter.
* Actual: the aggregation of its metric's points in the period, or its formula over its terms' aggregations,
  read from the maintained per-day / per-month aggregates (`metrics.aggregates`) in the team's time zone.
  Raw points are read only for the forecast of a running period (and by the KPI page's detail chart).
* Bar: the goal and red flag that apply (`targets.bar_for`: native targets combined, linear pacing).
* **In progress.** A period that has not ended (today, in the team's time zone, lies inside it) is judged on pace,
  not against the full-period goal:
  - `sum` / `count` KPIs: the goal and red flag (and stabilize's upper edges) are pro-rated by the elapsed share
    of the period, whole local days elapsed (today included) over the days in the period. Day 1 of a 30-day month
    with a goal of 120 leads: the bar is 4 leads; day 15: 60; the last day: 120. Because it counts days, a daylight
    saving change inside the period changes nothing (March has 31 days whether or not it has 743 hours).
  - Level KPIs (`last`, `avg`, `min`, `max`, and formulas) keep their goal, or their linear pacing, which already
    judges the running period at today.
  - Yes / no KPIs keep their goal (an answer is not pro-rated).
  - The result says `in_progress`; its label is "On pace" / "Slightly behind pace" / "Behind pace" instead of
    "On target" / "Below goal" / "Red flag" (`labels.status_label`). The forecast — the projected end-of-period
    value judged against the full-period goal — and its colour stay beside it. Progress, like the status,
    counts towards the goal on pace (`period_goal` keeps the full-period goal).
* Score and status: `scoring.score` of the actual against the bar; roll-ups by `scoring.rollup`.
* Progress: `(actual - baseline) / (goal - baseline)`; the KPI's baseline belongs to its newest target, a period
  judged against an earlier target counts from where that period started (`engine.progress_baseline`).
* Stale: the newest point (from the newest month's aggregate) older than one frequency period plus 7 days.

Public API
* `evaluate_scorecards(scorecards=, periods=, now=, with_forecast=False, details="last", perspective_key=None)`
  -> {scorecard id: [ScorecardResult per period]}: constant queries for any number of scorecards and periods.
* `evaluate_scorecard(scorecard=, period=, now=, perspective_key=None)` -> ScorecardResult, with forecasts.
* `kpi_series(kpis=, ends=, team_id=, team_timezone=, now=, count=12, with_targets=True)` -> {kpi id: [KpiResult]}.
* `kpi_current(kpi=, now=)` -> KpiResult of the running native period, with forecast.
* `metric_keys(kpi)`: which metric keys a KPI reads, decided in one place. `status_label(status, in_progress=)`.
"""

from .engine import kpi_period, metric_keys
from .labels import status_label
from .results import KpiResult, PerspectiveResult, ScorecardResult
from .scorecards import (
    SERIES_LENGTH,
    current_period,
    evaluate_scorecard,
    evaluate_scorecards,
    kpi_current,
    kpi_series,
    series_end,
    team_today,
)
from .targets import NO_BAR, Bar

__all__ = [
    "NO_BAR",
    "SERIES_LENGTH",
    "Bar",
    "KpiResult",
    "PerspectiveResult",
    "ScorecardResult",
    "current_period",
    "evaluate_scorecard",
    "evaluate_scorecards",
    "kpi_current",
    "kpi_period",
    "kpi_series",
    "metric_keys",
    "series_end",
    "status_label",
    "team_today",
]

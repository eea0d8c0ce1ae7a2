"""Results of whole scorecards, their KPIs' series, the KPI page and the strategy map, in constant queries."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from strategy.models import StrategyMap

from ..models import KPI, Perspective, Scorecard, Target
from ..periods import Period, last_periods, period_containing
from ..scoring import GREY, rollup
from .engine import Loaded, evaluate_kpi, kpi_period
from .results import KpiResult, PerspectiveResult, ScorecardResult

SERIES_LENGTH = 12


def team_today(team_timezone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(team_timezone)).date()


def current_period(scorecard: Scorecard, now: datetime | None = None) -> Period:
    return period_containing(team_today(scorecard.team.timezone, now), scorecard.frequency)


def _kpi_queryset() -> object:
    return KPI.objects.select_related("metric", "owner").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_start", "pk"))
    )


@dataclass
class _Board:
    """A scorecard's perspectives and KPIs as plain lists (a prefetched .all() clones a queryset each time)."""

    scorecard: Scorecard
    perspectives: list[tuple[Perspective, list[KPI]]]

    def kpis(self) -> list[KPI]:
        return [kpi for _perspective, kpis in self.perspectives for kpi in kpis]


def _boards(scorecards: Sequence[Scorecard], perspective_key: str | None = None) -> list[_Board]:
    """Perspectives, KPIs (metric, owner) and targets of the scorecards: three queries for any number."""
    by_id = {scorecard.pk: scorecard for scorecard in scorecards}
    perspectives = Perspective.objects.filter(scorecard__in=list(by_id))
    if perspective_key is not None:
        perspectives = perspectives.filter(key=perspective_key)
    grouped: dict[int, list[tuple[Perspective, list[KPI]]]] = {pk: [] for pk in by_id}
    for perspective in perspectives.prefetch_related(Prefetch("kpis", queryset=_kpi_queryset())).order_by(
        "scorecard_id", "order", "pk"
    ):
        perspective.scorecard = by_id[perspective.scorecard_id]  # no query when a template follows it
        kpis = list(perspective.kpis.all())
        for kpi in kpis:
            kpi.perspective = perspective
            kpi.sorted_targets = list(kpi.targets.all())  # type: ignore[attr-defined]
        grouped[perspective.scorecard_id].append((perspective, kpis))
    return [_Board(by_id[pk], grouped[pk]) for pk in by_id]


def _targets(kpi: KPI) -> list[Target]:
    found = getattr(kpi, "sorted_targets", None)
    return found if found is not None else sorted(kpi.targets.all(), key=lambda t: (t.period_start, t.pk))


def _roll_up(
    scorecard: Scorecard, period: Period, perspectives: list[tuple[Perspective, list[KpiResult]]], today: date
) -> ScorecardResult:
    result = ScorecardResult(scorecard=scorecard, period=period, score=None, status=GREY)
    for perspective, items in perspectives:
        rolled, status = rollup((item.score, item.kpi.weight) for item in items)
        running = any(item.in_progress for item in items) or (not items and period.contains(today))
        result.perspectives.append(PerspectiveResult(perspective, rolled, status, items, running))
    result.score, result.status = rollup((p.score, p.perspective.weight) for p in result.perspectives)
    result.in_progress = any(p.in_progress for p in result.perspectives) or (
        not result.perspectives and period.contains(today)
    )
    return result


def evaluate_scorecards(
    *,
    scorecards: Sequence[Scorecard],
    periods: Sequence[Period],
    now: datetime | None = None,
    with_forecast: bool = False,
    details: str = "last",
    perspective_key: str | None = None,
) -> dict[int, list[ScorecardResult]]:
    """For each scorecard id its result in each of `periods` (same order). Constant queries: 3 for the structure,
    2 for metrics and aggregates, 1 more for the running period's points when `with_forecast`.

    `details`: "last" fills progress and staleness in the last period only (earlier ones are a trend), "all" in
    every period. Callers pass scorecards with `team` loaded (select_related).
    """
    now = now or timezone.now()
    result: dict[int, list[ScorecardResult]] = {scorecard.pk: [] for scorecard in scorecards}
    if not scorecards or not periods:
        return result
    boards = _boards(scorecards, perspective_key)
    kpis_by_team: dict[int, list[KPI]] = defaultdict(list)
    wanted: set[Period] = set()
    running: dict[int, Period] = {}
    zones: dict[int, ZoneInfo] = {}
    for board in boards:
        team = board.scorecard.team
        zones[team.pk] = ZoneInfo(team.timezone)
        kpis_by_team[team.pk].extend(board.kpis())
        for kpi in board.kpis():
            for number, period in enumerate(periods, start=1):
                own = kpi_period(kpi, period)
                wanted.add(own)
                if details == "all" or number == len(periods):
                    wanted.add(own.previous())  # progress of a level KPI against an earlier target
    if with_forecast:  # per team one window of points that covers every running period of its KPIs
        for board in boards:
            team = board.scorecard.team
            today = team_today(team.timezone, now)
            owns = [kpi_period(k, p) for k in board.kpis() for p in periods if kpi_period(k, p).contains(today)]
            if owns:
                running[team.pk] = Period("span", min(o.start for o in owns), max(o.end for o in owns))
    loaded = Loaded.load(kpis_by_team=kpis_by_team, periods=wanted, running=running, zones=zones)
    for board in boards:
        team = board.scorecard.team
        today = team_today(team.timezone, now)
        for number, period in enumerate(periods, start=1):
            details_here = details == "all" or number == len(periods)
            perspectives = [
                (
                    perspective,
                    [
                        evaluate_kpi(
                            kpi, _targets(kpi), team_id=team.pk, view=period, loaded=loaded, today=today, now=now,
                            zone=zones[team.pk], details=details_here, with_forecast=with_forecast,
                        )  # fmt: skip
                        for kpi in kpis
                    ],
                )
                for perspective, kpis in board.perspectives
            ]
            result[board.scorecard.pk].append(_roll_up(board.scorecard, period, perspectives, today))
    return result


def evaluate_scorecard(
    *, scorecard: Scorecard, period: Period, now: datetime | None = None, perspective_key: str | None = None
) -> ScorecardResult:
    """One scorecard in one period with forecasts: what the dashboards, the scores API and the exports show."""
    return evaluate_scorecards(
        scorecards=[scorecard], periods=[period], now=now, with_forecast=True, perspective_key=perspective_key
    )[scorecard.pk][0]


def series_end(item: KpiResult, today: date) -> Period:
    """The last native period a KPI's series shows: the one holding today, or the last one of the viewed period."""
    day = today if item.period.contains(today) else item.period.last_day
    return period_containing(day, item.kpi.frequency)


def kpi_series(
    *,
    kpis: Sequence[KPI],
    ends: dict[int, Period],
    team_id: int,
    team_timezone: str,
    now: datetime | None = None,
    count: int = SERIES_LENGTH,
    with_targets: bool = True,
) -> dict[int, list[KpiResult]]:
    """The last `count` native periods up to `ends[kpi.pk]` of every KPI, oldest first: two queries for all KPIs.

    Targets come from `kpi.targets.all()` (prefetched by the caller). Without `with_targets` (sparklines) only the
    actuals are filled in: no goal, score or colour per period.
    """
    now = now or timezone.now()
    today = team_today(team_timezone, now)
    periods_of = {kpi.pk: last_periods(ends[kpi.pk], count) for kpi in kpis}
    wanted = {period for periods in periods_of.values() for period in periods}
    loaded = Loaded.load(kpis_by_team={team_id: list(kpis)}, periods=wanted)
    zone = ZoneInfo(team_timezone)
    return {
        kpi.pk: [
            evaluate_kpi(
                kpi, _targets(kpi), team_id=team_id, view=period, loaded=loaded, today=today, now=now, zone=zone,
                details=False, with_targets=with_targets,
            )  # fmt: skip
            for period in periods_of[kpi.pk]
        ]
        for kpi in kpis
    }


def kpi_current(*, kpi: KPI, now: datetime | None = None) -> KpiResult:
    """The KPI in its running native period, with the forecast to the period's end (the KPI page)."""
    now = now or timezone.now()
    team = kpi.perspective.scorecard.team
    today = team_today(team.timezone, now)
    own = period_containing(today, kpi.frequency)
    zone = ZoneInfo(team.timezone)
    loaded = Loaded.load(
        kpis_by_team={team.pk: [kpi]}, periods=[own, own.previous()], running={team.pk: own}, zones={team.pk: zone}
    )
    return evaluate_kpi(
        kpi, _targets(kpi), team_id=team.pk, view=own, loaded=loaded, today=today, now=now, zone=zone,
        with_forecast=True,
    )  # fmt: skip


# --- The strategy map ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorStatus:
    """A success factor's (or objective's) result in a period: the roll-up of the KPIs that measure it."""

    score: float | None
    status: str  # green / amber / red / grey
    in_progress: bool
    kpi_statuses: tuple[str, ...]  # each measuring KPI's status, in scorecard order


def success_factor_results(
    *, strategy_map: StrategyMap, period: Period | None = None, now: datetime | None = None
) -> dict[int, FactorStatus]:
    """Success factor id -> its status in `period` (default: the scorecard's running period), from the newest
    scorecard built on the map. A factor's score is the weighted mean of its KPIs' scores (as a perspective's)."""
    scorecard = Scorecard.objects.filter(strategy_map=strategy_map).select_related("team").order_by("-pk").first()
    if scorecard is None:
        return {}
    period = period or current_period(scorecard, now)
    result = evaluate_scorecards(scorecards=[scorecard], periods=[period], now=now)[scorecard.pk][0]
    by_factor: dict[int, list[KpiResult]] = defaultdict(list)
    for item in result.kpis():
        if item.kpi.success_factor_id is not None:
            by_factor[item.kpi.success_factor_id].append(item)
    return {factor_id: _factor(items) for factor_id, items in by_factor.items()}


def _factor(items: list[KpiResult]) -> FactorStatus:
    rolled, status = rollup((item.score, item.kpi.weight) for item in items)
    return FactorStatus(rolled, status, any(i.in_progress for i in items), tuple(i.status for i in items))


def objective_results(
    *, strategy_map: StrategyMap, period: Period | None = None, now: datetime | None = None
) -> dict[int, FactorStatus]:
    """Objective id -> the roll-up (plain mean) of its success factors' scores in `period`."""
    factors = success_factor_results(strategy_map=strategy_map, period=period, now=now)
    by_objective: dict[int, list[FactorStatus]] = defaultdict(list)
    for factor_id, objective_id in strategy_map.objectives.values_list("success_factors__pk", "pk"):
        if factor_id in factors:
            by_objective[objective_id].append(factors[factor_id])
    return {
        objective_id: FactorStatus(
            (rolled := rollup((f.score, 1.0) for f in found))[0],
            rolled[1] if rolled[0] is not None else GREY,
            any(f.in_progress for f in found),
            tuple(s for f in found for s in f.kpi_statuses),
        )
        for objective_id, found in by_objective.items()
    }


def factor_statuses(*, strategy_map: StrategyMap, now: datetime | None = None) -> dict[int, list[str]]:
    """Success factor id -> the running-period status of each KPI that measures it (the map diagram's colours;
    the strategy app reaches this through the STRATEGY_FACTOR_STATUSES setting: it may not import this app)."""
    return {
        factor_id: list(found.kpi_statuses)
        for factor_id, found in success_factor_results(strategy_map=strategy_map, now=now).items()
    }


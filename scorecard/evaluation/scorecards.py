"""Results of whole scorecards, their KPIs' series, the KPI page and the strategy map, in constant queries."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..models import KPI, Perspective, Scorecard, Target
from ..periods import Period, last_periods, period_containing
from ..scoring import GREY, rollup
from . import cache as results_cache
from .engine import Loaded, evaluate_kpi, kpi_period
from .results import KpiResult, PerspectiveResult, ScorecardResult

SERIES_LENGTH = 12


def team_today(team_timezone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(team_timezone)).date()


def current_period(scorecard: Scorecard, now: datetime | None = None) -> Period:
    return period_containing(team_today(scorecard.team.timezone, now), scorecard.frequency)


def _kpi_queryset() -> QuerySet[KPI]:
    return KPI.objects.select_related("metric", "owner")


@dataclass
class _Board:
    """A scorecard's perspectives and KPIs as plain lists (a prefetched .all() clones a queryset each time)."""

    scorecard: Scorecard
    perspectives: list[tuple[Perspective, list[KPI]]]

    def kpis(self) -> list[KPI]:
        return [kpi for _perspective, kpis in self.perspectives for kpi in kpis]


def _boards(scorecards: Sequence[Scorecard], perspective_key: str | None = None) -> list[_Board]:
    """Perspectives and KPIs (metric, owner) of the scorecards: two queries for any number (targets follow)."""
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
    all_targets: bool = False,
) -> dict[int, list[ScorecardResult]]:
    """For each scorecard id its result in each of `periods` (same order). Constant queries: 3 for the structure,
    2 for metrics and aggregates, 1 more for the running period's points when `with_forecast`.

    `details`: "last" fills progress and staleness in the last period only (earlier ones are a trend), "all" in
    every period. Only targets that can apply to `periods` are loaded, unless `all_targets` (the KPIs' series
    read older ones). Callers pass scorecards with `team` loaded (select_related).
    """
    now = now or timezone.now()
    result: dict[int, list[ScorecardResult]] = {scorecard.pk: [] for scorecard in scorecards}
    if not scorecards or not periods:
        return result
    # A KPI's own period may be the year around a viewed month: targets that ended a year before cannot apply.
    since = None if all_targets else min(p.start for p in periods) - timedelta(days=373)
    boards = _boards(scorecards, perspective_key)
    last = len(periods) - 1
    found: dict[tuple[int, int], ScorecardResult] = {}  # (scorecard id, period index) -> cached result
    closed: dict[tuple[int, int], str] = {}  # (scorecard id, period index) -> its cache key
    if perspective_key is None and not with_forecast:
        pairs = [
            (board, index, period, _variant(board, period, now, details=details == "all" or index == last))
            for board in boards
            for index, period in enumerate(periods)
        ]
        keys = results_cache.result_keys([(board.scorecard, period, variant) for board, _i, period, variant in pairs])
        closed = {(board.scorecard.pk, index): keys[(board.scorecard.pk, period)] for board, index, period, _v in pairs}
        stored = cache.get_many(list(closed.values())) if closed else {}
        shapes = {board.scorecard.pk: results_cache.shape(board.perspectives) for board in boards}
        for board, index, period, _variant_name in pairs:
            packed = stored.get(closed[(board.scorecard.pk, index)])
            details_here = details == "all" or index == last
            unpacked = (
                results_cache.unpack(
                    packed,
                    board.scorecard,
                    period,
                    board.perspectives,
                    now=now,
                    details=details_here,
                    board_shape=shapes[board.scorecard.pk],
                )
                if packed
                else None
            )
            if unpacked is not None:
                found[(board.scorecard.pk, index)] = unpacked
    _load_targets(
        [board for board in boards if any((board.scorecard.pk, i) not in found for i in range(len(periods)))], since
    )
    kpis_by_team: dict[int, list[KPI]] = defaultdict(list)
    wanted: set[Period] = set()
    running: dict[int, Period] = {}
    zones: dict[int, ZoneInfo] = {}
    for board in boards:
        team = board.scorecard.team
        zones[team.pk] = ZoneInfo(team.timezone)
        kpis_by_team[team.pk].extend(board.kpis())
        today = team_today(team.timezone, now)
        owns: list[Period] = []
        for index, period in enumerate(periods):
            if (board.scorecard.pk, index) in found:
                continue
            for kpi in board.kpis():
                own = kpi_period(kpi, period)
                wanted.add(own)
                if details == "all" or index == last:
                    wanted.add(own.previous())  # progress of a level KPI against an earlier target
                if with_forecast and own.contains(today):
                    owns.append(own)
        if owns:  # one window of points per team that covers every running period of its KPIs
            running[team.pk] = Period("span", min(o.start for o in owns), max(o.end for o in owns))
    loaded = (
        Loaded.load(kpis_by_team=kpis_by_team, periods=wanted, running=running, zones=zones) if wanted else Loaded()
    )
    fresh: dict[str, object] = {}
    for board in boards:
        team = board.scorecard.team
        today = team_today(team.timezone, now)
        for index, period in enumerate(periods):
            cached = found.get((board.scorecard.pk, index))
            if cached is not None:
                result[board.scorecard.pk].append(cached)
                continue
            details_here = details == "all" or index == last
            perspectives = [
                (
                    perspective,
                    [
                        evaluate_kpi(
                            kpi,
                            _targets(kpi),
                            team_id=team.pk,
                            view=period,
                            loaded=loaded,
                            today=today,
                            now=now,
                            zone=zones[team.pk],
                            details=details_here,
                            with_forecast=with_forecast,
                        )
                        for kpi in kpis
                    ],
                )
                for perspective, kpis in board.perspectives
            ]
            evaluated = _roll_up(board.scorecard, period, perspectives, today)
            result[board.scorecard.pk].append(evaluated)
            key = closed.get((board.scorecard.pk, index))  # every period may be cached (see cache.py)
            if key is not None:
                fresh[key] = results_cache.pack(evaluated)
    if fresh:
        cache.set_many(fresh, results_cache.TIMEOUT)
    return result


def _variant(board: _Board, period: Period, now: datetime, *, details: bool) -> str:
    """What a cached result depends on besides data and structure: nothing once the period is closed (ended, for
    every KPI's own period, more than the late-data window ago in the team's time zone), else the team's date."""
    today = team_today(board.scorecard.team.timezone, now)
    limit = today - timedelta(days=results_cache.late_data_days())
    if all(kpi_period(kpi, period).end <= limit for kpi in board.kpis()) and period.end <= limit:
        return "closed"
    return f"{today.isoformat()}:{'details' if details else 'plain'}"


def _load_targets(boards: list[_Board], since: date | None) -> None:
    """The targets of the KPIs that are evaluated (not read from the cache): one query."""
    kpis = [kpi for board in boards for kpi in board.kpis()]
    if not kpis:
        return
    targets = Target.objects.filter(kpi__in=kpis).order_by("period_start", "pk")
    if since is not None:
        targets = targets.filter(period_end__gte=since)
    by_kpi: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_kpi[target.kpi_id].append(target)
    for kpi in kpis:
        kpi.sorted_targets = by_kpi.get(kpi.pk, [])  # type: ignore[attr-defined]


def evaluate_scorecard(
    *, scorecard: Scorecard, period: Period, now: datetime | None = None, perspective_key: str | None = None
) -> ScorecardResult:
    """One scorecard in one period with forecasts: what the dashboards, the scores API and the exports show."""
    return evaluate_scorecards(
        scorecards=[scorecard],
        periods=[period],
        now=now,
        with_forecast=True,
        perspective_key=perspective_key,
        all_targets=True,
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
                kpi,
                _targets(kpi),
                team_id=team_id,
                view=period,
                loaded=loaded,
                today=today,
                now=now,
                zone=zone,
                details=False,
                with_targets=with_targets,
            )
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
        kpi,
        _targets(kpi),
        team_id=team.pk,
        view=own,
        loaded=loaded,
        today=today,
        now=now,
        zone=zone,
        with_forecast=True,
    )


# --- The strategy map ------------------------------------------------------------------------------------------

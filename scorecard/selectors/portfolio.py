"""The manager's overview across teams: scores per team and perspective, trends, red KPIs, overdue actions.

Choices (documented for managers in the page's footnote):
* Which scorecard stands for a team: the newest scorecard whose strategy map is active and overlaps the
  chosen period; without one, the team's newest scorecard. Teams without a scorecard are listed, greyed.
* Roll-up along the team tree: every team that has visible teams below it gets a roll-up row, the plain
  (unweighted) mean of the scores of every scorecard in its subtree, itself included (`scoring.rollup`
  with weight 1 per team; teams without a score are left out, not counted as 0). A parent's own scorecard,
  if it has one, stays on its own row.
* The trend covers the last TREND_PERIODS periods of the chosen period's kind, ending with it.
* Overdue actions: open (planned / in progress) actions of the shown scorecards with a due date before
  today in the team's time zone, whatever period is chosen (overdue is a state of today).

Queries do not grow with the number of teams or KPIs: the visible teams, the teams, the scorecards,
`evaluation.evaluate_scorecards` (five), and two for the overdue actions.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from teams.access import readable_team_roles
from teams.models import Team

from ..evaluation import KpiResult, ScorecardResult, evaluate_scorecards, team_today
from ..models import Action, PerspectiveKey, Scorecard
from ..periods import Period, last_periods
from ..scoring import GREY, RED, rollup

TREND_PERIODS = {"week": 12, "month": 12, "quarter": 8, "year": 5}
RED_KPI_LIMIT = 250
OVERDUE_LIMIT = 100
PERSPECTIVE_KEYS = [key for key, _label in PerspectiveKey.choices]


@dataclass
class PortfolioRow:
    team: Team
    depth: int
    scorecard: Scorecard | None = None
    scores: ScorecardResult | None = None  # the chosen period
    perspective_scores: list[float | None] = field(default_factory=list)  # in PERSPECTIVE_KEYS order
    perspective_statuses: list[str] = field(default_factory=list)
    score: float | None = None
    status: str = GREY
    trend: list[float | None] = field(default_factory=list)
    red_count: int = 0
    rollup_of: int = 0  # > 0: a roll-up row over this many scored teams

    @property
    def is_rollup(self) -> bool:
        return self.rollup_of > 0

    @property
    def cells(self) -> list[tuple[float | None, str]]:
        return list(zip(self.perspective_scores, self.perspective_statuses, strict=True))


@dataclass
class RedKpi:
    team: Team
    scorecard: Scorecard
    item: KpiResult
    red_since: Period
    red_before_trend: bool  # red in every period of the trend: it started earlier still


@dataclass
class Portfolio:
    period: Period
    periods: list[Period]
    rows: list[PortfolioRow]
    red_kpis: list[RedKpi]
    red_total: int
    overdue: list[Action]
    overdue_total: int
    in_progress: bool = False  # the chosen period has not ended for some team: judged on pace


def representative_scorecard(scorecards: list[Scorecard], period: Period) -> Scorecard | None:
    """The newest scorecard on an active strategy map overlapping the period, else the newest one."""
    newest_first = sorted(scorecards, key=lambda s: (s.created_at, s.pk), reverse=True)
    for scorecard in newest_first:
        strategy_map = scorecard.strategy_map
        if (
            strategy_map.status == strategy_map.Status.ACTIVE
            and strategy_map.period_start <= period.last_day
            and strategy_map.period_end >= period.start
        ):
            return scorecard
    return newest_first[0] if newest_first else None


def _tree(teams: dict[int, Team]) -> list[tuple[Team, int]]:
    children: dict[int | None, list[Team]] = {}
    for team in teams.values():
        parent = team.parent_id if team.parent_id in teams else None
        children.setdefault(parent, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for team in sorted(children.get(parent, []), key=lambda t: (t.name.lower(), t.pk)):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def _perspective_cells(scores: ScorecardResult | None) -> tuple[list[float | None], list[str]]:
    by_key = {p.perspective.key: p for p in scores.perspectives} if scores else {}
    values = [by_key[key].score if key in by_key else None for key in PERSPECTIVE_KEYS]
    statuses = [by_key[key].status if key in by_key else GREY for key in PERSPECTIVE_KEYS]
    return values, statuses


def _rollup_row(team: Team, depth: int, members: list[PortfolioRow], trend_length: int) -> PortfolioRow:
    scored = [row for row in members if row.scores is not None]
    row = PortfolioRow(team=team, depth=depth, rollup_of=len(scored))
    for index in range(len(PERSPECTIVE_KEYS)):
        value, status = rollup((member.perspective_scores[index], 1.0) for member in scored)
        row.perspective_scores.append(value)
        row.perspective_statuses.append(status)
    row.score, row.status = rollup((member.score, 1.0) for member in scored)
    row.trend = [rollup((member.trend[i], 1.0) for member in scored)[0] for i in range(trend_length)]
    row.red_count = sum(member.red_count for member in scored)
    return row


def _red_since(history: list[ScorecardResult], perspective_index: int, kpi_index: int) -> tuple[Period, bool]:
    since = history[-1].period
    for scores in reversed(history):
        if scores.perspectives[perspective_index].kpis[kpi_index].status != RED:
            return since, False
        since = scores.period
    return since, True


def portfolio(*, user: object, period: Period, now: datetime | None = None) -> Portfolio:
    now = now or timezone.now()
    roles = readable_team_roles(user)  # type: ignore[arg-type]
    teams = {team.pk: team for team in Team.objects.filter(pk__in=list(roles))}
    scorecards_by_team: dict[int, list[Scorecard]] = {}
    for scorecard in Scorecard.objects.filter(team_id__in=list(teams)).select_related("strategy_map"):
        scorecard.team = teams[scorecard.team_id]
        scorecards_by_team.setdefault(scorecard.team_id, []).append(scorecard)
    chosen: dict[int, Scorecard] = {}
    for team_id, candidates in scorecards_by_team.items():
        found = representative_scorecard(candidates, period)
        if found is not None:
            chosen[team_id] = found
    periods = last_periods(period, TREND_PERIODS.get(period.kind, 12))
    history = evaluate_scorecards(scorecards=list(chosen.values()), periods=periods, now=now)

    rows: list[PortfolioRow] = []
    own_rows: dict[int, PortfolioRow] = {}
    red_kpis: list[RedKpi] = []
    tree = _tree(teams)
    for team, depth in tree:
        row = PortfolioRow(team=team, depth=depth, scorecard=chosen.get(team.pk))
        if row.scorecard is not None:
            series = history[row.scorecard.pk]
            row.scores = series[-1]
            row.score, row.status = row.scores.score, row.scores.status
            row.trend = [scores.score for scores in series]
            for p_index, perspective in enumerate(row.scores.perspectives):
                for k_index, item in enumerate(perspective.kpis):
                    if item.status == RED:
                        row.red_count += 1
                        since, earlier = _red_since(series, p_index, k_index)
                        red_kpis.append(RedKpi(team, row.scorecard, item, since, earlier))
        row.perspective_scores, row.perspective_statuses = _perspective_cells(row.scores)
        own_rows[team.pk] = row

    children: dict[int, list[int]] = {}
    for team in teams.values():
        if team.parent_id in teams:
            children.setdefault(team.parent_id, []).append(team.pk)

    def subtree(team_id: int) -> list[int]:
        found = [team_id]
        for child in children.get(team_id, []):
            found += subtree(child)
        return found

    for team, depth in tree:
        rows.append(own_rows[team.pk])
        if team.pk in children:
            members = [own_rows[pk] for pk in subtree(team.pk)]
            rows.append(_rollup_row(team, depth, members, len(periods)))

    # Overdue by each team's own date, as on its dashboard: one condition per time zone.
    by_zone: dict[str, list[int]] = {}
    for scorecard in chosen.values():
        by_zone.setdefault(scorecard.team.timezone, []).append(scorecard.pk)
    late = Q(pk__in=[])
    for zone, scorecard_ids in by_zone.items():
        late |= Q(perspective__scorecard__in=scorecard_ids, due_date__lt=team_today(zone, now))
    overdue = Action.objects.filter(late, status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])
    overdue_total = overdue.count()
    overdue_list = list(
        overdue.select_related("perspective__scorecard__team", "kpi", "owner").order_by("due_date", "pk")[
            :OVERDUE_LIMIT
        ]
    )
    red_kpis.sort(key=lambda red: red.item.score if red.item.score is not None else 0.0)
    return Portfolio(
        period=period,
        periods=periods,
        rows=rows,
        red_kpis=red_kpis[:RED_KPI_LIMIT],
        red_total=len(red_kpis),
        overdue=overdue_list,
        overdue_total=overdue_total,
        in_progress=any(series[-1].in_progress for series in history.values() if series),
    )

"""Data for the scorecard, perspective and KPI dashboards, in a number of queries that does not grow with KPIs.

The numbers come from `scorecard.evaluation` (the period's results and each KPI's last periods for sparklines
and charts); this adds whether the channels that feed a KPI are failing (`sources_in_trouble`, one query).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from metrics.models import Channel, Metric, MetricMonth

from ..evaluation import (
    KpiResult,
    PerspectiveResult,
    ScorecardResult,
    evaluate_scorecard,
    kpi_series,
    metric_keys,
    series_end,
    team_today,
)
from ..evaluation.engine import metrics_query
from ..models import KPI, Action, Perspective, Scorecard
from ..periods import Period

SERIES_LENGTH = 12
TROUBLE = (Channel.Status.FAILING, Channel.Status.NEEDS_ATTENTION)
OPEN_ACTIONS = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)


@dataclass
class KpiRow:
    """One KPI on a dashboard: its score for the period, its last periods and any failing feed."""

    item: KpiResult
    series: list[KpiResult]
    troubled_channels: list[Channel] = field(default_factory=list)

    @property
    def kpi(self) -> KPI:
        return self.item.kpi

    @property
    def failing(self) -> bool:
        return any(channel.status == Channel.Status.FAILING for channel in self.troubled_channels)

    @property
    def needs_attention(self) -> bool:
        return any(channel.status == Channel.Status.NEEDS_ATTENTION for channel in self.troubled_channels)


@dataclass
class PerspectiveBoard:
    score: PerspectiveResult
    rows: list[KpiRow]

    @property
    def perspective(self) -> Perspective:
        return self.score.perspective


@dataclass
class Dashboard:
    scores: ScorecardResult
    perspectives: list[PerspectiveBoard]
    today: date


def sources_in_trouble(*, kpis: Sequence[KPI], team_id: int) -> dict[int, list[Channel]]:
    """Per KPI the failing or attention-needing channels that feed its metrics (formula terms too): one query."""
    if not kpis:
        return {}
    query = metrics_query({team_id: list(kpis)})
    metrics = Metric.objects.filter(query, channel__status__in=TROUBLE).select_related("channel")
    channel_of_key = {metric.key: metric.channel for metric in metrics if metric.channel is not None}
    result: dict[int, list[Channel]] = {}
    for kpi in kpis:
        channels = {channel_of_key[key].pk: channel_of_key[key] for key in metric_keys(kpi) if key in channel_of_key}
        result[kpi.pk] = sorted(channels.values(), key=lambda channel: channel.name)
    return result


def scorecard_dashboard(
    *,
    scorecard: Scorecard,
    period: Period,
    now: datetime | None = None,
    perspective_key: str | None = None,
    with_targets: bool = True,
) -> Dashboard:
    """Scores, series and failing feeds for the scorecard (or one of its perspectives) in a fixed number of queries.

    `with_targets=False` leaves the goals out of the series (the sparklines show actuals only).
    """
    now = now or timezone.now()
    team = scorecard.team
    today = team_today(team.timezone, now)
    scores = evaluate_scorecard(scorecard=scorecard, period=period, now=now, perspective_key=perspective_key)
    shown = scores.perspectives
    items = [item for perspective in shown for item in perspective.kpis]
    kpis = [item.kpi for item in items]
    ends = {item.kpi.pk: series_end(item, today) for item in items}
    series = kpi_series(
        kpis=kpis, ends=ends, team_id=team.pk, team_timezone=team.timezone, now=now, with_targets=with_targets
    )
    trouble = sources_in_trouble(kpis=kpis, team_id=team.pk)
    boards = [
        PerspectiveBoard(
            score=perspective,
            rows=[KpiRow(item, series[item.kpi.pk], trouble.get(item.kpi.pk, [])) for item in perspective.kpis],
        )
        for perspective in shown
    ]
    return Dashboard(scores=scores, perspectives=boards, today=today)


def perspective_actions(*, perspective: Perspective) -> QuerySet[Action]:
    return perspective.actions.select_related("owner", "kpi").order_by("due_date", "pk")


def is_overdue(action: Action, today: date) -> bool:
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTIONS


def with_overdue(actions: Iterable[Action], today: date) -> list[Action]:
    """The actions as a list, each marked `overdue` for the templates."""
    marked = list(actions)
    for action in marked:
        action.overdue = is_overdue(action, today)  # type: ignore[attr-defined]
    return marked


# --- The KPI page ---------------------------------------------------------------------------------------------


def kpi_sources(*, kpi: KPI) -> list[Metric]:
    """The metrics a KPI reads (its own, or its formula's terms) with their channel and newest point: one query."""
    team_id = kpi.perspective.scorecard.team_id
    newest = MetricMonth.objects.filter(metric_id=OuterRef("pk")).order_by("-month").values("last_ts")[:1]
    metrics = Metric.objects.filter(metrics_query({team_id: [kpi]})).select_related("channel", "team")
    return list(metrics.annotate(newest_ts=Subquery(newest)).order_by("name"))

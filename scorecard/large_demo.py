"""A large, deterministic data set for the dashboard benchmark (`seed_demo --large`).

Under a parent team "Large Org" (slug `large`): `teams` teams, each with a strategy map, a
scorecard with the four perspectives and `kpis_per_team` KPIs (each fed by its own metric), a
target per KPI and calendar year (monthly goal values), one action per perspective, and
`years` years of daily points per KPI up to today. Defaults: 50 teams x 48 KPIs x 3 years =
about 2.6 million points.

Idempotent: structure rows are matched on natural keys, and points go through
`metrics.services.datapoints_upsert`, which leaves identical points alone. Values depend only on
(team, KPI, date), so running again on a later day only adds the new days.
"""

import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert
from strategy.models import StrategyMap
from teams.models import Membership, Role, Team

from .models import KPI, Action, Aggregation, Frequency, Perspective, Scorecard, ScoringType, Target

PARENT_SLUG = "large"
PARENT_NAME = "Large Org"
BATCH_SIZE = 50_000
EPOCH = date(2024, 1, 1)  # growth is measured from a fixed day, so a value depends on its date only
DAYS_PER_MONTH = 365.25 / 12

PERSPECTIVES = [
    ("customer", "Customer", "How do our customers and followers see us?"),
    ("organisation", "Organisation", "What must we excel at inside the organisation?"),
    ("social_media", "Social media", "How well do our channels perform?"),
    ("financial", "Financial", "What does social media bring in, and what does it cost?"),
]


@dataclass(frozen=True)
class KpiKind:
    name: str
    unit: str
    aggregation: str
    scoring: str
    lower_is_better: bool
    base_range: tuple[float, float]
    decimals: int = 0
    level: bool = False  # a running total such as followers: paced towards a year-end target


KINDS = [
    KpiKind("Leads", "leads", Aggregation.SUM, ScoringType.GOAL_RED_FLAG, False, (20, 80)),
    KpiKind("Engagement rate", "%", Aggregation.AVG, ScoringType.GOAL_RED_FLAG, False, (2, 6), decimals=2),
    KpiKind("Followers", "followers", Aggregation.LAST, ScoringType.GOAL_RED_FLAG, False, (5000, 50000), level=True),
    KpiKind("Complaints", "complaints", Aggregation.SUM, ScoringType.GOAL_RED_FLAG, True, (2, 10)),
    KpiKind("Response time", "h", Aggregation.AVG, ScoringType.GOAL_RED_FLAG, True, (2, 8), decimals=1),
    KpiKind("Posts per day", "posts", Aggregation.AVG, ScoringType.STABILIZE, False, (3, 5), decimals=1),
]


class Writer(Protocol):
    def write(self, msg: str, /) -> Any: ...


@dataclass(frozen=True)
class KpiPlan:
    """Everything needed to create one KPI and its values, drawn once from the seeded RNG."""

    index: int
    kind: KpiKind
    base: float
    performance: float  # > 1 runs above the target level, < 1 below
    seed: int

    @property
    def key(self) -> str:
        return f"kpi-{self.index + 1:02d}"

    @property
    def title(self) -> str:
        return f"{self.kind.name} {self.index + 1:02d}"

    def value(self, day: date) -> float:
        age_years = (day - EPOCH).days / 365.25
        noise = _noise(self.seed, day.toordinal())
        if self.kind.level:
            return round(self.base * max(0.2, 1 + 0.25 * age_years * self.performance) * (1 + 0.005 * noise))
        season = math.sin(2 * math.pi * day.timetuple().tm_yday / 365.25)
        raw = self.base * _growth(day) * self.performance * (1 + 0.1 * season + 0.2 * noise)
        return max(0.0, round(raw, self.kind.decimals))


def _growth(day: date) -> float:
    return max(0.5, 1 + 0.1 * (day - EPOCH).days / 365.25)


def _noise(seed: int, ordinal: int) -> float:
    """A cheap deterministic pseudo-random number in [-1, 1) for (seed, day): an integer hash mix."""
    x = (seed * 0x9E3779B1 + ordinal * 0x85EBCA77) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x / 2**31 - 1


def _plans(team_index: int, kpis: int) -> list[KpiPlan]:
    rng = random.Random(10_007 * (team_index + 1))  # noqa: S311 - demo data, not security
    plans = []
    for j in range(kpis):
        kind = KINDS[j % len(KINDS)]
        performance = rng.uniform(0.8, 1.2)
        plans.append(KpiPlan(j, kind, round(rng.uniform(*kind.base_range), 2), performance, rng.getrandbits(31)))
    return plans


def _target_values(plan: KpiPlan, year: int) -> dict[str, float | None]:
    """Monthly goal and red flag for a calendar year (a level KPI: the year-end level)."""
    kind = plan.kind
    if kind.level:
        expected = plan.base * (1 + 0.25 * (date(year, 12, 31) - EPOCH).days / 365.25)
        return {"goal": round(expected), "red_flag": round(expected * 0.93), "goal_high": None, "red_flag_high": None}
    level = plan.base * _growth(date(year, 7, 1))
    if kind.aggregation == Aggregation.SUM:
        level *= DAYS_PER_MONTH
    if kind.scoring == ScoringType.STABILIZE:
        edges = [level * f for f in (0.85, 1.15, 0.7, 1.3)]
        return dict(zip(["goal", "goal_high", "red_flag", "red_flag_high"], [round(e, 2) for e in edges], strict=True))
    goal, red_flag = (level * 0.95, level * 1.15) if kind.lower_is_better else (level * 1.0, level * 0.85)
    return {"goal": round(goal, 2), "red_flag": round(red_flag, 2), "goal_high": None, "red_flag_high": None}


def seed_large(
    *, teams: int = 50, kpis_per_team: int = 48, years: int = 3, days: int | None = None, stdout: Writer | None = None
) -> None:
    """Create (or bring up to date) the large data set; prints progress and timings to `stdout`.

    `days` (for tests) replaces `years` with a number of days up to today.
    """
    out = stdout or sys.stdout
    started = time.monotonic()
    today = timezone.localdate()
    first_day = today - timedelta(days=(days if days is not None else 365 * years) - 1)
    parent = _structure_parent()
    total_points = 0
    for i in range(teams):
        team_started = time.monotonic()
        plans = _plans(i, kpis_per_team)
        with transaction.atomic():
            team, metrics = _structure_team(parent, i, plans, first_day=first_day, last_day=today)
        result = _write_points(team, metrics, plans, first_day=first_day, last_day=today)
        total_points += result[0]
        out.write(
            f"[{i + 1}/{teams}] {team.name}: {result[0]:,} points ({result[1]:,} new) "
            f"in {time.monotonic() - team_started:.1f} s\n"
        )
    if connection.vendor == "postgresql":
        # Fresh planner statistics, so a benchmark right after loading measures the real plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrics_datapoint")
    out.write(
        f"Large data set ready: {teams} teams x {kpis_per_team} KPIs, {total_points:,} points "
        f"from {first_day} to {today}, in {time.monotonic() - started:.1f} s.\n"
    )


@transaction.atomic
def _structure_parent() -> Team:
    parent, _ = Team.objects.update_or_create(slug=PARENT_SLUG, defaults={"name": PARENT_NAME, "parent": None})
    manager = get_user_model().objects.filter(username="manager").first()
    if manager is not None:
        Membership.objects.update_or_create(user=manager, team=parent, defaults={"role": Role.VIEWER})
    return parent


def _structure_team(
    parent: Team, index: int, plans: list[KpiPlan], *, first_day: date, last_day: date
) -> tuple[Team, dict[str, Metric]]:
    number = f"{index + 1:02d}"
    team, _ = Team.objects.update_or_create(
        slug=f"{PARENT_SLUG}-{number}", defaults={"name": f"{PARENT_NAME} team {number}", "parent": parent}
    )
    strategy_map, _ = StrategyMap.objects.update_or_create(
        team=team,
        title="Large strategy",
        defaults={
            "period_start": date(first_day.year, 1, 1),
            "period_end": date(last_day.year, 12, 31),
            "status": StrategyMap.Status.ACTIVE,
        },
    )
    scorecard, _ = Scorecard.objects.update_or_create(
        team=team, title="Large scorecard", defaults={"strategy_map": strategy_map, "frequency": Frequency.MONTH}
    )
    perspectives = []
    for order, (key, name, question) in enumerate(PERSPECTIVES):
        perspective, _ = Perspective.objects.update_or_create(
            scorecard=scorecard, key=key, defaults={"name": name, "question": question, "order": order}
        )
        perspectives.append(perspective)
        Action.objects.update_or_create(
            perspective=perspective,
            title=f"Review the {name.lower()} KPIs",
            defaults={"due_date": date(last_day.year, 1, 31), "status": Action.Status.IN_PROGRESS, "progress": 40},
        )
    metrics = _upsert_metrics(team, plans)
    kpis = _upsert_kpis(perspectives, metrics, plans, year_start=date(last_day.year, 1, 1))
    _upsert_targets(kpis, plans, years=range(first_day.year, last_day.year + 1))
    return team, metrics


def _upsert_metrics(team: Team, plans: list[KpiPlan]) -> dict[str, Metric]:
    Metric.objects.bulk_create(
        [Metric(team=team, key=p.key, name=p.title, unit=p.kind.unit, source=Source.API) for p in plans],
        update_conflicts=True,
        unique_fields=["team", "key"],
        update_fields=["name", "unit", "source"],
    )
    return {m.key: m for m in Metric.objects.filter(team=team, key__in=[p.key for p in plans])}


def _upsert_kpis(
    perspectives: list[Perspective], metrics: dict[str, Metric], plans: list[KpiPlan], *, year_start: date
) -> dict[str, KPI]:
    """One KPI per metric (the metric is the KPI's natural key here), spread over the perspectives.

    A level KPI's baseline is its value on 1 January of this year: this year's paced target starts there.
    """
    existing = {k.metric_id: k for k in KPI.objects.filter(metric__in=metrics.values())}
    kpis: dict[str, KPI] = {}
    for plan in plans:
        metric = metrics[plan.key]
        kpi = existing.get(metric.pk) or KPI(metric=metric)
        kpi.perspective = perspectives[plan.index % len(perspectives)]
        kpi.name, kpi.unit, kpi.decimals = plan.title, plan.kind.unit, plan.kind.decimals
        kpi.aggregation, kpi.scoring_type, kpi.frequency = plan.kind.aggregation, plan.kind.scoring, Frequency.MONTH
        kpi.baseline = plan.value(year_start) if plan.kind.level else None
        kpi.order = plan.index
        kpis[plan.key] = kpi
    fields = [
        "perspective",
        "name",
        "unit",
        "decimals",
        "aggregation",
        "scoring_type",
        "frequency",
        "baseline",
        "order",
    ]
    KPI.objects.bulk_update([k for k in kpis.values() if k.pk], fields)
    KPI.objects.bulk_create([k for k in kpis.values() if not k.pk])
    return kpis


def _upsert_targets(kpis: dict[str, KPI], plans: list[KpiPlan], *, years: range) -> None:
    """A target per KPI and calendar year; this year's target of a level KPI is paced from its baseline."""
    existing = {(t.kpi_id, t.period_start): t for t in Target.objects.filter(kpi__in=kpis.values())}
    fields = ["period_end", "goal", "red_flag", "goal_high", "red_flag_high", "pacing"]
    targets = []
    for plan in plans:
        kpi = kpis[plan.key]
        for year in years:
            target = existing.get((kpi.pk, date(year, 1, 1))) or Target(kpi=kpi, period_start=date(year, 1, 1))
            target.period_end = date(year, 12, 31)
            for field, value in _target_values(plan, year).items():
                setattr(target, field, value)
            paced = plan.kind.level and year == years[-1]
            target.pacing = Target.Pacing.LINEAR if paced else Target.Pacing.NONE
            targets.append(target)
    Target.objects.bulk_update([t for t in targets if t.pk], fields)
    Target.objects.bulk_create([t for t in targets if not t.pk])


def _write_points(
    team: Team, metrics: dict[str, Metric], plans: list[KpiPlan], *, first_day: date, last_day: date
) -> tuple[int, int]:
    """All daily points of a team, at noon in its time zone, in batches of BATCH_SIZE."""
    zone = ZoneInfo(team.timezone)
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    stamps = [datetime(d.year, d.month, d.day, 12, tzinfo=zone) for d in days]
    received = created = 0
    for batch in _batches(_points(metrics, plans, days, stamps)):
        result = datapoints_upsert(points=batch, source=Source.API)
        received += result.received
        created += result.created
    return received, created


def _points(
    metrics: dict[str, Metric], plans: list[KpiPlan], days: list[date], stamps: list[datetime]
) -> Iterator[PointIn]:
    for plan in plans:
        metric_id = metrics[plan.key].pk
        for day, ts in zip(days, stamps, strict=True):
            yield PointIn(metric_id=metric_id, ts=ts, value=plan.value(day))


def _batches(points: Iterator[PointIn]) -> Iterator[list[PointIn]]:
    batch: list[PointIn] = []
    for point in points:
        batch.append(point)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch

"""Demo scorecard for Acme Social Media. Idempotent: running it again leaves the same rows.

Twelve KPIs over the four perspectives, targets for last year and this year (followers paced
linearly), eight actions and 18 months of daily history up to today, written in one
`datapoints_upsert` call. Values are a pure function of the date, so every run (and every day)
writes the same history, and every colour shows in the current month: green (followers,
engagement rate, posting frequency), amber (share of voice, cost per lead, trained staff), red
(response time) and grey (revenue from social, entered by hand after the month closes).
"""

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert
from strategy.models import Objective, StrategyMap, SuccessFactor
from teams.demo import DemoContext

from . import services
from .models import KPI, Action, Perspective, Scorecard, Target

HISTORY_DAYS = 548  # 18 months
EPOCH = date(2020, 1, 1)


def _i(day: date) -> int:
    return (day - EPOCH).days


def followers(day: date) -> float:
    return float(5000 + 12 * _i(day))


def _wave(day: date, base: float, amplitude: float, period: float) -> float:
    return base + amplitude * math.sin(_i(day) / period)


def _impressions(day: date) -> float:
    return round(_wave(day, 20000, 3000, 7))


# metric key: (name, unit, source, value for a day or None)
METRICS: dict[str, tuple[str, str, str, Callable[[date], float | None]]] = {
    "sc-followers": ("Followers", "", Source.IMPORT, followers),
    "sc-reach": ("Reach", "", Source.IMPORT, lambda d: round(_wave(d, 6000, 1500, 9))),
    "sc-share-of-voice": ("Share of voice", "%", Source.IMPORT, lambda d: round(_wave(d, 21, 1.5, 5), 1)),
    "sc-response-hours": ("Response time", "h", Source.IMPORT, lambda d: round(_wave(d, 7, 1, 4), 1)),
    "sc-impressions": ("Impressions", "", Source.IMPORT, _impressions),
    "sc-engagements": (
        "Engagements",
        "",
        Source.IMPORT,
        lambda d: round(_impressions(d) * _wave(d, 0.045, 0.003, 11)),
    ),
    "sc-web-sessions": ("Web sessions from social", "", Source.IMPORT, lambda d: round(_wave(d, 220, 40, 6))),
    "sc-content-pieces": (
        "Content pieces",
        "",
        Source.IMPORT,
        lambda d: (2.0 if d.weekday() == 1 else 1.0) if d.weekday() < 5 else None,
    ),
    "sc-posts-per-week": ("Posts per week", "", Source.IMPORT, lambda d: round(_wave(d, 12, 1.5, 8), 1)),
    "sc-trained-staff": (
        "Trained staff",
        "",
        Source.IMPORT,
        lambda d: float(min(30, 4 + _i(d) // 120)) if d.day == 1 else None,
    ),
    "sc-leads": ("Leads", "", Source.IMPORT, lambda d: round(_wave(d, 4, 1.5, 5))),
    "sc-ad-spend": ("Ad spend", "EUR", Source.IMPORT, lambda d: round(_wave(d, 110, 10, 3), 2)),
    # Revenue is typed in once a month closes: a point on each month's last day, none yet this month.
    "sc-revenue": (
        "Revenue from social",
        "EUR",
        Source.MANUAL,
        lambda d: round(_wave(d, 12500, 1500, 40)) if (d + timedelta(days=1)).day == 1 else None,
    ),
}

# perspective, name, unit, decimals, source (metric key + aggregation, or formula), frequency, scoring,
# (goal, red flag[, goal high, red flag high]) per native period
KPIS: list[dict[str, Any]] = [
    {"p": "customer", "name": "Followers", "metric": "sc-followers", "agg": "last", "bar": "followers"},
    {"p": "customer", "name": "Reach", "metric": "sc-reach", "agg": "sum", "bar": (200000, 150000)},
    {"p": "customer", "name": "Share of voice", "unit": "%", "decimals": 1, "metric": "sc-share-of-voice"}
    | {"agg": "avg", "bar": (25, 18)},
    {"p": "customer", "name": "Response time", "unit": "h", "decimals": 1, "metric": "sc-response-hours"}
    | {"agg": "avg", "bar": (2, 6)},
    {"p": "social_media", "name": "Engagement rate", "unit": "%", "decimals": 2}
    | {"formula": "100 * sum(sc-engagements) / sum(sc-impressions)", "bar": (4, 2.5)},
    {"p": "social_media", "name": "Web sessions from social", "metric": "sc-web-sessions", "agg": "sum"}
    | {"bar": (6000, 4000)},
    {"p": "social_media", "name": "Content pieces per week", "metric": "sc-content-pieces", "agg": "sum"}
    | {"frequency": "week", "bar": (5, 3)},
    {"p": "organisation", "name": "Posting frequency", "metric": "sc-posts-per-week", "agg": "avg", "decimals": 1}
    | {"scoring": "stabilize", "bar": (10, 6, 14, 18)},
    {"p": "organisation", "name": "Trained staff", "metric": "sc-trained-staff", "agg": "last"}
    | {"frequency": "quarter", "bar": (30, 12)},
    {"p": "financial", "name": "Leads", "metric": "sc-leads", "agg": "sum", "bar": (120, 80)},
    {"p": "financial", "name": "Revenue from social", "unit": "EUR", "metric": "sc-revenue", "agg": "sum"}
    | {"bar": (15000, 10000)},
    {"p": "financial", "name": "Cost per lead", "unit": "EUR", "decimals": 2}
    | {"formula": "sum(sc-ad-spend) / sum(sc-leads)", "bar": (25, 40)},
]

# KPI -> the success factor of the demo strategy map (strategy/demo.py) it measures.
KPI_FACTORS = {
    "Followers": "Exclusive offers for followers",
    "Reach": "Targeted paid campaigns per season",
    "Share of voice": "Content calendar with weekly product stories",
    "Response time": "Service team staffed 8:00-22:00",
    "Engagement rate": "Conversation-starting posts and polls",
    "Web sessions from social": "Tracked links and conversion measurement",
    "Content pieces per week": "Content calendar with weekly product stories",
    "Posting frequency": "Social media guidelines for all staff",
    "Trained staff": "Training plan for the team",
    "Leads": "Shoppable posts and catalogue on every channel",
    "Revenue from social": "Shoppable posts and catalogue on every channel",
    "Cost per lead": "Tracked links and conversion measurement",
}

# perspective, KPI name or None, title, status, progress, due in days from today
ACTIONS = [
    ("customer", "Response time", "Set up a weekend webcare rota", "in_progress", 40, -5),
    ("customer", "Share of voice", "Monthly competitor benchmark", "planned", 0, 20),
    ("customer", "Followers", "Run the spring giveaway", "done", 100, -60),
    ("social_media", "Engagement rate", "Test short video formats", "in_progress", 60, 14),
    ("social_media", "Content pieces per week", "Build a content calendar for next quarter", "planned", 10, 30),
    ("organisation", "Trained staff", "Social media training for customer service", "in_progress", 50, -2),
    ("financial", "Cost per lead", "Move budget to the best converting campaigns", "planned", 0, 7),
    ("financial", None, "Agree on revenue attribution with finance", "cancelled", 0, -30),
]


def _strategy_map(team: Any, today: date) -> StrategyMap:
    """The team's active map (the strategy demo makes one); a minimal one when run on its own."""
    found = StrategyMap.objects.filter(team=team, status=StrategyMap.Status.ACTIVE).order_by("-period_start").first()
    if found is not None:
        return found
    strategy_map, _created = StrategyMap.objects.update_or_create(
        team=team,
        title="Social media strategy",
        defaults={
            "mission": "Make Acme the retailer people like to talk to.",
            "period_start": date(today.year, 1, 1),
            "period_end": date(today.year, 12, 31),
            "status": StrategyMap.Status.ACTIVE,
        },
    )
    objective, _created = Objective.objects.get_or_create(strategy_map=strategy_map, title="Grow a loyal audience")
    SuccessFactor.objects.get_or_create(objective=objective, title="Be visible and helpful every day")
    return strategy_map


def _targets(kpi: KPI, spec: dict[str, Any], today: date) -> None:
    for year in (today.year - 1, today.year):
        start, end = date(year, 1, 1), date(year, 12, 31)
        if spec["bar"] == "followers":
            baseline = math.floor((followers(start) - 300) / 100) * 100
            values = {"goal": baseline + 4000, "red_flag": baseline + 2000, "pacing": Target.Pacing.LINEAR}
            if year == today.year:
                KPI.objects.filter(pk=kpi.pk).update(baseline=baseline)
        else:
            goal, red_flag, *high = spec["bar"]
            values = {"goal": goal, "red_flag": red_flag, "pacing": Target.Pacing.NONE}
            values |= {"goal_high": high[0], "red_flag_high": high[1]} if high else {}
        Target.objects.update_or_create(kpi=kpi, period_start=start, defaults={"period_end": end, **values})


def _history(metrics: dict[str, Metric], tz: ZoneInfo, today: date) -> None:
    now = timezone.now()
    points = []
    for offset in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        ts = datetime.combine(day, time.min, tzinfo=tz)
        if ts > now:
            continue
        for key, (_name, _unit, _source, value_for) in METRICS.items():
            value = value_for(day)
            if value is not None:
                points.append(PointIn(metric_id=metrics[key].pk, ts=ts, value=float(value)))
    datapoints_upsert(points=points, source=Source.IMPORT)


def seed(context: DemoContext) -> None:
    team = context.teams["acme-social"]
    owner: Any = context.users.get("marketer")
    tz = ZoneInfo(team.timezone)
    today = timezone.now().astimezone(tz).date()
    strategy_map = _strategy_map(team, today)
    title = f"Social Media Scorecard {today.year}"
    scorecard = Scorecard.objects.filter(team=team, title=title).first() or services.scorecard_create(
        team=team, strategy_map=strategy_map, title=title, frequency="month"
    )
    perspectives = {p.key: p for p in Perspective.objects.filter(scorecard=scorecard)}
    metrics = {}
    for key, (name, unit, source, _value_for) in METRICS.items():
        metrics[key], _created = Metric.objects.update_or_create(
            team=team, key=key, defaults={"name": name, "unit": unit, "source": source}
        )
    factors = {f.title: f for f in SuccessFactor.objects.filter(objective__strategy_map=strategy_map)}
    kpis = {}
    for order, spec in enumerate(KPIS):
        kpi, _created = KPI.objects.update_or_create(
            perspective__scorecard=scorecard,
            name=spec["name"],
            defaults={
                "perspective": perspectives[spec["p"]],
                "unit": spec.get("unit", ""),
                "decimals": spec.get("decimals", 0),
                "metric": metrics[spec["metric"]] if "metric" in spec else None,
                "aggregation": spec.get("agg", "sum"),
                "formula": spec.get("formula", ""),
                "frequency": spec.get("frequency", "month"),
                "scoring_type": spec.get("scoring", "goal_red_flag"),
                "owner": owner,
                "order": order,
                "success_factor": factors.get(KPI_FACTORS.get(spec["name"], "")),
            },
        )
        _targets(kpi, spec, today)
        kpis[spec["name"]] = kpi
    for key, kpi_name, action_title, status, progress, due_in in ACTIONS:
        Action.objects.update_or_create(
            perspective=perspectives[key],
            title=action_title,
            defaults={
                "kpi": kpis[kpi_name] if kpi_name else None,
                "owner": owner,
                "status": status,
                "progress": progress,
                "due_date": today + timedelta(days=due_in),
            },
        )
    _history(metrics, tz, today)


def seed_large(context: DemoContext, *, stdout: Any = None) -> None:
    """`seed_demo --large [--teams N --years Y]`: the benchmark data set (scorecard/large_demo.py)."""
    from .large_demo import seed_large as load  # only this flag needs it

    load(teams=context.large_teams, years=context.large_years, stdout=stdout)

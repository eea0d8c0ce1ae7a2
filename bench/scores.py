"""Time the scores of a scorecard with many KPIs: prints queries and milliseconds per request.

Usage: DATABASE_URL=postgres://... .venv/bin/python bench/scores.py [kpis] [days]
Creates a throw-away team "bench-scores" (deleted first), KPIs with daily points, and times
evaluation.evaluate_scorecard for a month, a quarter and a year.
"""

import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard_site.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from metrics.models import Metric, Source  # noqa: E402
from metrics.services import PointIn, datapoints_upsert  # noqa: E402
from scorecard import services  # noqa: E402
from scorecard.evaluation import evaluate_scorecard  # noqa: E402
from scorecard.models import Scorecard  # noqa: E402
from scorecard.periods import parse_period  # noqa: E402
from strategy.models import StrategyMap  # noqa: E402
from teams.models import Team  # noqa: E402


def main(kpis: int, days: int) -> None:
    call_command("migrate", verbosity=0)  # a fresh benchmark database works too
    _clean_up()
    team = Team.objects.create(slug="bench-scores", name="Bench scores")
    strategy_map = StrategyMap.objects.create(
        team=team, title="Bench", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    scorecard = services.scorecard_create(team=team, strategy_map=strategy_map, title="Bench", frequency="month")
    perspectives = list(scorecard.perspectives.all())
    tz = ZoneInfo(team.timezone)
    points = []
    for index in range(kpis):
        metric = Metric.objects.create(team=team, key=f"m{index}", name=f"M{index}", source=Source.IMPORT)
        kpi = services.kpi_create(
            perspective=perspectives[index % 4], name=f"KPI {index}", metric=metric, aggregation="sum"
        )
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=100, red_flag=50
        )
        for day in range(days):
            ts = datetime(2027, 1, 1, tzinfo=tz) + timedelta(days=day)
            points.append(PointIn(metric_id=metric.pk, ts=ts, value=float(day % 7)))
    datapoints_upsert(points=points, source=Source.IMPORT)
    for label in ("2027-03", "2027-Q2", "2027"):
        period = parse_period(label)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            for _ in range(5):
                evaluate_scorecard(scorecard=scorecard, period=period)
            elapsed = (time.perf_counter() - started) / 5
        print(f"{label}: {kpis} KPIs, {days} days of points: {elapsed * 1000:.1f} ms, {len(queries) // 5} queries")
    _clean_up()


def _clean_up() -> None:
    # Scorecards first: they protect their strategy map, and their KPIs protect the metrics.
    Scorecard.objects.filter(team__slug="bench-scores").delete()
    Team.objects.filter(slug="bench-scores").delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 48, int(sys.argv[2]) if len(sys.argv) > 2 else 365)

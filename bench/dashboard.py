"""Dashboard speed and page weight on the large data set (issue 6): prints times, app/raw ratios, queries, bytes.

Usage: DATABASE_URL=postgres://... .venv/bin/python bench/dashboard.py [--requests 15]

Loads `seed_demo --large` (50 teams x 48 KPIs x 3 years of daily points) when the `large` team is missing,
then measures in-process (Django test Client, the `manager` user force-logged-in, N requests after warm-up)
the median server time of the scorecard dashboard of one large team, the perspective dashboard (when its URL
exists), the scores endpoint and /portfolio/ (the manager sees every large team), next to the median time of
one hand-written SQL query that aggregates the period's points per metric for the KPIs those pages read.
Bytes: the HTML gzip-compressed plus the CSS/JS it references (and the fonts those style sheets load),
gzip-compressed from the static files, for a first load; only the HTML for a repeat load (static files have
hashed names and far-future cache headers in production, so browsers keep them).
"""

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard_site.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from scorecard.models import KPI, Scorecard  # noqa: E402
from scorecard.periods import last_periods, period_containing  # noqa: E402
from teams.models import Team  # noqa: E402

GOAL_DASHBOARD_MS = 50
GOAL_PORTFOLIO_MS = {50: 200, 500: 1000}  # teams -> median ms
GOAL_FIRST_LOAD = 1.5 * 1024 * 1024
GOAL_REPEAT_LOAD = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(?P<url>[^"]+\.(?:css|js))"')
CSS_URL = re.compile(r"url\(\s*['\"]?(?P<url>[^'\")?#]+\.woff2)")


def median_ms(function: Callable[[], object], requests: int, warm_up: int = 2) -> float:
    for _ in range(warm_up):
        function()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_bytes(html: str) -> tuple[int, list[str]]:
    """Gzip size of the CSS/JS the page references and the woff2 fonts those style sheets load."""
    total, names, seen = 0, [], set()
    for match in ASSET.finditer(html):
        url = match.group("url")
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix) or url in seen:
            continue
        seen.add(url)
        path = finders.find(url[len(prefix) :])
        if not path:
            continue
        data = Path(str(path)).read_bytes()
        total += gz(data)
        names.append(f"{url} {gz(data) / 1024:.0f} KB")
        if url.endswith(".css"):
            for font in CSS_URL.finditer(data.decode("utf-8", "replace")):
                font_path = (Path(str(path)).parent / font.group("url")).resolve()
                if font_path.exists() and str(font_path) not in seen:
                    seen.add(str(font_path))
                    size = gz(font_path.read_bytes())
                    total += size
                    names.append(f"{font_path.name} {size / 1024:.0f} KB")
    return total, names


def raw_aggregate_ms(metric_ids: list[int], ranges: list[tuple], requests: int) -> float:
    """One hand-written query: the period's points aggregated per metric (and per range when several)."""
    cases = " ".join(f"WHEN ts >= %s AND ts < %s THEN {i}" for i in range(len(ranges)))
    sql = (
        f"SELECT metric_id, CASE {cases} END AS bucket, SUM(value), AVG(value), MIN(value), MAX(value), COUNT(*), "  # noqa: S608 - only range numbers are formatted in, every value is a parameter
        "MAX(ts) FROM metrics_datapoint WHERE metric_id = ANY(%s) AND ts >= %s AND ts < %s GROUP BY 1, 2"
    )
    params = [bound for start_end in ranges for bound in start_end]
    params += [metric_ids, min(r[0] for r in ranges), max(r[1] for r in ranges)]

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return median_ms(run, requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--teams", type=int, default=50, help="load the large set up to this many teams (default 50)")
    parser.add_argument("--years", type=int, default=3, help="years of daily points when loading (default 3)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Warning: not PostgreSQL (set DATABASE_URL); the goals are for PostgreSQL.")
    call_command("migrate", verbosity=0)  # a fresh benchmark database works too
    if Team.objects.filter(parent__slug="large").count() < args.teams:
        print(f"Loading the large data set (seed_demo --large --teams {args.teams} --years {args.years})...")
        call_command("seed_demo", "--large", "--teams", str(args.teams), "--years", str(args.years))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    manager = get_user_model().objects.get(username="manager")
    client = Client()
    client.force_login(manager)
    scorecard = Scorecard.objects.select_related("team").get(team__slug="large-01")
    team = scorecard.team
    period = period_containing(timezone.localdate(), scorecard.frequency)
    query = f"?period={period.label}"
    pages: list[tuple[str, str | None]] = [
        ("scorecard dashboard", reverse("scorecard:scorecard-detail", args=[team.slug, scorecard.pk]) + query),
        ("perspective dashboard", _perspective_url(team.slug, scorecard)),
        ("KPI page", _kpi_url(team.slug, scorecard)),
        ("scores endpoint", reverse("scorecard:api-scores", args=[team.slug, scorecard.pk]) + query),
        ("portfolio (all teams)", reverse("scorecard:portfolio") + query),
    ]
    zone = ZoneInfo(team.timezone)
    team_metrics = list(
        KPI.objects.filter(perspective__scorecard=scorecard, metric__isnull=False).values_list("metric_id", flat=True)
    )
    visible_scorecards = Scorecard.objects.filter(team__parent__slug="large")
    all_metrics = list(
        KPI.objects.filter(perspective__scorecard__in=visible_scorecards, metric__isnull=False).values_list(
            "metric_id", flat=True
        )
    )
    one_period = [period.bounds(zone)]
    trend = [p.bounds(zone) for p in last_periods(period, 12)]
    raw_team = raw_aggregate_ms(team_metrics, one_period, args.requests)
    raw_all = raw_aggregate_ms(all_metrics, one_period, args.requests)
    raw_all_trend = raw_aggregate_ms(all_metrics, trend, args.requests)
    print(
        f"Large data set: {Team.objects.filter(parent__slug='large').count()} teams, {len(all_metrics)} KPIs with a "
        f"metric; period {period.label}; {args.requests} requests per page after 2 warm-up requests.\n"
        f"Raw SQL aggregate (one GROUP BY query): one team's {len(team_metrics)} metrics {raw_team:.1f} ms; "
        f"all {len(all_metrics)} metrics {raw_all:.1f} ms; all metrics x 12 periods {raw_all_trend:.1f} ms.\n"
    )
    print(
        f"{'page':24} {'median ms':>10} {'raw ms':>8} {'app/raw':>8} {'queries':>8} {'first KB':>9} {'repeat KB':>10}"
    )
    for label, address in pages:
        if address is None:
            print(f"{label:24} skipped (no URL named scorecard:perspective-dashboard yet)")
            continue
        reset_queries()  # the query log is capped; start each count from an empty one
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        if response.status_code != 200:
            print(f"{label:24} HTTP {response.status_code}, skipped")
            continue
        elapsed = median_ms(lambda address=address: client.get(address), args.requests)
        raw = raw_all_trend if label.startswith("portfolio") else raw_team  # what the page would cost from raw points
        html = response.content
        html_gz = gz(html)
        assets, names = (0, [])
        if response["Content-Type"].startswith("text/html"):
            assets, names = static_bytes(html.decode("utf-8"))
        first, repeat = html_gz + assets, html_gz
        print(
            f"{label:24} {elapsed:10.1f} {raw:8.1f} {elapsed / raw:8.1f} {len(queries):8d} "
            f"{first / 1024:9.0f} {repeat / 1024:10.1f}"
        )
        if label.startswith("portfolio"):
            teams = Team.objects.filter(parent__slug="large").count()
            goal = GOAL_PORTFOLIO_MS[50 if teams <= 50 else 500]
            print(f"{'':24} goal median < {goal} ms at {teams} teams: {'met' if elapsed < goal else 'NOT met'}")
        if label == "scorecard dashboard":
            verdict = "met" if elapsed < GOAL_DASHBOARD_MS else "NOT met"
            print(f"{'':24} goal median < {GOAL_DASHBOARD_MS} ms: {verdict}; ", end="")
            print(
                f"first load < 1.5 MB: {'met' if first < GOAL_FIRST_LOAD else 'NOT met'}; "
                f"repeat < 100 KB: {'met' if repeat < GOAL_REPEAT_LOAD else 'NOT met'}"
            )
            print(f"{'':24} assets (gzip): {', '.join(names)}")
    print(
        "\nraw = the one-period aggregate of the team's metrics; for the portfolio, all metrics x 12 periods "
        "(the heatmap's period and the trend's 11 before it)."
    )


def _kpi_url(team_slug: str, scorecard: Scorecard) -> str:
    kpi = KPI.objects.filter(perspective__scorecard=scorecard).order_by("perspective__order", "order", "pk").first()
    assert kpi is not None
    return reverse("scorecard:kpi-detail", args=[team_slug, kpi.pk])


def _perspective_url(team_slug: str, scorecard: Scorecard) -> str | None:
    """The perspective dashboard's URL if that page exists (it is built in parallel); None otherwise."""
    perspective = scorecard.perspectives.order_by("order").first()
    if perspective is None:
        return None
    for args in (
        [team_slug, scorecard.pk, perspective.key],
        [team_slug, scorecard.pk, perspective.pk],
        [team_slug, perspective.pk],
    ):
        try:
            return reverse("scorecard:perspective-dashboard", args=args)
        except NoReverseMatch:
            continue
    return None


if __name__ == "__main__":
    main()

"""Every page and endpoint shows the same numbers for the same KPI and period, and none of them grows in queries
with the number of teams or the years of history (they read the maintained aggregates)."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import load_workbook

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert
from scorecard import services
from scorecard.evaluation import current_period, evaluate_scorecard
from scorecard.services.digest import digest_send
from strategy.models import StrategyMap
from teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_leads(scorecard, perspective, make_metric, success_factor, users):
    """1 lead in the running month against 1,000 a month (red flag 500): red on any day, also judged on pace."""
    today = timezone.localdate()
    kpi = services.kpi_create(
        perspective=perspective, name="Leads", metric=make_metric("leads"), unit="leads", aggregation="sum",
        owner=users["editor"], success_factor=success_factor,
    )  # fmt: skip
    start, end = date(today.year - 1, 1, 1), date(today.year + 1, 12, 31)
    services.target_create(kpi=kpi, period_start=start, period_end=end, goal=1000, red_flag=500)
    datapoints_upsert(points=[PointIn(kpi.metric_id, timezone.now() - timedelta(minutes=1), 1.0)], source=Source.API)
    return kpi


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_every_page_and_endpoint_shows_the_same_numbers_for_a_kpi_and_period(client_for, scorecard, red_leads):
    period = current_period(scorecard)
    reference = next(i for p in evaluate_scorecard(scorecard=scorecard, period=period).perspectives for i in p.kpis)
    assert reference.status == "red" and reference.in_progress
    goal, score, label = round(reference.goal, 0), round(reference.score, 2), "Behind pace"
    client = client_for("viewer")
    team, query = scorecard.team.slug, f"?period={period.label}"

    api = client.get(reverse("scorecard:api-scores", args=[team, scorecard.pk]) + query).json()
    item = next(k for p in api["perspectives"] for k in p["kpis"] if k["id"] == red_leads.pk)
    assert (item["actual"], item["goal"], item["score"], item["status"], item["in_progress"]) == (
        1.0, pytest.approx(reference.goal), score, "red", True,
    )  # fmt: skip

    exported = client.get(reverse("scorecard:scorecard-export-csv", args=[team, scorecard.pk]) + query)
    rows = csv.DictReader(io.StringIO(exported.content.decode()))
    row = next(r for r in rows if r["kpi"] == "Leads")
    assert (float(row["actual"]), float(row["goal"]), float(row["score"]), row["status"], row["in_progress"]) == (
        1.0, pytest.approx(reference.goal), score, "red", "true",
    )  # fmt: skip

    workbook = client.get(reverse("scorecard:scorecard-export-xlsx", args=[team, scorecard.pk]) + query)
    book = load_workbook(io.BytesIO(workbook.content))
    sheet = next(s for s in book.worksheets if s.cell(row=2, column=1).value == "Leads")
    assert [sheet.cell(row=2, column=c).value for c in (3, 4, 6, 7)] == [
        1.0,
        pytest.approx(reference.goal),
        score,
        label,
    ]

    pages = {
        "dashboard": reverse("scorecard:scorecard-detail", args=[team, scorecard.pk]) + query,
        "perspective": reverse("scorecard:perspective-dashboard", args=[team, scorecard.pk, "customer"]) + query,
        "report": reverse("scorecard:scorecard-report", args=[team, scorecard.pk]) + query,
        "kpi page": red_leads.get_absolute_url(),
        "portfolio": reverse("scorecard:portfolio") + query,
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert label in html, name
        goals = [_number(g) for g in re.findall(r"([0-9][0-9,.]*)\s*leads", html)]
        assert goal in goals or pytest.approx(reference.goal, abs=0.01) in goals, name  # the goal, with its unit
        assert "In progress" in html or name == "kpi page", name

    map_statuses = import_string(settings.STRATEGY_MAP_STATUSES)  # the strategy map's colours
    assert map_statuses(strategy_map=scorecard.strategy_map, period=period.label).factors == {
        red_leads.success_factor_id: ["red"]
    }

    digest_send()  # the owner hears that it turned red
    assert any("KPIs that turned red" in m.body and "Leads" in m.body for m in mail.outbox)


def _teams(count, years, *, viewer):
    """`count` teams under one parent, each with a scorecard of 4 KPIs and `years` of daily points."""
    parent, _ = Team.objects.get_or_create(slug="holding", defaults={"name": "Holding"})
    Membership.objects.get_or_create(user=viewer, team=parent, defaults={"role": Role.VIEWER})
    today = timezone.localdate()
    for index in range(Team.objects.filter(parent=parent).count(), count):
        team = Team.objects.create(slug=f"unit-{index}", name=f"Unit {index}", parent=parent)
        strategy_map = StrategyMap.objects.create(
            team=team, title="Plan", period_start=date(today.year - years, 1, 1), period_end=date(today.year, 12, 31),
            status="active",
        )  # fmt: skip
        card = services.scorecard_create(team=team, strategy_map=strategy_map, title="Card", frequency="month")
        for number, aggregation in enumerate(("sum", "avg", "last", "max")):
            metric = Metric.objects.create(team=team, key=f"m{number}", name=f"M{number}")
            kpi = services.kpi_create(
                perspective=card.perspectives.order_by("order")[number], name=f"K{number}", metric=metric,
                aggregation=aggregation,
            )  # fmt: skip
            start = date(today.year - years, 1, 1)
            services.target_create(
                kpi=kpi, period_start=start, period_end=date(today.year, 12, 31), goal=10, red_flag=5
            )
    points = []
    for metric in Metric.objects.filter(team__parent=parent):
        days = range(0, 365 * years, 7)
        points += [PointIn(metric.pk, timezone.now() - timedelta(days=d), float(d % 13)) for d in days]
    datapoints_upsert(points=points, source=Source.API)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_portfolio_takes_as_many_queries_for_20_teams_as_for_2(client_for, users):
    client = client_for("viewer")
    _teams(2, 1, viewer=users["viewer"])
    few = _queries(client, reverse("scorecard:portfolio"))
    _teams(20, 1, viewer=users["viewer"])
    assert _queries(client, reverse("scorecard:portfolio")) == few


@pytest.mark.parametrize("page", ["dashboard", "perspective", "kpi", "scores", "portfolio"])
def test_pages_take_as_many_queries_for_3_years_of_points_as_for_1(
    client_for, users, page, django_capture_on_commit_callbacks
):
    client = client_for("viewer")
    _teams(2, 1, viewer=users["viewer"])
    team = Team.objects.get(slug="unit-0")
    card = team.scorecards.get()
    kpi = card.perspectives.get(order=0).kpis.get()
    url = {
        "dashboard": reverse("scorecard:scorecard-detail", args=[team.slug, card.pk]),
        "perspective": reverse("scorecard:perspective-dashboard", args=[team.slug, card.pk, "customer"]),
        "kpi": kpi.get_absolute_url(),
        "scores": reverse("scorecard:api-scores", args=[team.slug, card.pk]),
        "portfolio": reverse("scorecard:portfolio"),
    }[page]
    one_year = _queries(client, url)
    earlier = range(365, 3 * 365, 5)  # two more years of points before the first one
    points = [PointIn(m.pk, timezone.now() - timedelta(days=d), 1.0) for m in Metric.objects.all() for d in earlier]
    with django_capture_on_commit_callbacks(execute=True):  # as at a commit: cached results are forgotten
        datapoints_upsert(points=points, source=Source.API)
    assert _queries(client, url) == one_year

"""The print report in a real Chromium: charts drawn, no navigation in print, one perspective per PDF page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert
from scorecard import services
from scorecard.tests.conftest import local
from strategy.models import StrategyMap

pytestmark = pytest.mark.browser

SCREENSHOT = "test-results/report-print-preview.png"


@pytest.fixture
def report_url(transactional_db, users, org):
    team = org["social"]
    strategy_map = StrategyMap.objects.create(
        team=team, title="Map", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), status="active"
    )
    scorecard = services.scorecard_create(team=team, strategy_map=strategy_map, title="Social 2027", frequency="month")
    for index, perspective in enumerate(scorecard.perspectives.all()):
        metric = Metric.objects.create(team=team, key=f"m{index}", name=f"M{index}", source=Source.IMPORT)
        points = [
            PointIn(metric_id=metric.pk, ts=local(2027, month, 10), value=float(month * (index + 1)))
            for month in range(1, 4)
        ]
        datapoints_upsert(points=points, source=Source.IMPORT)
        kpi = services.kpi_create(perspective=perspective, name=f"KPI {index}", metric=metric)
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=6, red_flag=3
        )
    return reverse("scorecard:scorecard-report", args=[team.slug, scorecard.pk]) + "?period=2027-03"


def test_the_report_prints_one_perspective_per_page_with_its_charts(signed_in_page, report_url, axe_check):
    page = signed_in_page("viewer")
    page.goto(report_url)
    page.wait_for_selector("#main .sc-chart .main-svg")
    assert page.locator(".sc-chart .main-svg").count() >= 4  # plotly drew every KPI chart
    axe_check(page)
    page.emulate_media(media="print")
    assert not page.locator(".sc-navbar").is_visible()
    assert not page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 5  # the summary, then each of the four perspectives on a page of its own


def test_the_portfolio_draws_its_charts_and_passes_axe(signed_in_page, report_url, axe_check):
    page = signed_in_page("parent_viewer")
    page.goto(reverse("scorecard:portfolio") + "?period=2027-03")
    page.wait_for_selector("[data-figure-id='portfolio-heatmap'] .main-svg")
    page.wait_for_selector("[data-figure-id='portfolio-trend'] .main-svg")
    assert page.get_by_role("table").first.is_visible()
    axe_check(page)
    page.get_by_role("link", name="Next period").click()
    assert page.url.endswith("?period=2027-04")


def test_the_portfolio_fits_a_phone_width(signed_in_page, report_url):
    page = signed_in_page("parent_viewer", viewport={"width": 390, "height": 844})
    page.goto(reverse("scorecard:portfolio") + "?period=2027-03")
    page.wait_for_selector("[data-figure-id='portfolio-heatmap'] .main-svg")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

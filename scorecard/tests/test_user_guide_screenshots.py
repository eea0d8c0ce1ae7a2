"""The screenshots of docs/user-guide.md, taken on the demo data in a real browser.

Run only on request, so that ordinary test runs leave docs/img/ alone:

    SCORECARD_DOC_SHOTS=1 .venv/bin/pytest -p no:xdist scorecard/tests/test_user_guide_screenshots.py
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scorecard.models import KPI, Scorecard
from strategy.models import StrategyMap

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("SCORECARD_DOC_SHOTS") != "1", reason="set SCORECARD_DOC_SHOTS=1 to retake"),
]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
VIEWPORT = {"width": 1280, "height": 800}
CSV = "metric;ts;value\nrevenue;01-03-2026;2150,50\nrevenue;02-03-2026;2198,75\nrevenue;03-03-2026;2240\n"


def shoot(page: Page, name: str) -> None:
    """The visible part of the page (1280x800), once the charts on it have drawn.

    Lazy charts (the dashboard's sparklines) draw only near the screen: those further down are not waited for.
    """
    for chart in page.locator("[data-figure-id]").all():
        if chart.get_attribute("data-chart-lazy") is not None and not chart.evaluate(
            "element => element.getBoundingClientRect().top < window.innerHeight"
        ):
            continue
        expect(chart.locator("svg.main-svg").first).to_be_visible()
    page.mouse.move(0, 0)  # no hover effects in the pictures
    page.screenshot(path=IMAGES / f"{name}.png", animations="disabled", caret="hide")


def test_user_guide_screenshots(demo, signed_in_page, tmp_path):
    IMAGES.mkdir(parents=True, exist_ok=True)
    strategy_map = StrategyMap.objects.filter(team__slug="acme-social", status=StrategyMap.Status.ACTIVE).first()
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    assert strategy_map is not None
    revenue = KPI.objects.get(perspective__scorecard=scorecard, name="Revenue from social")
    response_time = KPI.objects.get(perspective__scorecard=scorecard, name="Response time")
    map_url = strategy_map.get_absolute_url()

    # The marketer (editor of Acme Retail / Social Media).
    page = signed_in_page("marketer", viewport=VIEWPORT)
    page.goto("/t/acme-social/")
    shoot(page, "team-home")
    page.goto("/t/acme-social/strategy/new/")
    shoot(page, "strategy-new")
    page.goto(map_url + "objectives/")
    shoot(page, "strategy-objectives")
    page.goto(map_url + "links/")
    shoot(page, "strategy-links")
    page.goto(map_url)
    page.get_by_role("heading", name="The map").scroll_into_view_if_needed()
    shoot(page, "strategy-map")
    page.goto(f"/t/acme-social/scorecards/new/?strategy_map={strategy_map.pk}")
    shoot(page, "scorecard-new")
    page.goto(scorecard.get_absolute_url())
    shoot(page, "scorecard")  # the scorecard dashboard: overall gauge, then the perspectives in a grid
    page.get_by_role("region", name="Customer").get_by_role("link", name="Customer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Customer")
    shoot(page, "perspective")
    page.goto(scorecard.get_absolute_url())
    page.get_by_role("link", name="Report and exports").click()
    shoot(page, "report")
    page.goto(f"/t/acme-social/perspectives/{revenue.perspective_id}/kpis/new/")
    shoot(page, "kpi-new")
    page.goto(f"/t/acme-social/kpis/{revenue.pk}/targets/new/")
    shoot(page, "target-new")
    page.goto(revenue.get_absolute_url())
    page.get_by_role("heading", name="Enter a value").scroll_into_view_if_needed()
    shoot(page, "kpi-enter-value")

    upload = tmp_path / "revenue-march.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto("/t/acme-social/metrics/import/")
    shoot(page, "csv-upload")
    page.get_by_label("CSV file").set_input_files(upload)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("button", name="Import these rows")).to_be_visible()
    shoot(page, "csv-preview")
    page.get_by_role("button", name="Import these rows").click()  # Celery runs eagerly in tests: done at once
    expect(page.get_by_role("status")).to_contain_text("Imported 3 rows")
    shoot(page, "csv-done")

    # The manager (viewer of Acme Retail and the teams below it).
    page = signed_in_page("manager", viewport=VIEWPORT)
    page.goto("/portfolio/")
    shoot(page, "portfolio")
    page.goto(scorecard.get_absolute_url())
    shoot(page, "manager-scorecard")
    page.goto(response_time.get_absolute_url())
    shoot(page, "manager-kpi")

    too_big = {path.name: path.stat().st_size for path in IMAGES.glob("*.png") if path.stat().st_size > 200_000}
    assert not too_big, f"screenshots over 200 KB: {too_big}"

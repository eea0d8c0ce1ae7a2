"""The scorecard dashboard in a real browser: it draws its charts, reads at 1366x768 and on a phone, passes axe."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scorecard.models import KPI, Scorecard

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")  # a folder: keep screenshots to look at the layout


def keep_screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("viewport", "name"), [(None, "desktop"), (PHONE, "phone")])
def test_the_dashboard_draws_its_charts_and_passes_axe(demo, signed_in_page, axe_check, viewport, name):
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    kpis = KPI.objects.filter(perspective__scorecard=scorecard).count()
    page = signed_in_page("manager", **({"viewport": viewport} if viewport else {}))

    page.goto(scorecard.get_absolute_url())

    expect(page.locator(".sc-chart-gauge svg.main-svg").first).to_be_visible()
    expect(page.locator(".sc-chart-spark svg.main-svg").first).to_be_attached()
    expect(page.locator(".sc-chart-spark")).to_have_count(kpis)
    # Sparklines are drawn as they come near the screen: scroll down step by step, then every one has its line.
    for _ in range(12):
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    expect(page.locator(".sc-chart-spark .scatterlayer .trace")).not_to_have_count(0)
    page.wait_for_function(f"document.querySelectorAll('.sc-chart-spark .scatterlayer').length === {kpis}")
    assert page.locator(".sc-chart-spark .scatterlayer .trace").count() >= kpis  # each has its line
    assert page.locator(".sc-chart-gauge .barlayer .trace").count() == 2
    expect(page.get_by_role("heading", name="Customer")).to_be_visible()
    # A phone shows the perspectives one below the other, a laptop side by side.
    boxes = [card.bounding_box() for card in page.locator("section[aria-labelledby^=perspective-]").all()[:2]]
    assert (boxes[1]["y"] > boxes[0]["y"]) if name == "phone" else (boxes[1]["y"] == boxes[0]["y"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    keep_screenshot(page, f"dashboard-{name}")
    axe_check(page)

    page.get_by_role("link", name="Customer", exact=True).click()
    expect(page.locator(".sc-chart svg.main-svg").first).to_be_visible()
    expect(page.locator(".sc-chart .scatterlayer .trace").first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    keep_screenshot(page, f"perspective-{name}")
    axe_check(page)

    page.get_by_role("link", name="Followers").first.click()
    expect(page.locator(".sc-chart-big svg.main-svg").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    keep_screenshot(page, f"kpi-{name}")
    axe_check(page)


def test_choosing_a_period_in_the_list_shows_it(demo, signed_in_page):
    scorecard = Scorecard.objects.get(team__slug="acme-social")
    page = signed_in_page("manager")
    page.goto(scorecard.get_absolute_url())
    choice = page.locator("#period-select option").nth(3).get_attribute("value")

    with page.expect_navigation():
        page.locator("#period-select").select_option(choice)

    assert page.url.endswith(f"?period={choice}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(choice)


def test_a_unit_that_looks_like_markup_is_drawn_as_plain_text(demo, signed_in_page):
    unit = '<a href="//x">Evil</a><b>bold</b>%{x}'
    kpi = KPI.objects.filter(perspective__scorecard__team__slug="acme-social", metric__isnull=False).first()
    KPI.objects.filter(pk=kpi.pk).update(unit=unit)
    page = signed_in_page("manager")

    page.goto(kpi.get_absolute_url())

    title = page.locator(".sc-chart-big .g-ytitle text")
    expect(title).to_have_text(unit)  # plotly shows what was typed, tags and placeholder included
    assert page.locator(".sc-chart-big svg a").count() == 0  # and makes no link of it

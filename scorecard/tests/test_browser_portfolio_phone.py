"""The portfolio on a phone (390 px): the page never scrolls sideways (wide tables scroll in their own box), the
heatmap's team and perspective names are not cut off, the trend's legend does not cover its axis labels; axe clean.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The boxes of two sets of SVG elements overlap (a legend entry over an axis label, say).
OVERLAP = """([first, second]) => {
  const boxes = (selector) => [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
  return boxes(first).some((a) => boxes(second).some((b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
}"""
# Labels that reach outside their chart's box are clipped.
CLIPPED = """([chart, labels]) => {
  const box = document.querySelector(chart).getBoundingClientRect();
  return [...document.querySelectorAll(chart + " " + labels)].map((e) => e.getBoundingClientRect())
    .filter((l) => l.left < box.left - 0.5 || l.right > box.right + 0.5 || l.top < box.top - 0.5).length;
}"""


def test_the_portfolio_fits_a_phone_with_readable_charts(demo, signed_in_page, axe_check):
    page = signed_in_page("manager", viewport=PHONE)
    page.goto(reverse("scorecard:portfolio"))
    expect(page.locator("[data-figure-id=portfolio-heatmap] svg.main-svg").first).to_be_visible()
    expect(page.locator("[data-figure-id=portfolio-trend] .legend").first).to_be_attached()

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    for table in page.locator("main table").all():
        assert table.evaluate("t => t.closest('.table-responsive') !== null"), "a table scrolls in its own box"
    assert page.evaluate(CLIPPED, ["[data-figure-id=portfolio-heatmap]", ".ytick text"]) == 0, "team names are cut off"
    assert page.evaluate(CLIPPED, ["[data-figure-id=portfolio-heatmap]", ".xtick text"]) == 0, (
        "perspective names are cut off"
    )
    trend = "[data-figure-id=portfolio-trend]"
    assert not page.evaluate(OVERLAP, [f"{trend} .legend .traces", f"{trend} .xtick text"]), "legend over the x axis"
    assert not page.evaluate(OVERLAP, [f"{trend} .legend .traces", f"{trend} .g-ytitle"]), "legend over the y title"
    axe_check(page)

"""The drawn strategy map in a real browser: full width on a laptop, scrolling inside its own box on a phone."""

import pytest
from playwright.sync_api import expect

from strategy.models import Objective, ObjectiveLink, StrategyMap

pytestmark = pytest.mark.browser
KEYS = ["financial", "customer", "social_media", "organisation"]


def big_map() -> StrategyMap:
    """The demo map grown to 16 objectives (four per perspective) and 24 links."""
    strategy_map = StrategyMap.objects.filter(team__slug="acme-social", objectives__isnull=False).distinct().get()
    existing = list(strategy_map.objectives.all())
    for i in range(16 - len(existing)):
        Objective.objects.create(strategy_map=strategy_map, title=f"Extra objective number {i} with a long title")
    objectives = list(strategy_map.objectives.all())
    for i, objective in enumerate(objectives):
        objective.perspective = KEYS[i % 4]
        objective.save()
    ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).delete()
    pairs = [(c, e) for c in range(16) for e in range(16) if c % 4 == e % 4 + 1][:24]
    for cause, effect in pairs:
        ObjectiveLink.objects.create(cause=objectives[cause], effect=objectives[effect])
    return strategy_map


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_the_map_uses_the_full_width_on_a_laptop_and_scrolls_in_its_own_box_on_a_phone(demo, signed_in_page, axe_check):
    strategy_map = big_map()
    laptop = signed_in_page("manager", viewport={"width": 1366, "height": 900})
    laptop.goto(strategy_map.get_absolute_url())
    drawing = laptop.locator("svg.sc-strategy-map")
    expect(drawing).to_be_visible()
    assert drawing.locator("g.objective").count() == 16
    assert drawing.locator("path.link").count() == 24
    assert not page_scrolls_sideways(laptop)
    box = laptop.locator(".sc-map-scroll")
    main_width = laptop.evaluate("document.querySelector('main').clientWidth")
    assert drawing.bounding_box()["width"] >= 0.9 * main_width - 32  # full width of the page's content
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    problems = axe_check.problems(laptop)

    phone = signed_in_page("manager", viewport={"width": 390, "height": 844})
    phone.goto(strategy_map.get_absolute_url())
    expect(phone.locator("svg.sc-strategy-map")).to_be_visible()
    assert not page_scrolls_sideways(phone)
    assert phone.locator(".sc-map-scroll").evaluate("el => el.scrollWidth > el.clientWidth")  # its own scrollbar
    problems += axe_check.problems(phone)
    assert not problems, "\n".join(problems)


def test_the_period_picker_the_link_page_and_the_objectives_editor_are_accessible(demo, signed_in_page, axe_check):
    strategy_map = big_map()
    link = ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).first()
    page = signed_in_page("marketer")
    page.goto(strategy_map.get_absolute_url())
    picker = page.get_by_label("Statuses for")
    options = picker.locator("option").all_inner_texts()
    picker.select_option(options[1])
    expect(page).to_have_url(f"{strategy_map.get_absolute_url()}?period={options[1]}")
    expect(page.get_by_label("Statuses for")).to_have_value(options[1])
    problems = axe_check.problems(page)
    base = strategy_map.get_absolute_url()
    problems += axe_check.sweep(page, [f"{base}links/{link.pk}/", f"{base}objectives/"])
    assert not problems, "\n".join(problems)

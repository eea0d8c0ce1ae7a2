"""axe-core on every strategy map page and form."""

import pytest
from playwright.sync_api import expect

from strategy.models import ObjectiveLink, StrategyMap

pytestmark = pytest.mark.browser


def test_every_strategy_map_page_and_form_has_no_serious_accessibility_problems(demo, signed_in_page, axe_check):
    strategy_map = StrategyMap.objects.filter(team__slug="acme-social", objectives__isnull=False).first()
    assert strategy_map is not None
    assert ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).exists(), "the demo map has links"
    base = f"/t/acme-social/strategy/{strategy_map.pk}/"
    page = signed_in_page("marketer")

    problems = axe_check.sweep(
        page,
        [
            "/t/acme-social/strategy/",
            base,
            "/t/acme-social/strategy/new/",
            base + "edit/",
            base + "objectives/",
            base + "links/",
            base + "copy/",
            base + "delete/",
        ],
    )

    assert not problems, f"axe found {len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_map_form_with_errors_and_the_read_only_map_stay_accessible(demo, signed_in_page, axe_check):
    strategy_map = StrategyMap.objects.filter(team__slug="acme-social").first()
    assert strategy_map is not None
    page = signed_in_page("marketer")
    page.goto("/t/acme-social/strategy/new/")
    page.get_by_role("button", name="Create and add objectives").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    problems = axe_check.problems(page)

    viewer = signed_in_page("manager")
    viewer.goto(strategy_map.get_absolute_url())
    expect(viewer.get_by_role("link", name="Objectives and success factors")).to_have_count(0)
    problems += axe_check.problems(viewer)

    assert not problems, "\n".join(problems)

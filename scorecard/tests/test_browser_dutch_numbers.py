"""A Dutch browser: values and targets typed with a decimal comma and a thousands point are stored as meant."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from metrics.models import DataPoint
from scorecard.models import KPI, Target

pytestmark = pytest.mark.browser


def dutch_page(new_page) -> Page:
    """The marketer, signed in through the login form of a browser whose language is Dutch."""
    page = new_page(locale="nl-NL")
    # The two steps of the sign-in (who, then the password), found by field name: the sign-in's own texts are not
    # what this test is about.
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("marketer")
    with page.expect_navigation():
        page.locator("input[name=login]").press("Enter")
    page.locator("input[name=password]").fill("pw-marketer")
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    assert "/accounts/login/" not in page.url
    return page


def label(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def expect_decimal_text_input(field) -> None:
    expect(field).to_have_attribute("type", "text")
    expect(field).to_have_attribute("inputmode", "decimal")


def test_a_dutch_marketer_types_a_value_and_a_target_with_decimal_commas(demo, new_page, axe_check):
    kpi = KPI.objects.select_related("metric").get(name="Revenue from social")
    team = demo.teams["acme-social"]
    page = dutch_page(new_page)

    page.goto(f"/t/{team.slug}/kpis/{kpi.pk}/targets/new/")
    axe_check(page)
    goal, red_flag = page.get_by_label(label("Doel")), page.get_by_label(label("Rode vlag"))
    expect_decimal_text_input(goal)
    page.get_by_label(label("Vanaf")).fill("2098-01-01")
    page.get_by_label(label("Tot en met")).fill("2098-12-31")
    goal.fill("12.500,75")
    red_flag.fill("9000,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("De streefwaarde is toegevoegd.")).to_be_visible()
    target = Target.objects.get(kpi=kpi, period_start__year=2098)
    assert (target.goal, target.red_flag) == (12500.75, 9000.5)

    page.goto(f"/t/{team.slug}/targets/{target.pk}/edit/")
    expect(page.get_by_label(label("Doel"))).to_have_value("12500,75")  # shown back the Dutch way

    page.goto(f"/t/{team.slug}/kpis/{kpi.pk}/")
    today = datetime.now(ZoneInfo(team.timezone)).date()
    value = page.get_by_label(label("Waarde"))
    expect_decimal_text_input(value)
    page.get_by_label(label("Datum")).fill(today.isoformat())
    value.fill("1234,56")
    with page.expect_navigation():
        page.get_by_role("button", name="Waarde opslaan").click()
    expect(page.get_by_text("De waarde is opgeslagen.")).to_be_visible()
    axe_check(page)
    midnight = datetime(today.year, today.month, today.day, tzinfo=ZoneInfo(team.timezone))
    assert DataPoint.objects.get(metric=kpi.metric, ts=midnight).value == 1234.56

"""Journeys of a marketer starting from the template and bringing in a spreadsheet (axe-clean pages)."""

import pytest
from playwright.sync_api import expect

from scorecard.models import KPI, Scorecard
from strategy.models import StrategyMap

pytestmark = pytest.mark.browser

TEAM = "/t/acme-social"


def test_a_marketer_ticks_library_kpis_and_gets_a_scorecard_with_them(demo, signed_in_page, axe_check):
    page = signed_in_page("marketer")
    page.goto(f"{TEAM}/scorecards/")
    page.get_by_role("link", name="From the template").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social Media Scorecard template")
    assert not axe_check.problems(page)

    strategy_map = StrategyMap.objects.filter(team__slug="acme-social").first()
    page.get_by_label("Strategy map").select_option(str(strategy_map.pk))
    page.get_by_label("Title").fill("Started from the library")
    page.get_by_role("group", name="Customer").get_by_label("Reach").check()
    page.get_by_role("group", name="Financial").get_by_label("Cost per lead").check()
    page.get_by_role("button", name="Create the scorecard").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Started from the library")
    scorecard = Scorecard.objects.get(title="Started from the library")
    assert set(KPI.objects.filter(perspective__scorecard=scorecard).values_list("name", flat=True)) == {
        "Reach",
        "Cost per lead",
    }


def test_a_marketer_uploads_a_workbook_sees_the_problems_then_the_preview_and_imports_it(
    demo, signed_in_page, axe_check
):
    source = Scorecard.objects.filter(team__slug="acme-social").first()
    page = signed_in_page("marketer")
    workbook = page.request.get(f"{TEAM}/scorecards/{source.pk}/workbook.xlsx").body()

    page.goto(f"{TEAM}/scorecards/")
    page.get_by_role("link", name="Import from Excel").click()
    assert not axe_check.problems(page)
    strategy_map = source.strategy_map  # its success factors are the ones the KPIs name

    page.get_by_label("Strategy map").select_option(str(strategy_map.pk))
    page.get_by_label("Workbook (.xlsx)").set_input_files(
        files=[{"name": "points.xlsx", "mimeType": "text/csv", "buffer": b"metric,ts,value\n"}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    assert not axe_check.problems(page)

    page.get_by_label("Strategy map").select_option(str(strategy_map.pk))
    page.get_by_label("Workbook (.xlsx)").set_input_files(
        files=[{"name": "scorecard.xlsx", "mimeType": "application/octet-stream", "buffer": workbook}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("ready to import")
    assert not axe_check.problems(page)
    before = Scorecard.objects.count()
    page.get_by_role("button", name="Import this scorecard").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(source.title)
    assert Scorecard.objects.count() == before + 1

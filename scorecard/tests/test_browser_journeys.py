"""The main journeys of a marketer, a manager and an admin, in a real browser against the live server.

Elements are found by role, label and text (as a user finds them), so a richer dashboard keeps these passing.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from scorecard.models import KPI

# A status in words: "On target" / "Red flag" once a period has ended, "On pace" / "Behind pace" while it runs.
GREEN_WORDS = re.compile(r"^\s*(On target|On pace)\s*$")
RED_WORDS = re.compile(r"^\s*(Red flag|Behind pace)\s*$")

pytestmark = pytest.mark.browser

PERSPECTIVE_KPIS = [
    # perspective heading, KPI name, success factor it measures, goal, red flag
    ("Customer", "Questions answered", "Answer every question", 100, 50),
    ("Organisation", "Colleagues posting", "Train colleagues", 20, 10),
    ("Social media", "Video views", "Post video every week", 5000, 2000),
    ("Financial", "Orders from social", "Answer every question", 40, 20),
]


def field(page: Page, label: str):
    """A form field by its exact label; crispy-forms adds an asterisk to required ones."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def save(page: Page, name: str = "Save") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def perspective_section(page: Page, name: str):
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(name)}\b"))


def kpi_row(page: Page, kpi_name: str):
    """A KPI's entry on the scorecard dashboard: a list item in its perspective's card, led by the KPI's link."""
    main = page.get_by_role("main")
    return main.get_by_role("listitem").filter(has=page.get_by_role("link", name=kpi_name, exact=True))


def today_of(team_timezone: str) -> date:
    return datetime.now(ZoneInfo(team_timezone)).date()


def test_marketer_builds_a_strategy_map_and_its_scorecard_and_sees_a_kpi_on_target(demo, signed_in_page):
    page = signed_in_page("marketer")
    today = today_of(demo.teams["acme-social"].timezone)
    page.goto("/t/acme-social/")

    # The strategy map: mission first, then three objectives with success factors, then two links.
    page.get_by_role("link", name="Open strategy maps").click()
    page.get_by_role("link", name="New strategy map").click()
    field(page, "Title").fill("Social strategy (journey)")
    field(page, "Social media mission").fill("Be the shop people like to talk to, online and in store.")
    save(page, "Create and add objectives")
    expect(page.get_by_role("heading", level=1)).to_have_text("Objectives and success factors")

    objectives = [
        ("Happy customers", "Answer every question"),
        ("Skilled team", "Train colleagues"),
        ("Engaging content", "Post video every week"),
    ]
    previous = None
    for title, _factor in objectives:
        if previous is not None:  # a saved objective gets its success factor rows
            saved = page.get_by_role("group", name=f"Objective: {previous[0]}")
            saved.get_by_label("Title (new success factor)").first.fill(previous[1])
        # A new map offers one new objective per perspective; the first is the financial one.
        new_objective = page.get_by_role("group", name="New objective").first
        field(new_objective, "Title").fill(title)
        field(new_objective, "Description").fill(f"What “{title.lower()}” means for us this year.")
        save(page)
        expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("were saved")
        previous = (title, _factor)
    assert previous is not None
    page.get_by_role("group", name=f"Objective: {previous[0]}").get_by_label("Title (new success factor)").first.fill(
        previous[1]
    )
    save(page)

    page.get_by_role("link", name="Next: link the objectives by cause and effect").click()
    for cause, effect in [("Skilled team", "Happy customers"), ("Engaging content", "Happy customers")]:
        field(page, "Cause").select_option(label=cause)
        field(page, "Effect").select_option(label=effect)
        save(page, "Add link")
        expect(page.get_by_role("row").filter(has_text=cause)).to_contain_text(effect)

    page.get_by_role("link", name="Back to the map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social strategy (journey)")
    diagram = page.locator("svg.sc-strategy-map")
    expect(diagram).to_be_visible()
    expect(diagram.locator("g.objective")).to_have_count(3)
    expect(diagram.locator("path.link")).to_have_count(2)  # an arrow per link
    expect(diagram).to_contain_text("Engaging content")

    # Its scorecard, with a KPI and a target in each of the four perspectives.
    page.goto("/t/acme-social/")
    page.get_by_role("link", name="Open scorecards").click()
    page.get_by_role("link", name="New scorecard").click()
    field(page, "Strategy map").select_option(label="Social strategy (journey)")
    field(page, "Title").fill("Journey scorecard")
    save(page)
    # The dashboard's heading names the scorecard and the period it shows ("Journey scorecard · 2026-11").
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Journey scorecard\b"))
    scorecard_url = page.url

    first_year, last_year = today.year - 1, today.year + 1
    for perspective, name, factor, goal, red_flag in PERSPECTIVE_KPIS:
        page.goto(scorecard_url)
        perspective_section(page, perspective).get_by_role("link", name="KPI", exact=True).click()
        field(page, "Name").fill(name)
        field(page, "Success factor").select_option(label=factor)
        save(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)

        page.get_by_role("link", name="Target", exact=True).click()
        field(page, "From").fill(f"{first_year}-01-01")
        field(page, "Until").fill(f"{last_year}-12-31")
        field(page, "Goal").fill(str(goal))
        field(page, "Red flag").fill(str(red_flag))
        save(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.get_by_role("main")).not_to_contain_text("No targets yet")

    # A value typed in by hand on the last KPI's page ("Orders from social": goal 40, red flag 20).
    field(page, "Date").fill(today.isoformat())
    field(page, "Value").fill("45")
    save(page, "Save value")
    expect(page.get_by_text("The value was saved.")).to_be_visible()

    page.goto(scorecard_url)
    for perspective, name, *_rest in PERSPECTIVE_KPIS:
        expect(perspective_section(page, perspective)).to_contain_text(name)
    orders = kpi_row(page, "Orders from social")
    expect(orders).to_contain_text("45")
    status = orders.get_by_text(GREEN_WORDS).first  # the status (the forecast may say it too)
    expect(status).to_be_visible()
    expect(status).to_have_class(re.compile(r"success|green"))  # the word, and its colour
    expect(kpi_row(page, "Questions answered").get_by_text("No score", exact=True).first).to_be_visible()


def test_manager_follows_a_red_kpi_from_the_scorecard_to_its_page_and_cannot_edit(demo, signed_in_page):
    page = signed_in_page("manager")

    # The portfolio first: every team's scores side by side, and the red KPIs of them all.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio")
    scores = page.get_by_role("region", name="Scores per team and perspective")
    heatmap = scores.locator('[data-figure-id="portfolio-heatmap"]')
    expect(heatmap.locator("svg.main-svg").first).to_be_visible()
    expect(heatmap.locator(".heatmaplayer .hm image")).not_to_have_count(0)  # a heatmap draws one image per trace
    social = scores.get_by_role("row").filter(has=page.get_by_role("link", name="Social Media", exact=True))
    expect(social.get_by_role("link", name=re.compile(r"Social Media Scorecard"))).to_be_visible()
    red_kpis = page.get_by_role("region", name=re.compile(r"^Red KPIs\b"))
    red = red_kpis.get_by_role("row").filter(has=page.get_by_role("link", name="Response time", exact=True))
    expect(red).to_contain_text("Social Media Scorecard")
    expect(red.get_by_text(RED_WORDS).first).to_be_visible()
    red.get_by_role("link", name="Response time", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Response time")
    kpi_chart = page.get_by_role("main").locator(".sc-chart").first
    expect(kpi_chart.locator("svg.main-svg").first).to_be_visible()
    expect(kpi_chart.locator(".cartesianlayer .trace")).not_to_have_count(0)

    # Back on the portfolio, the scorecard's link opens its dashboard.
    page.go_back()
    social.get_by_role("link", name=re.compile(r"Social Media Scorecard")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social Media Scorecard")

    # A viewer reads; no edit buttons anywhere on the scorecard.
    main = page.get_by_role("main")
    for name in ["Edit", "Delete", "Action", "KPI"]:
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)

    # The print report, with the exports, is one click away for a viewer too.
    page.get_by_role("link", name="Report and exports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social Media Scorecard")
    for name in ["Excel", "CSV"]:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name="Back to the scorecard").click()

    response_time = kpi_row(page, "Response time")
    expect(response_time.get_by_text(RED_WORDS).first).to_be_visible()
    response_time.get_by_role("link", name="Response time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Response time")
    expect(main.get_by_text(RED_WORDS).first).to_be_visible()
    charts = main.locator("[data-figure-id]")
    for index in range(charts.count()):  # the KPI page's charts, once it has them, must have drawn
        chart = charts.nth(index)
        expect(chart.locator("svg.main-svg").first).to_be_visible()
        expect(chart.locator(".cartesianlayer .trace")).not_to_have_count(0)
    for name in ["Edit", "Delete", "Target", "Action"]:
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(main.get_by_role("button", name="Save value")).to_have_count(0)


def test_admin_creates_an_ingest_key_posts_values_and_the_scorecard_shows_them(demo, signed_in_page, live_server):
    team = demo.teams["acme-social"]
    revenue = KPI.objects.select_related("metric", "perspective__scorecard").get(
        perspective__scorecard__team=team, name="Revenue from social"
    )
    assert revenue.metric is not None
    page = signed_in_page("admin")
    page.goto(revenue.perspective.scorecard.get_absolute_url())
    posted_value = re.compile(r"16[,.]?500")
    expect(kpi_row(page, "Revenue from social")).not_to_contain_text(posted_value)

    page.goto("/t/acme-social/")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Finance export")
    page.get_by_label("Ingest data points").check()
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-api-key").inner_text().strip()

    answer = httpx.post(
        f"{live_server.url}/api/v1/teams/acme-social/datapoints/",
        headers={"Authorization": f"Api-Key {key}"},
        json={"points": [{"metric": revenue.metric.key, "ts": today_of(team.timezone).isoformat(), "value": 16500}]},
    )
    assert answer.status_code == 200, answer.text
    # Created, or updated on a month's last day (the demo types revenue in for that day).
    assert answer.json()["received"] == 1 and answer.json()["created"] + answer.json()["updated"] == 1

    page.goto(revenue.perspective.scorecard.get_absolute_url())
    row = kpi_row(page, "Revenue from social")
    expect(row).to_contain_text(posted_value)
    expect(row.get_by_text(GREEN_WORDS).first).to_be_visible()

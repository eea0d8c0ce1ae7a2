"""Journeys through the teams pages in a real browser (Chromium via Playwright), and axe-core on every page."""

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def team_names_listed(page) -> list[str]:
    return [name.strip() for name in page.locator("main .list-group-item > span:first-child").all_inner_texts()]


def test_manager_signs_in_sees_exactly_their_teams_and_opens_one(demo, page):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/teams/")

    page.get_by_label("Username").fill("manager")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill("pw-manager")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    assert team_names_listed(page) == ["Acme Retail", "Social Media", "Webshop"]
    page.get_by_role("main").get_by_role("link", name="Social Media").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media")
    expect(page.get_by_text("Part of")).to_contain_text("Acme Retail")


def test_a_baker_typing_an_acme_address_gets_the_styled_not_found_page(demo, signed_in_page):
    from scorecard.models import KPI

    kpi = KPI.objects.select_related("perspective__scorecard").get(
        perspective__scorecard__team__slug="acme-social", name="Response time"
    )
    page = signed_in_page("baker")

    for address in ["/t/acme-social/", kpi.perspective.scorecard.get_absolute_url(), kpi.get_absolute_url()]:
        response = page.goto(address)

        assert response is not None and response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_contain_text("Page not found")
        expect(page.locator("body")).not_to_contain_text("Social Media")
        expect(page.locator("body")).not_to_contain_text("Response time")
    # The page wears the site's look (Bootstrap loaded, navigation shown), not a bare error text.
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    go_home = page.get_by_role("link", name="Go to your teams")
    assert go_home.evaluate("link => getComputedStyle(link).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_admin_creates_an_api_key_uses_it_once_shown_and_revokes_it(demo, signed_in_page, live_server):
    page = signed_in_page("baker")
    page.goto("/t/bakery/")
    page.get_by_role("link", name="API keys").click()

    page.get_by_label("Name").fill("Oven sensor")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", name="Copy your new key now")).to_be_visible()
    key = page.locator("#new-api-key").inner_text().strip()
    endpoint = f"{live_server.url}/api/v1/teams/bakery/"
    headers = {"Authorization": f"Api-Key {key}"}

    answer = httpx.get(endpoint, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["name"] == "Bakery Brothers"

    page.goto(page.url)  # not reload(): that would post the form again and make a second key
    expect(page.get_by_role("heading", name="Copy your new key now")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(key)

    row = page.get_by_role("row").filter(has_text="Oven sensor")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row").filter(has_text="Oven sensor")).to_contain_text("revoked")
    assert httpx.get(endpoint, headers=headers).status_code == 401


def test_language_switch_in_the_menu_turns_the_page_dutch(demo, signed_in_page):
    page = signed_in_page("marketer")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Language").click()
    page.get_by_role("button", name="Nederlands").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url("/teams/")
    page.goto("/t/acme-social/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_repeated_wrong_passwords_lock_the_sign_in(demo, page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("marketer")
    page.get_by_role("button", name="Continue").click()
    for _ in range(3):
        page.get_by_label("Password").fill("not-my-password")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Too many failed sign-in attempts").count():
            break
        expect(page.get_by_role("main")).to_contain_text("The username and/or password you specified are not correct")

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("marketer")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill("pw-marketer")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()

    assert posted.value.status == 429
    expect(page.get_by_role("heading", name="Too many failed sign-in attempts")).to_be_visible()
    page.goto("/teams/")
    expect(page).to_have_url("/accounts/login/?next=/teams/")


SIGNED_IN_PAGES = [
    # path, expected status: every teams page an admin of Bakery Brothers can open
    ("/teams/", 200),
    ("/t/bakery/", 200),
    ("/t/bakery/settings/members/", 200),
    ("/t/bakery/settings/api-keys/", 200),
    ("/accounts/password_change/", 200),
    ("/t/acme/", 404),
]


def test_every_teams_page_has_no_serious_accessibility_problems(demo, signed_in_page, axe_check):
    page = signed_in_page("baker")
    problems = []
    for path, status in SIGNED_IN_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == status, path
        problems += axe_check.problems(page)
    assert not problems, "\n".join(problems)


def test_the_login_page_passes_axe_also_when_it_shows_errors(demo, page, axe_check):
    page.goto("/accounts/login/")
    axe_check(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    axe_check(page)

    page.get_by_label("Username").fill("baker")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The username and/or password you specified are not correct.")).to_be_visible()
    axe_check(page)


def test_on_a_phone_the_menu_folds_away_and_opens_to_the_teams(demo, signed_in_page, axe_check):
    page = signed_in_page("marketer", viewport={"width": 390, "height": 844})
    teams_menu = page.get_by_role("button", name="Teams", exact=True)
    expect(teams_menu).to_be_hidden()

    page.get_by_role("button", name="Toggle navigation").click()
    teams_menu.click()
    page.get_by_role("navigation").get_by_role("link", name="Social Media").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media")
    axe_check(page)

"""A marketer imports a spreadsheet export (semicolons, decimal commas) in a real browser."""

import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from metrics import import_services, tasks
from metrics.models import DataPoint

pytestmark = pytest.mark.browser

ROWS = 300


def dutch_excel_csv(team_timezone: str) -> str:
    """300 daily values up to yesterday as Dutch Excel saves them; yesterday's is "40,0"."""
    yesterday = datetime.now(ZoneInfo(team_timezone)).date() - timedelta(days=1)
    lines = ["metric;ts;value"]
    for offset in range(ROWS - 1, -1, -1):
        day = yesterday - timedelta(days=offset)
        lines.append(f"newsletter-signups;{day:%d-%m-%Y};{40 + offset % 9},{offset % 10}")
    return "\n".join(lines) + "\n"


def test_marketer_imports_a_csv_sees_the_preview_the_progress_bar_and_the_values(
    demo, signed_in_page, tmp_path, monkeypatch
):
    team = demo.teams["acme-social"]
    upload = tmp_path / "newsletter.csv"
    upload.write_text(dutch_excel_csv(team.timezone), encoding="utf-8")
    # The import waits for a worker, as in production: the test plays the worker once the progress bar shows.
    queued: list[int] = []
    monkeypatch.setattr(tasks, "import_datapoints", SimpleNamespace(delay=queued.append))
    page = signed_in_page("marketer")

    page.goto("/t/acme-social/metrics/")
    page.get_by_role("link", name="New metric").click()
    page.get_by_label(re.compile(r"^\s*Key")).fill("newsletter-signups")
    page.get_by_label(re.compile(r"^\s*Name")).fill("Newsletter sign-ups")
    page.get_by_label(re.compile(r"^\s*Source")).select_option(label="CSV import")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Newsletter sign-ups")

    page.goto("/t/acme-social/metrics/")
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label(re.compile(r"^\s*CSV file")).set_input_files(upload)
    page.get_by_role("button", name="Upload and preview").click()

    main = page.get_by_role("main")
    expect(main).to_contain_text(f"The file has {ROWS} data rows")
    expect(main).to_contain_text("Separator: semicolon")
    expect(page.get_by_role("row").filter(has_text="newsletter-signups").first).to_be_visible()
    assert not DataPoint.objects.filter(metric__key="newsletter-signups").exists(), "nothing written before confirming"

    page.get_by_role("button", name="Import these rows").click()
    progress = page.get_by_role("progressbar", name="Import progress")
    expect(progress).to_be_visible()
    assert len(queued) == 1

    import_services.import_job_run(job_id=queued[0])  # the worker; the page polls and shows the result

    expect(page.get_by_role("status")).to_contain_text(f"Imported {ROWS} rows: {ROWS} new data points", timeout=15_000)
    expect(progress).to_have_count(0)

    page.get_by_role("link", name="Back to metrics").click()
    page.get_by_role("link", name="Newsletter sign-ups").click()
    newest = page.get_by_role("row").nth(1)  # below the header: yesterday's value, decimal comma read as a point
    expect(newest).to_contain_text("40")
    expect(newest).to_contain_text("CSV import")
    chart = page.locator('[data-figure-id="metric-series"]')
    expect(chart.locator(".scatterlayer .trace")).not_to_have_count(0)
    assert DataPoint.objects.filter(metric__key="newsletter-signups").count() == ROWS


def test_team_admin_connects_an_x_account_in_a_real_browser(
    demo, signed_in_page, axe_check, httpserver, settings, live_server
):
    from metrics.models import Channel
    from metrics.tests.oauth_fakes import install

    install(httpserver, settings, "x")
    settings.SCORECARD_BASE_URL = live_server.url
    fake_origin = httpserver.url_for("/").rstrip("/")
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [*settings.SECURE_CSP["form-action"], fake_origin]}
    page = signed_in_page("baker")  # admin of Bakery Brothers
    page.goto("/t/bakery/channels/add/")
    page.get_by_role("link", name=re.compile("^X")).click()
    page.get_by_role("button", name="Connect with X").click()
    expect(page.get_by_role("heading", name="Pick the account to connect from X")).to_be_visible()
    axe_check(page)
    page.get_by_label(re.compile("@acme")).check()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.get_by_text("connected as @acme")).to_be_visible()
    assert Channel.objects.filter(team__slug="bakery", platform="x", oauth_provider="x").exists()

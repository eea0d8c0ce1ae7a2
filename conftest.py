"""Fixtures shared by every app's tests: named users on a team tree, clients, API keys."""

import io
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from rest_framework.test import APIClient

from teams.models import Membership, Role, Team
from teams.services import api_key_create


def _need(service: str, available: bool) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{service} is required on CI but is not configured or reachable.")
    pytest.skip(f"{service} is not configured (set {'DATABASE_URL' if service == 'PostgreSQL' else 'REDIS_URL'}).")


@pytest.fixture(autouse=True)
def _services_for_markers(request):
    if request.node.get_closest_marker("postgres"):
        _need("PostgreSQL", connection.vendor == "postgresql")
    if request.node.get_closest_marker("redis"):
        _need("Redis", bool(os.environ.get("REDIS_URL")))


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Dutch leaves Dutch active in its thread; code tested outside a request must not inherit it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org(db):
    """Acme (root) with a child team Social, and an unrelated team Other."""
    acme = Team.objects.create(name="Acme", slug="acme")
    social = Team.objects.create(name="Social", slug="social", parent=acme)
    other = Team.objects.create(name="Other", slug="other")
    return {"acme": acme, "social": social, "other": other}


@pytest.fixture
def team(org):
    return org["social"]


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str, *, team: Team | None = None, role: Role | None = None, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="pw-" + username, email=f"{username}@example.com", **extra
        )
        if team is not None and role is not None:
            Membership.objects.create(user=user, team=team, role=role)
        return user

    return make


@pytest.fixture
def users(org, make_user):
    """owner (admin), editor, viewer on Social; outsider on Other; parent_viewer on Acme."""
    return {
        "admin": make_user("owner", team=org["social"], role=Role.ADMIN),
        "editor": make_user("editor", team=org["social"], role=Role.EDITOR),
        "viewer": make_user("viewer", team=org["social"], role=Role.VIEWER),
        "outsider": make_user("outsider", team=org["other"], role=Role.ADMIN),
        "parent_viewer": make_user("parent_viewer", team=org["acme"], role=Role.VIEWER),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def client_for(client, users):
    """A Django test client signed in as one of the named users."""

    def signed_in(name: str):
        client.force_login(users[name])
        return client

    return signed_in


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_key_for():
    """A raw API key for a team with the given scopes."""

    def make(team: Team, *scopes: str) -> str:
        return api_key_create(team=team, name="test key", scopes=list(scopes) or ["read"])[1]

    return make


# --- Real-browser tests (Playwright driving Debian's Chromium) --------------------------------------------------
# Mark a test `@pytest.mark.browser` and use `page` / `signed_in_page` with `live_server`. One Chromium per pytest
# process (so one per xdist worker), a fresh browser context (cookies, storage) per test. A failing browser test
# leaves a screenshot in test-results/<test name>.png.

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "test-results"
DESKTOP = {"width": 1366, "height": 768}


def pytest_collection_modifyitems(config, items):
    """Browser tests run last in each worker: Playwright's event loop stays open once the browser has started."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing Chromium fails on CI and skips elsewhere."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required on CI for browser tests but {CHROMIUM} is missing.")
        pytest.skip(f"Chromium is not installed ({CHROMIUM}); `apt-get install chromium` to run browser tests.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; the ORM calls that tests make here
    # (fixtures, assertions) are still synchronous, so Django's async-safety check must not trip on it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _screenshot_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_") or "browser-test"


@pytest.fixture
def new_page(request, browser, live_server):
    """`new_page(viewport=..., locale=...)`: a page in a fresh browser context (no shared cookies) on the live server.

    A failing test leaves screenshots; a passing one still fails when the browser saw a JavaScript or console
    error (a CSP refusal, say) or a stylesheet, script, image or font that did not load.
    """
    contexts = []
    name = _screenshot_name(request.node.nodeid)
    for old in [SCREENSHOT_DIR / f"{name}.png", *SCREENSHOT_DIR.glob(f"{name}-[0-9]*.png")]:
        old.unlink(missing_ok=True)  # a screenshot in test-results/ always belongs to the last run

    problems: list[str] = []

    def open_page(*, viewport: dict | None = None, locale: str = "en-GB"):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or DESKTOP, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _watch_for_problems(page, problems)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for page in context.pages:
                suffix = f"-{number}" if number else ""
                page.screenshot(path=SCREENSHOT_DIR / f"{name}{suffix}.png", full_page=True)
    for context in contexts:
        context.close()
    if problems and report is not None and report.passed:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems))


def _watch_for_problems(page, problems: list[str]) -> None:
    """Collect JavaScript errors, console errors (CSP refusals...) and assets that failed to load."""

    def on_console(message) -> None:
        # A 4xx/5xx answer is logged as "Failed to load resource"; assets are checked below, pages by the tests.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error on {page.url}: {message.text}")

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type in {"stylesheet", "script", "image", "font"}:
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context, anonymous, on the live server (goto("/teams/") works)."""
    return new_page()


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the real login form; passwords follow the fixtures' rule `pw-<username>`."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or f"pw-{username}")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def signed_in_page(new_page):
    """`signed_in_page("marketer")`: a new page of a user who signed in through the login form."""

    def open_signed_in(username: str, password: str | None = None, **page_options):
        page = new_page(**page_options)
        sign_in(page, username, password)
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
        return page

    return open_signed_in


@pytest.fixture
def demo(transactional_db):
    """The demo data of `manage.py seed_demo` (Acme Retail, Bakery Brothers...); every password is `pw-<username>`."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    users = {}
    for user in get_user_model().objects.all():
        user.set_password(f"pw-{user.get_username()}")
        user.save(update_fields=["password"])
        users[user.get_username()] = user
    return SimpleNamespace(teams={team.slug: team for team in Team.objects.all()}, users=users)


class AxeCheck:
    """`axe_check(page)`: no serious or critical axe-core violations on the page as it is now.

    `axe_check.problems(page)` lists them instead, to check several pages and report them all at once.
    axe-core comes bundled with axe-playwright-python and runs through page.evaluate, which the CSP allows.
    """

    impacts = ("serious", "critical")

    def problems(self, page) -> list[str]:
        from axe_playwright_python.sync_playwright import Axe

        violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in self.impacts]
        return [
            f"{page.url}: {v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        ]

    def sweep(self, page, paths: list[str]) -> list[str]:
        """Open each path (each must answer 200) and list the problems of them all."""
        problems: list[str] = []
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
            problems += self.problems(page)
        return problems

    def __call__(self, page) -> None:
        problems = self.problems(page)
        assert not problems, f"axe found {len(problems)} accessibility problem(s):\n" + "\n".join(problems)


@pytest.fixture
def axe_check() -> AxeCheck:
    return AxeCheck()

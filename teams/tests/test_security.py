"""Security settings users rely on: secure cookies and a strict CSP in production, CSP on every page, keys only
in the header. Pages and operations are found from the URL resolver and the OpenAPI schema, not a hand list."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from teams.tests.test_health_and_settings import run_django
from teams.tests.test_tenant_isolation import KWARG_FACTORIES, TEAM_PATTERNS, fill_api_path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-only-for-this-settings-test-0123456789",
    "ALLOWED_HOSTS": "scorecard.example.com",
}
PUBLIC_PAGES = ["login", "password_reset", "api-docs", "api-redoc"]
SIGNED_IN_PAGES = ["teams:team-list", "password_change"]


def production_setting(*names: str) -> dict:
    code = "import json; from django.conf import settings; print(json.dumps({n: getattr(settings, n) for n in %r}))"
    result = run_django("shell", "-c", code % (names,), **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_session_and_csrf_cookies_are_secure_and_http_only_in_production():
    values = production_setting(
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT"
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
    }


def test_production_csp_runs_only_our_own_script_files():
    csp = production_setting("SECURE_CSP")["SECURE_CSP"]
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]


class _InlineScripts(HTMLParser):
    """Counts <script> elements with code in the page (the CSP would block them)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline = 0
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self._in_inline = tag == "script" and "src" not in attributes and attributes.get("type") != "application/json"

    def handle_data(self, data: str) -> None:
        if self._in_inline and data.strip():
            self.inline += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_inline = False


def assert_csp_protects(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"{url} has no Content-Security-Policy header"
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src and "'unsafe-inline'" not in script_src.group(1), f"{url}: {policy}"
    parser = _InlineScripts()
    parser.feed(response.content.decode())
    assert parser.inline == 0, f"{url} has {parser.inline} inline script(s), which the CSP blocks"


@pytest.fixture
def page_url(team, users, api_key_for):
    api_key_for(team, "read")

    def build(name: str, args: tuple[str, ...]) -> str:
        kwargs = {"team_slug": team.slug}
        kwargs.update({arg: KWARG_FACTORIES[arg](team, users) for arg in args if arg != "team_slug"})
        return reverse(name, kwargs=kwargs)

    return build


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), TEAM_PATTERNS)
def test_every_team_page_has_the_csp_header_and_no_inline_script(client_for, page_url, name, args):
    url = page_url(name, args)
    response = client_for("admin").get(url)
    if response.status_code == 405 or "text/html" not in response.headers.get("Content-Type", ""):
        return  # POST-only URLs and the JSON API
    assert response.status_code == 200, url
    assert_csp_protects(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES + SIGNED_IN_PAGES)
def test_other_pages_have_the_csp_header_and_no_inline_script(client_for, name):
    client = client_for("admin")
    if name in PUBLIC_PAGES:
        client.logout()
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200, url
    assert "text/html" in response.headers["Content-Type"]
    assert_csp_protects(response, url)


@pytest.mark.django_db
def test_the_api_docs_work_offline():
    from django.test import Client

    client = Client()
    for name in ("api-docs", "api-redoc"):
        html = client.get(reverse(name)).content.decode()
        assert "https://" not in html and "//fonts." not in html, f"{name} loads something from the internet"
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def api_get_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, operations in schema["paths"].items() if "get" in operations)


@pytest.fixture
def filled_path(team, users):
    return lambda path: fill_api_path(path, team, users)


@pytest.mark.django_db
@pytest.mark.parametrize("path", api_get_paths())
def test_every_api_read_takes_the_key_from_the_header_only(api_client, team, api_key_for, filled_path, path):
    raw = api_key_for(team, "read")
    url = filled_path(path)
    for param in ("api_key", "key", "Api-Key", "Authorization"):
        assert api_client.get(url, {param: raw}).status_code in (401, 403), f"{url}?{param}=<key> was accepted"
    assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200, url


def test_every_bandit_exception_says_why():
    """ruff's S rules (bandit) run in `make lint`; each `# noqa: S...` must carry its reason on the same line."""
    unexplained = []
    for path in BASE_DIR.rglob("*.py"):
        if {".venv", "node_modules", "migrations", "var"} & set(path.relative_to(BASE_DIR).parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.search(r"#\s*noqa:\s*(S\d+(?:\s*,\s*S?\d+)*)(.*)$", line)
            if match and not re.search(r"[A-Za-z]{3,}", match.group(2)):
                unexplained.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert not unexplained, "Explain these exceptions inline:\n" + "\n".join(unexplained)

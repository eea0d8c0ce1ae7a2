"""Every form page answers hostile values with a form error or a redirect, never a 500 (issue 13, class 7).

The same walk as the round trip (every page of the URL resolver, each form as a browser sends it), but each
typed-in value is replaced by something hostile: text with a NUL character (PostgreSQL refuses it in text
columns), a very long string, an integer beyond 64 bits, a negative id, an unknown choice. Creating pages are
walked too. Run it on PostgreSQL: SQLite stores NUL characters without complaint.
"""

import contextlib
from typing import Any

import lxml.html
import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from teams.tests.test_form_round_trip import forms_of
from teams.tests.test_tenant_isolation import TEAM_PATTERNS, is_api
from teams.tests.test_tenant_isolation import url_for as team_url  # noqa: F401  (its fixture, named team_url here)
from teams.tests.url_walk import app_pages_without_arguments

pytestmark = pytest.mark.django_db


def every_page_without_arguments() -> list[str]:
    """The application's pages and those of the libraries it mounts (sign-in, two-factor, e-mail and password
    pages of allauth), except Django's admin (superusers only)."""

    def walk(patterns: list, namespace: str | None) -> list[str]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
                found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return found

    urls = []
    for name in sorted(set(walk(get_resolver().url_patterns, None))):
        with contextlib.suppress(NoReverseMatch):  # the name is also used by a pattern with arguments
            urls += [] if name.startswith("admin:") else [reverse(name)]
    return urls


HOSTILE = {
    "NUL character": "before\x00after",
    "huge string": "x" * 100_000,
    "integer beyond 64 bits": str(2**70),
    "negative id": "-1",
    "unknown choice": "no-such-choice",
    "date in the year 1": "0001-01-01",
    "last date Python knows": "9999-12-31",
}
LEFT_ALONE = {"csrfmiddlewaretoken"}
MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def hostile_forms(values: list[tuple[str, str]], hostile: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(field, data) for the form with every field hostile at once, and with one field hostile and the others as
    the page rendered them (so that the hostile value gets past the other fields' validation to clean() and the
    save)."""
    fields = [key for key, _value in values if key not in LEFT_ALONE and not key.endswith(MANAGEMENT)]

    def data(hostile_fields: set[str]) -> dict[str, list[str]]:
        sent: dict[str, list[str]] = {}
        for key, value in values:
            sent.setdefault(key, []).append(hostile if key in hostile_fields else value)
        return sent

    return [("every field", data(set(fields)))] + [(field, data({field})) for field in dict.fromkeys(fields)]


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_form_page_answers_hostile_values_without_a_server_error(request, client_for, hostile):
    build = request.getfixturevalue("team_url")
    pages = [(name, build(name, args)) for name, args in TEAM_PATTERNS if not is_api(build(name, args))]
    pages += [(url, url) for url in every_page_without_arguments()]
    client = client_for("admin")
    problems: list[str] = []
    posted = 0
    for name, url in pages:
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for action, values in forms_of(page.content.decode(), url):
            for field, data in hostile_forms(values, hostile):
                answer = client.post(action, data)
                posted += 1
                if answer.status_code >= 500:
                    problems.append(f"{name}: POST {action} ({field}) answered {answer.status_code}")
    assert posted > 100, "the walk found too few forms"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_page_answers_hostile_query_parameters_without_a_server_error(request, client_for, hostile):
    """Each page's own GET forms (filters, search, periods) and the usual parameter names, hostile."""
    build = request.getfixturevalue("team_url")
    pages = [(name, build(name, args)) for name, args in TEAM_PATTERNS]
    pages += [(name, reverse(name)) for name, _args in app_pages_without_arguments()]
    client = client_for("admin")
    problems: list[str] = []
    for name, url in pages:
        page = client.get(url)
        names = {"period", "from", "to", "q", "page", "year", "team", "kpi", "metric", "format", "next"}
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            for form in lxml.html.fromstring(page.content.decode()).forms:
                if (form.get("method") or "get").lower() == "get":
                    names |= {element.name for element in form.inputs if element.name}
        params: dict[str, Any] = dict.fromkeys(names, hostile)
        answer = client.get(url, params)
        if answer.status_code >= 500:
            problems.append(f"{name}: GET {url} answered {answer.status_code}")
    assert not problems, "\n".join(problems)


API_HOSTILE = {"NUL character": "before\x00after", "lone surrogate": "before\ud800after"}


def poisoned(value: Any, hostile: str) -> Any:
    """The API's own answer with every string (and key of nested objects) made hostile."""
    if isinstance(value, str):
        return hostile
    if isinstance(value, list):
        return [poisoned(item, hostile) for item in value] or [hostile]
    if isinstance(value, dict):
        return {key: poisoned(item, hostile) for key, item in value.items()} | {hostile: hostile}
    return value


def example_body(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict) and isinstance(answer.get("results"), list):
        answer = answer["results"]
    if isinstance(answer, list):
        answer = answer[0] if answer else {}
    return answer if isinstance(answer, dict) else {}


@pytest.mark.parametrize("hostile", API_HOSTILE.values(), ids=API_HOSTILE.keys())
def test_every_api_endpoint_answers_hostile_strings_in_json_with_a_4xx(request, client_for, hostile):
    build = request.getfixturevalue("team_url")
    client = client_for("admin")
    problems: list[str] = []
    for name, args in TEAM_PATTERNS:
        url = build(name, args)
        if not is_api(url):
            continue
        shape = example_body(client.get(url).json() if client.get(url).status_code == 200 else {})
        shape |= dict.fromkeys(("name", "ts", "metric", "value", "points", "title", "description", "owner"), "x")
        body = poisoned(shape, hostile)
        for method in (client.post, client.put, client.patch):
            answer = method(url, body, content_type="application/json")
            if answer.status_code >= 500 or answer.status_code in (200, 201):
                problems.append(f"{name}: {method.__name__.upper()} {url} answered {answer.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "body",
    [
        '{"points": [{"metric": "followers\\u0000", "ts": "2027-01-05", "value": 1}]}',
        '{"points": [{"metric": "followers", "ts": "2027-01-05\\u0000", "value": 1}]}',
        '{"points": [{"metric": "followers\\ud800", "ts": "2027-01-05", "value": 1}]}',
        '{"points": [{"metric": "followers", "ts": "\\udfff", "value": 1}]}',
        '{"points": [{"metric": "followers", "ts": "2027-01-05", "value": 1, "\\u0000": 2}]}',
    ],
    ids=["NUL in metric", "NUL in timestamp", "surrogate in metric", "surrogate in timestamp", "NUL in a key"],
)
def test_ingest_refuses_unstorable_characters_with_a_400_that_says_why(team, api_client, api_key_for, body):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'ingest')}")
    answer = api_client.post(reverse("metrics:api-datapoints", args=[team.slug]), body, content_type="application/json")
    assert answer.status_code == 400
    assert "NUL character or a lone surrogate" in answer.content.decode()


def test_ids_beyond_64_bits_in_any_address_answer_without_a_server_error(client_for, team):
    """Every team page with only ids in its path, the ids beyond what PostgreSQL's bigint holds."""
    client = client_for("admin")
    problems = []
    for name, args in TEAM_PATTERNS:
        ids = [arg for arg in args if arg in ("pk", "id") or arg.endswith("_id")]
        if not ids or len(ids) != len(args) - 1:
            continue
        url = reverse(name, kwargs={"team_slug": team.slug} | dict.fromkeys(ids, 2**70))
        for method in (client.get, client.post):
            status = method(url).status_code
            if status >= 500:
                problems.append(f"{name}: {method.__name__.upper()} {url} answered {status}")
    assert not problems, "\n".join(problems)

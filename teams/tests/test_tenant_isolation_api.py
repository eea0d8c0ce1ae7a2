"""Every API operation, found from the OpenAPI schema (not a hand list), keeps teams apart for API keys too.

A key of another team gets 404 for every operation; a key with only the read scope gets 403 for every write;
no credentials get 401/403; a key of the team with the needed scope gets past the access check. A new endpoint
is covered by itself; a new path argument needs a factory in test_tenant_isolation.KWARG_FACTORIES.
"""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from teams.services import api_key_create
from teams.tests.test_tenant_isolation import KWARG_FACTORIES, TEAM_PATTERNS, fill_api_path

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch", "delete"}


def api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITES | {"get"}
    )


OPERATIONS = api_operations()


@pytest.fixture
def url_of(team, users):
    return lambda path: fill_api_path(path, team, users)


def call(api_client, method: str, url: str, key: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    return getattr(api_client, method)(url, {}, format="json", **headers)


def test_the_schema_lists_the_strategy_api():
    assert ("post", "/api/v1/teams/{team_slug}/strategy-maps/") in OPERATIONS


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_key_of_another_team_gets_404(api_client, org, api_key_for, url_of, method, path):
    url = url_of(path)
    other_key = api_key_for(org["other"], "read", "write", "ingest")
    assert call(api_client, method, url, other_key).status_code == 404, f"{method.upper()} {url}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_credentials_get_401_or_403(api_client, url_of, method, path):
    url = url_of(path)
    assert call(api_client, method, url).status_code in (401, 403), f"{method.upper()} {url}"


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in OPERATIONS if m in WRITES])
def test_a_read_only_key_cannot_write(api_client, team, api_key_for, url_of, method, path):
    url = url_of(path)
    assert call(api_client, method, url, api_key_for(team, "read")).status_code == 403, f"{method.upper()} {url}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_key_of_the_team_with_every_scope_gets_past_the_access_check(
    api_client, team, api_key_for, url_of, method, path
):
    url = url_of(path)
    response = call(api_client, method, url, api_key_for(team, "read", "write", "ingest"))
    # An empty body may be refused as bad input (400); what matters is that access was granted.
    assert response.status_code in (200, 201, 204, 400), f"{method.upper()} {url}: {response.status_code}"


# --- Web pages, the other side of the walk in test_tenant_isolation.py: members with the role get in. ---


@pytest.mark.parametrize(("name", "args"), TEAM_PATTERNS)
@pytest.mark.parametrize("member", ["admin", "parent_viewer", "editor"])
def test_members_open_every_team_page_their_role_allows(client_for, team, users, member, name, args):
    api_key_create(team=team, name="walk key", scopes=["read"])
    kwargs = {"team_slug": team.slug}
    kwargs.update({arg: KWARG_FACTORIES[arg](team, users) for arg in args if arg != "team_slug"})
    url = reverse(name, kwargs=kwargs)
    status = client_for(member).get(url).status_code
    if member == "admin":
        assert status in (200, 405), f"{url}: {status}"  # 405: a POST-only action (delete, revoke)
    else:
        assert status in (200, 403, 405), f"{url}: {status}"  # 403: a page for a higher role

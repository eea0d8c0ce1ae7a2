"""Every API read asked for as a web page (`?format=api`, `Accept: text/html`) answers cleanly, never a 500.

The browsable API is off (settings.REST_FRAMEWORK: JSON renderer only; Swagger UI and Redoc are the API's
pages). The walk covers every path of the OpenAPI schema, so an endpoint with a renderer of its own that
crashes cannot be added unnoticed.
"""

import pytest

from teams.tests.test_tenant_isolation import fill_api_path
from teams.tests.test_tenant_isolation_api import OPERATIONS

pytestmark = pytest.mark.django_db

READS = [path for method, path in OPERATIONS if method == "get"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def key_client(api_client, team, api_key_for):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'read', 'write', 'ingest')}")
    return api_client


def test_every_list_and_detail_endpoint_is_walked():
    assert "/api/v1/teams/{team_slug}/strategy-maps/" in READS
    assert "/api/v1/teams/{team_slug}/strategy-maps/{map_id}/objectives/{objective_id}/" in READS


@pytest.mark.parametrize("path", READS)
def test_the_browsable_api_is_not_found(key_client, team, users, path):
    url = fill_api_path(path, team, users)
    response = key_client.get(url, {"format": "api"})
    assert response.status_code == 404, f"{url}?format=api: {response.status_code}"
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", READS)
def test_a_client_that_accepts_only_html_gets_406(key_client, team, users, path):
    url = fill_api_path(path, team, users)
    response = key_client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 406, f"{url} as text/html: {response.status_code}"
    assert "detail" in response.json()


@pytest.mark.parametrize("path", READS)
def test_a_browser_gets_json(key_client, team, users, path):
    url = fill_api_path(path, team, users)
    response = key_client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200, f"{url} from a browser: {response.status_code}"
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT])
def test_a_signed_in_browser_without_a_key_never_gets_a_500(client_for, team, users, accept):
    client = client_for("viewer")
    for path in READS:
        url = fill_api_path(path, team, users)
        for query in ("", "?format=api"):
            status = client.get(url + query, HTTP_ACCEPT=accept).status_code
            assert status < 500, f"{url}{query} as {accept}: {status}"

"""Every API write refuses a JSON body it cannot read with a 400 that says why, never a 500.

Walks every POST, PUT and PATCH of the OpenAPI schema (the ingestion endpoint included, which reads its body
with msgspec rather than DRF's parser) with bodies an attacker would send: nesting far deeper than any decoder
follows, and bytes that are not UTF-8.
"""

import pytest

from teams.tests.test_tenant_isolation import fill_api_path
from teams.tests.test_tenant_isolation_api import OPERATIONS

pytestmark = pytest.mark.django_db

BODY_WRITES = [(method, path) for method, path in OPERATIONS if method in ("post", "put", "patch")]
NESTED = 100_000
BAD_BODIES = {
    "nested arrays": b"[" * NESTED + b"]" * NESTED,
    "nested objects": b'{"points":' * NESTED + b"[]" + b"}" * NESTED,
    "nested inside a field": b'{"name": ' + b"[" * NESTED + b"]" * NESTED + b', "points": []}',
    "malformed UTF-8": b'{"name": "caf\xe9 \xff\xfe", "points": [{"metric": "\xc3\x28", "ts": "2027-01-01"}]}',
}


def message_of(response) -> str:
    payload = response.json()
    if "errors" in payload:  # the ingestion endpoint's shape
        return " ".join(error["message"] for error in payload["errors"])
    return str(payload.get("detail") or payload)


@pytest.mark.parametrize("body", BAD_BODIES)
@pytest.mark.parametrize(("method", "path"), BODY_WRITES)
def test_an_unreadable_json_body_is_a_400_with_the_reason(api_client, team, users, api_key_for, method, path, body):
    url = fill_api_path(path, team, users)
    response = getattr(api_client, method)(
        url,
        BAD_BODIES[body],
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'read', 'write', 'ingest')}",
    )
    assert response.status_code == 400, f"{method.upper()} {url} with {body}: {response.status_code}"
    assert message_of(response)

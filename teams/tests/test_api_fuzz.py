"""Schemathesis fuzzes every operation of the OpenAPI schema, in-process, with a key that may do everything.

The schema comes from drf-spectacular at collection time, so a new endpoint is fuzzed without touching this
file. Each operation gets a few generated requests (derandomised, so a run is repeatable), sent to the WSGI
application with an API key holding every scope on a seeded team. Each request runs in a savepoint that is
rolled back, so every example starts from the same seeded map. The checks: the server never answers 5xx,
every answer is documented (status code, content type) and its body matches the schema.

Path parameters that name a seeded object (team_slug, map_id, ...) are filled with that object's id; other
ids stay generated (and so mostly meet a documented 404). Add a seeded id to `seeded_ids` to go deeper.
"""

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from strategy.models import Objective, ObjectiveLink, SuccessFactor
from teams.tests.test_tenant_isolation import strategy_map_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Generated (fuzzing) and documented (examples) requests; the exhaustive coverage phase would multiply the run time.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
application = WSGIHandler()


@pytest.fixture
def app():
    """The WSGI app on the test's database connection: Django must not close it between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_ids(team) -> dict[str, Any]:
    strategy_map = strategy_map_of(team)
    objective = Objective.objects.filter(strategy_map=strategy_map).first()
    return {
        "team_slug": team.slug,
        "map_id": strategy_map.pk,
        "objective_id": objective.pk,
        "factor_id": SuccessFactor.objects.filter(objective=objective).first().pk,
        "link_id": ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).first().pk,
    }


@pytest.fixture
def auth_headers(team, api_key_for) -> dict[str, str]:
    return {"Authorization": f"Api-Key {api_key_for(team, 'read', 'write', 'ingest')}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_break_the_api(case, app, seeded_ids, auth_headers):
    for name in case.path_parameters or {}:
        if name in seeded_ids:
            case.path_parameters[name] = seeded_ids[name]
    with transaction.atomic():
        case.call_and_validate(app=app, headers=auth_headers, checks=CHECKS)
        transaction.set_rollback(True)

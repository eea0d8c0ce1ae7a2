"""Fixtures of the metrics tests: metrics on the Social team, both upsert paths, fake platforms."""

import pytest

from metrics import services
from metrics.models import Metric


@pytest.fixture
def make_metric(db):
    def make(team, key: str = "followers", name: str | None = None, unit: str = "") -> Metric:
        return Metric.objects.create(team=team, key=key, name=name or key.title(), unit=unit)

    return make


@pytest.fixture
def followers(team, make_metric):
    return make_metric(team, "followers", "Followers")


@pytest.fixture
def reach(team, make_metric):
    return make_metric(team, "reach", "Reach")


@pytest.fixture(params=["portable", pytest.param("postgres", marks=pytest.mark.postgres)])
def upsert_path(request, monkeypatch):
    """Run a test on the portable (SQLite) path and on the one-statement PostgreSQL path.

    The portable path uses only the ORM, so it also runs on PostgreSQL; forcing it proves
    both paths give the same results on the same database.
    """
    if request.param == "portable":
        monkeypatch.setattr(services, "_upsert_postgres", services._upsert_portable)
    return request.param


@pytest.fixture
def httpserver(httpserver, settings):
    """pytest-httpserver's fake platform on this machine, which connectors may reach only because
    the operator setting allows its host (tests of the refusal itself clear the setting)."""
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = [httpserver.host]
    return httpserver

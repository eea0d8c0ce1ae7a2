"""Fixtures shared by every app's tests: named users on a team tree, clients, API keys."""

import os

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

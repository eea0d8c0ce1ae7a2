"""/healthz, production settings, and the demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from scorecard_site.celery import app as celery_app
from teams.access import visible_team_roles
from teams.models import Membership, Team

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_200_when_database_broker_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["cache"]["ok"]


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reaches_the_real_redis_broker(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", os.environ.get("REDIS_URL", ""))
    assert client.get("/healthz").json()["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_tells_an_anonymous_caller_only_what_fails_and_logs_why(client, monkeypatch, caplog):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": {"ok": True},
        "broker": {"ok": False},
        "cache": {"ok": True},
    }
    assert "127.0.0.1" not in response.content.decode()
    assert "Health check of the broker failed" in caplog.text
    assert "127.0.0.1:1" in caplog.text or "Connection refused" in caplog.text


@pytest.mark.django_db
def test_healthz_shows_a_signed_in_superuser_what_went_wrong(client_for, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert "error" not in client_for("admin").get("/healthz").json()["broker"]
    body = client_for("superuser").get("/healthz").json()
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]


def run_django(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_django("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = run_django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-for-the-deploy-check",
        ALLOWED_HOSTS="scorecard.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_rows():
    User = get_user_model()

    def snapshot():
        return (
            sorted(Team.objects.values_list("slug", "name", "parent__slug")),
            sorted(User.objects.values_list("username", "is_superuser")),
            sorted(Membership.objects.values_list("user__username", "team__slug", "role")),
        )

    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert len(first[0]) == 4


@pytest.mark.django_db
def test_demo_users_see_exactly_their_teams():
    call_command("seed_demo")
    User = get_user_model()
    expected = {
        "admin": {"acme", "acme-social", "acme-webshop", "bakery"},
        "manager": {"acme", "acme-social", "acme-webshop"},
        "marketer": {"acme-social"},
        "baker": {"bakery"},
    }
    for username, slugs in expected.items():
        user = User.objects.get(username=username)
        assert set(Team.objects.filter(pk__in=visible_team_roles(user)).values_list("slug", flat=True)) == slugs
        assert user.check_password("scorecard-demo")

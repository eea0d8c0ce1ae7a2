"""Rules that hold when requests arrive at the same time: the last admin, and the API rate limits."""

import contextlib
import os
import threading
from collections.abc import Callable

import pytest
from django.db import connections
from django.db.models.signals import pre_delete, pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from teams.api_auth import ApiKeyRateThrottle
from teams.errors import ApplicationError
from teams.models import Membership, Role, Team, TeamApiKey
from teams.services import api_key_create, membership_change_role, membership_remove

# How long the first request waits at the barrier for the second: only reached when the lock lets both through.
BARRIER_WAIT_SECONDS = 3


def run_together(*calls: Callable[[], None]) -> list[BaseException]:
    """Run the calls in threads (a database connection each), all starting at once; return what they raised."""
    start = threading.Barrier(len(calls))
    raised: list[BaseException] = []

    def run(call: Callable[[], None]) -> None:
        try:
            start.wait(timeout=10)
            call()
        except BaseException as error:  # noqa: BLE001 - collected for the test to look at
            raised.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return raised


@pytest.mark.postgres
@pytest.mark.parametrize("change", ["remove", "demote"])
def test_two_admins_removing_or_demoting_each_other_at_once_leave_one_admin(
    transactional_db, django_user_model, change
):
    team = Team.objects.create(name="Pair", slug="pair")
    first, second = (
        Membership.objects.create(team=team, user=django_user_model.objects.create_user(username=name), role=Role.ADMIN)
        for name in ("ann", "bob")
    )
    # Both requests wait here, just before they write, until the other has checked too: without the lock
    # on the team's admins both would see the other one still admin.
    before_write = threading.Barrier(2)

    def wait_for_the_other(sender, instance, **kwargs):
        # A broken barrier: the other request is waiting for our lock, as it should.
        with contextlib.suppress(threading.BrokenBarrierError):
            before_write.wait(timeout=BARRIER_WAIT_SECONDS)

    signal = pre_delete if change == "remove" else pre_save
    signal.connect(wait_for_the_other, sender=Membership, weak=False)
    try:
        if change == "remove":
            raised = run_together(
                lambda: membership_remove(membership=first), lambda: membership_remove(membership=second)
            )
        else:
            raised = run_together(
                lambda: membership_change_role(membership=first, role=Role.VIEWER),
                lambda: membership_change_role(membership=second, role=Role.VIEWER),
            )
    finally:
        signal.disconnect(wait_for_the_other, sender=Membership)

    assert Membership.objects.filter(team=team, role=Role.ADMIN).count() == 1
    assert len(raised) == 1
    assert isinstance(raised[0], ApplicationError)
    assert "at least one admin" in raised[0].message


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": "scorecard-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.redis
def test_parallel_requests_over_the_rate_limit_let_exactly_the_limit_through(
    transactional_db, redis_cache, monkeypatch
):
    limit, callers = 5, 16
    # An hour's window, so that the burst does not straddle two windows.
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": f"{limit}/hour"})
    team = Team.objects.create(name="Busy", slug="busy")
    api_key, raw_key = api_key_create(team=team, name="integration", scopes=["read"])
    TeamApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())  # no writes in the burst
    url = reverse("teams:api-team-detail", args=[team.slug])
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def call() -> None:
        response = APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        with lock:
            answers.append((response.status_code, response.headers.get("Retry-After")))

    assert run_together(*[call] * callers) == []
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * limit + [429] * (callers - limit)
    assert all(int(retry_after) > 0 for status, retry_after in answers if status == 429)


@pytest.mark.redis
def test_parallel_password_reset_requests_for_one_address_send_exactly_the_limit(
    transactional_db, redis_cache, settings, django_user_model
):
    from django.core import mail

    limit, callers = 3, 12
    settings.SCORECARD_MAIL_RATE_PER_ADDRESS = f"{limit}/hour"
    django_user_model.objects.create_user(username="ann", email="ann@example.com", password="pw-ann-long-enough")
    statuses: list[int] = []
    lock = threading.Lock()

    def ask() -> None:
        response = Client().post(reverse("password_reset"), {"email": "ann@example.com"})
        with lock:
            statuses.append(response.status_code)

    assert run_together(*[ask] * callers) == []
    assert sorted(statuses) == [302] * limit + [429] * (callers - limit)
    assert len(mail.outbox) == limit

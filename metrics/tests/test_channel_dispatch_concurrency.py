"""The dispatcher and a real worker, on PostgreSQL and Redis (committed data, own connections)."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from metrics.channel_services import channel_create, channels_dispatch_due
from metrics.models import Channel, DataPoint, SyncRun
from teams.models import Team


def _channels(team, count):
    for n in range(count):
        channel_create(team=team, platform="demo", name=f"Demo {n}", account_ref=f"seed-{n}")
    Channel.objects.update(next_sync_at=timezone.now() - timedelta(minutes=1))


@pytest.mark.postgres
def test_two_concurrent_dispatchers_never_enqueue_the_same_channel_twice(transactional_db):
    team = Team.objects.create(name="Race", slug="race")
    _channels(team, 60)
    sent: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def enqueue(pk, token):
        with lock:
            sent.append(pk)

    def dispatcher():
        try:
            start.wait(timeout=10)
            for _ in range(5):
                channels_dispatch_due(enqueue=enqueue)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(sent) == 60
    assert len(set(sent)) == 60


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_on_redis_syncs_what_the_dispatcher_enqueued(transactional_db, settings):
    from celery.contrib.testing.worker import start_worker

    from scorecard_site.celery import app

    assert connection.vendor == "postgresql"
    team = Team.objects.create(name="Worker", slug="worker")
    _channels(team, 3)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, task_default_queue=queue)
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ):
            assert channels_dispatch_due() == 3
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and SyncRun.objects.exclude(status=SyncRun.Status.RUNNING).count() < 3:
                time.sleep(0.2)
    finally:
        app.conf.update(previous)
        connections.close_all()
    assert list(SyncRun.objects.values_list("status", flat=True)) == [SyncRun.Status.OK] * 3
    assert DataPoint.objects.filter(metric__team=team).count() == 3 * 4 * 90
    assert not Channel.objects.exclude(claim_token="").exists()

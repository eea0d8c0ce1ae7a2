"""Integrations posting at the same time, on PostgreSQL (committed data, a connection per thread)."""

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from metrics.models import DataPoint, Metric, Source
from metrics.services import PointIn, datapoints_upsert
from teams.models import Team

WRITERS = 4
BATCHES = 15


@pytest.mark.postgres
def test_concurrent_batches_over_the_same_points_all_land_without_a_deadlock(transactional_db):
    team = Team.objects.create(name="Busy", slug="busy")
    metric_ids = [Metric.objects.create(team=team, key=f"m{n}", name=f"M{n}").pk for n in range(10)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    keys = [(metric_id, start + timedelta(days=day)) for metric_id in metric_ids for day in range(200)]
    written: set[tuple[int, datetime]] = set()
    lock = threading.Lock()
    go = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def integration(seed: int) -> None:
        rng = random.Random(seed)  # the load shape, not security
        try:
            go.wait(timeout=10)
            for _ in range(BATCHES):
                batch = rng.sample(keys, 500)  # each in its own order, overlapping the others' batches
                datapoints_upsert(points=[PointIn(m, ts, rng.random()) for m, ts in batch], source=Source.API)
                with lock:
                    written.update(batch)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=integration, args=(seed,)) for seed in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert DataPoint.objects.filter(metric_id__in=metric_ids).count() == len(written)

"""The one write path for data points: counts, idempotent replays, last-wins inside a batch."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from metrics.models import DataPoint, MetricMonth, Source
from metrics.services import PointIn, datapoints_upsert

pytestmark = pytest.mark.django_db

JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)


def days(metric, values, start=JAN_1):
    return [PointIn(metric.pk, start + timedelta(days=i), value) for i, value in enumerate(values)]


def stored(metric):
    return list(DataPoint.objects.filter(metric=metric).order_by("ts").values_list("value", flat=True))


def test_new_points_are_created_and_counted(upsert_path, followers):
    result = datapoints_upsert(points=days(followers, [1, 2, 3]), source=Source.API)
    assert (result.received, result.created, result.updated) == (3, 3, 0)
    assert stored(followers) == [1, 2, 3]
    assert set(DataPoint.objects.values_list("source", flat=True)) == {"api"}


def test_replaying_the_same_batch_changes_nothing(upsert_path, followers):
    datapoints_upsert(points=days(followers, [1, 2, 3]), source=Source.API)
    before = list(DataPoint.objects.order_by("ts").values_list("pk", "value", "source", "updated_at"))
    result = datapoints_upsert(points=days(followers, [1, 2, 3]), source=Source.IMPORT)
    assert (result.received, result.created, result.updated, result.unchanged) == (3, 0, 0, 3)
    assert list(DataPoint.objects.order_by("ts").values_list("pk", "value", "source", "updated_at")) == before


def test_changed_values_are_updated_with_their_new_source(upsert_path, followers):
    datapoints_upsert(points=days(followers, [1, 2, 3]), source=Source.API)
    result = datapoints_upsert(points=days(followers, [1, 20, 3, 4]), source=Source.MANUAL)
    assert (result.created, result.updated) == (1, 1)
    assert stored(followers) == [1, 20, 3, 4]
    changed = DataPoint.objects.get(value=20)
    assert changed.source == "manual"
    assert DataPoint.objects.get(value=1).source == "api"


def test_the_last_point_wins_inside_one_batch(upsert_path, followers):
    points = [PointIn(followers.pk, JAN_1, 1.0), PointIn(followers.pk, JAN_1, 2.0), PointIn(followers.pk, JAN_1, 3.0)]
    result = datapoints_upsert(points=points, source=Source.API)
    assert (result.received, result.created, result.updated) == (3, 1, 0)
    assert stored(followers) == [3.0]


def test_the_same_instant_in_another_offset_is_the_same_point(upsert_path, followers):
    in_amsterdam = JAN_1.astimezone(ZoneInfo("Europe/Amsterdam"))  # 01:00+01:00
    datapoints_upsert(points=[PointIn(followers.pk, JAN_1, 5.0)], source=Source.API)
    result = datapoints_upsert(points=[PointIn(followers.pk, in_amsterdam, 6.0)], source=Source.API)
    assert (result.created, result.updated) == (0, 1)
    assert stored(followers) == [6.0]


def test_points_of_several_metrics_in_one_batch_stay_apart(upsert_path, followers, reach):
    result = datapoints_upsert(points=days(followers, [1, 2]) + days(reach, [10, 20]), source=Source.API)
    assert result.created == 4
    assert stored(followers) == [1, 2]
    assert stored(reach) == [10, 20]


def test_a_batch_larger_than_a_chunk_is_written_completely(upsert_path, followers):
    values = [float(i) for i in range(1200)]
    assert datapoints_upsert(points=days(followers, values), source=Source.API).created == 1200
    again = datapoints_upsert(points=days(followers, [v + 1 for v in values]), source=Source.API)
    assert (again.created, again.updated) == (0, 1200)
    assert stored(followers) == [v + 1 for v in values]


def test_an_empty_batch_writes_nothing(upsert_path, followers):
    result = datapoints_upsert(points=[], source=Source.API)
    assert (result.received, result.created, result.updated) == (0, 0, 0)
    assert not DataPoint.objects.exists()


def test_naive_timestamps_are_refused(upsert_path, followers):
    with pytest.raises(ValueError, match="timezone-aware"):
        datapoints_upsert(points=[PointIn(followers.pk, datetime(2026, 1, 1), 1.0)], source=Source.API)
    assert not DataPoint.objects.exists()


@pytest.mark.postgres
def test_on_postgresql_a_batch_is_one_statement_that_also_keeps_the_aggregates(
    followers, django_assert_max_num_queries
):
    # The metrics' time zones, one upsert statement (new points go into their days and months in it), plus the
    # savepoint pair of the atomic block inside the test transaction.
    with django_assert_max_num_queries(4) as captured:
        datapoints_upsert(points=days(followers, [float(i) for i in range(500)]), source=Source.API)
    assert sum("INSERT INTO metrics_datapoint" in q["sql"] for q in captured.captured_queries) == 1
    assert MetricMonth.objects.filter(metric=followers).aggregate(n=Sum("count"))["n"] == 500
    # Corrections recompute their days and months: the zones again and two more statements.
    with django_assert_max_num_queries(7):
        datapoints_upsert(points=days(followers, [float(i) + 1 for i in range(500)]), source=Source.API)
    assert MetricMonth.objects.filter(metric=followers).aggregate(s=Sum("sum"))["s"] == sum(range(1, 501))

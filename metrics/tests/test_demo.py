from types import SimpleNamespace

import pytest
from django.core.management import call_command

from metrics.models import DataPoint, Metric

pytestmark = pytest.mark.django_db


def test_the_demo_gives_metrics_with_a_year_of_data_and_is_idempotent():
    call_command("seed_demo")
    metrics, points = Metric.objects.count(), list(DataPoint.objects.order_by("pk").values_list("pk", "value"))
    assert metrics >= 5
    assert DataPoint.objects.filter(metric__key="website-visits").count() == 365
    call_command("seed_demo")
    assert Metric.objects.count() == metrics
    assert list(DataPoint.objects.order_by("pk").values_list("pk", "value")) == points


def test_the_demo_moves_todays_values_during_the_day_deterministically():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from metrics.connectors.base import SyncWindow
    from metrics.connectors.demo import DemoConnector

    def today_at(hour: int, minute: int) -> dict[str, float]:
        now = dt.datetime(2026, 12, 1, hour, minute, tzinfo=ZoneInfo("Europe/Amsterdam"))
        ctx = SimpleNamespace(account_ref="instagram-demo", options={}, window=SyncWindow(now.date(), now.date(), now))
        return {s.metric_key: s.value for s in DemoConnector().fetch(ctx).samples}

    morning, noon, a_bit_later = today_at(9, 0), today_at(12, 0), today_at(12, 10)
    assert today_at(12, 0) == noon  # the same time gives the same numbers
    assert morning["reach"] < noon["reach"] < a_bit_later["reach"]
    assert morning["followers"] != noon["followers"]

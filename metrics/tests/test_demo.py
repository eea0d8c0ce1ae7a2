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

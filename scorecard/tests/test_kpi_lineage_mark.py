"""The KPI chart marks the day a platform replaced the metric that feeds the KPI."""

import pytest
from django.urls import reverse

from metrics.channel_services import channel_create
from metrics.models import Metric
from scorecard import services

pytestmark = pytest.mark.django_db


def test_the_kpi_chart_marks_where_the_metrics_definition_changed(client_for, team, perspective):
    channel = channel_create(
        team=team, platform="facebook_page", name="Page", account_ref="1044", credentials={"token": "EAAB-x"}
    )
    reach = Metric.objects.get(key=f"{channel.key_prefix}-reach")
    kpi = services.kpi_create(perspective=perspective, name="Reach", metric=reach, frequency="month")
    page = client_for("viewer").get(reverse("scorecard:kpi-detail", args=[team.slug, kpi.pk])).content.decode()
    assert "definition changed on" in page and "2026-06" in page
    followers = Metric.objects.get(key=f"{channel.key_prefix}-followers")
    other = services.kpi_create(perspective=perspective, name="Followers", metric=followers, frequency="month")
    page = client_for("viewer").get(reverse("scorecard:kpi-detail", args=[team.slug, other.pk])).content.decode()
    assert "definition changed on" not in page

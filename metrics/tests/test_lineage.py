"""Metric lineage: a metric the platform retires keeps its key and history, fed by the replacement; the KPI chart
marks the change; API version defaults stay clear of their sunset dates."""

import datetime as dt
import json

import pytest
from django.conf import settings
from werkzeug import Response

from metrics.channel_selectors import metric_definition_changes
from metrics.channel_services import channel_create
from metrics.connectors.lineage import CALENDAR, source_on
from metrics.connectors.versions import SUNSETS
from metrics.models import DataPoint, Metric

from .channel_helpers import sync

TOKEN = "EAAB-lineage-token"
REMOVED = dt.date(2026, 6, 15)  # page_impressions_unique -> page_total_media_view_unique


def fake_graph(httpserver, served):
    """A Page that serves only the metrics in `served` (the others are refused as removed, code 100)."""
    httpserver.expect_request("/v26.0/1044").respond_with_json({"followers_count": 10, "id": "1044"})

    def insights(request):
        metric = request.args["metric"]
        if metric not in served:
            body = {"error": {"message": "(#100) The value must be a valid insights metric", "code": 100}}
            return Response(json.dumps(body), status=400, content_type="application/json")
        since = dt.date.fromisoformat(request.args["since"])
        until = dt.date.fromisoformat(request.args["until"])
        values = [
            {"value": served[metric], "end_time": f"{(since + dt.timedelta(days=n + 1)).isoformat()}T08:00:00+0000"}
            for n in range((until - since).days)
        ]
        return Response(
            json.dumps({"data": [{"name": metric, "period": "day", "values": values}]}), content_type="application/json"
        )

    httpserver.expect_request("/v26.0/1044/insights").respond_with_handler(insights)


def test_the_connector_asks_for_the_metric_that_feeds_the_key_on_each_day():
    assert source_on("facebook_page", "page_impressions_unique", REMOVED - dt.timedelta(days=1)) == (
        "page_impressions_unique"
    )
    assert source_on("facebook_page", "page_impressions_unique", REMOVED) == "page_total_media_view_unique"
    assert source_on("instagram", "impressions", dt.date(2025, 5, 1)) == "views"


@pytest.mark.django_db
def test_a_retired_metrics_history_continues_under_the_same_key(httpserver, settings, team, monkeypatch):
    settings.SCORECARD_CONNECTORS = {
        **settings.SCORECARD_CONNECTORS,
        "facebook_page": {"base_url": httpserver.url_for("").rstrip("/"), "version": "v26.0"},
    }
    channel = channel_create(
        team=team, platform="facebook_page", name="Page", account_ref="1044", credentials={"token": TOKEN}
    )
    reach = Metric.objects.get(channel=channel, key=f"{channel.key_prefix}-reach")

    def sync_on(day, served):
        httpserver.clear()
        fake_graph(httpserver, served)
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        monkeypatch.setattr("metrics.channel_services.sync.timezone.now", lambda: moment)
        monkeypatch.setattr("metrics.channel_services.scheduling.timezone.now", lambda: moment)
        run = sync(channel)
        assert "reach" not in " ".join(run.metric_errors)

    sync_on(
        REMOVED - dt.timedelta(days=5),
        {"page_impressions_unique": 111, "page_media_view": 1, "page_post_engagements": 1},
    )
    sync_on(
        REMOVED + dt.timedelta(days=5),
        {"page_total_media_view_unique": 222, "page_media_view": 1, "page_post_engagements": 1},
    )
    history = list(DataPoint.objects.filter(metric=reach).order_by("ts").values_list("value", flat=True))
    assert 111.0 in history and 222.0 in history  # one key, both definitions
    assert history.index(111.0) < history.index(222.0)
    assert metric_definition_changes(metric=reach) == [REMOVED]


def test_every_retirement_names_a_replacement_and_a_platform_with_a_connector():
    from metrics.connectors.base import get_connector

    for retirement in CALENDAR:
        assert retirement.replacement and retirement.replacement != retirement.metric
        assert get_connector(retirement.platform).platform == retirement.platform


@pytest.mark.parametrize(
    ("family", "version"), [("graph", settings.GRAPH_API_VERSION), ("linkedin", settings.LINKEDIN_API_VERSION)]
)
def test_default_api_versions_are_known_and_not_within_30_days_of_their_sunset(family, version):
    assert version in SUNSETS[family], f"{version} has no known sunset: add it to metrics/connectors/versions.py"
    sunset = SUNSETS[family][version]
    if sunset is not None:
        days_left = (sunset - dt.date.today()).days
        assert days_left > 30, f"{family} API version {version} sunsets on {sunset}: move the default on"

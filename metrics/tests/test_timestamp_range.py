"""Data points outside the years 1900-2200 (teams.time_bounds) are refused on every write path, and the ones
stored before are found and reported."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from metrics.checks import datapoints_in_range_check
from metrics.connectors.base import FetchResult
from metrics.import_services import csv_validate
from metrics.models import DataPoint
from metrics.services import PointIn, datapoint_enter, datapoints_upsert
from teams.errors import ApplicationError

from .channel_helpers import ScriptedConnector, scripted_channel, sync

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01T00:00:00Z", "1899-12-31", "2201-01-01", "9999-12-31T23:59:59+01:00"]
MESSAGE = "outside the years 1900 to 2200"


@pytest.mark.parametrize("ts", OUT_OF_RANGE)
def test_the_api_refuses_a_timestamp_outside_the_accepted_years_and_writes_nothing(
    api_client, team, followers, api_key_for, ts
):
    body = {
        "points": [
            {"metric": "followers", "ts": "2026-01-05", "value": 1},
            {"metric": "followers", "ts": ts, "value": 2},
        ]
    }
    response = api_client.generic(
        "POST",
        reverse("metrics:api-datapoints", args=[team.slug]),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'ingest')}",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["index"], error["field"]) == (1, "ts") and MESSAGE in error["message"]
    assert not DataPoint.objects.exists()


def test_the_edges_of_the_accepted_years_are_stored(team, followers):
    from metrics.ingest import datapoints_ingest

    body = {"points": [{"metric": "followers", "ts": ts, "value": 1} for ts in ("1900-01-01", "2026-01-05")]}
    assert datapoints_ingest(team=team, body=json.dumps(body).encode()).created == 2


@pytest.mark.parametrize("bound", ["from", "to"])
def test_reading_points_with_a_bound_outside_the_accepted_years_is_a_400(
    api_client, team, followers, api_key_for, bound
):
    url = reverse("metrics:api-metric-datapoints", args=[team.slug, "followers"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'read')}")
    response = api_client.get(url, {bound: "0001-01-01"})
    assert response.status_code == 400 and MESSAGE in response.json()[bound][0]


def test_a_csv_row_outside_the_accepted_years_is_a_row_error(team, followers):
    result = csv_validate(team=team, text="metric;ts;value\nfollowers;01-01-2026;1\nfollowers;31-12-9999;2\n")
    assert result.error_count == 1
    assert result.errors[0]["row"] == 3 and MESSAGE in str(result.errors[0]["message"])


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31)])
def test_manual_entry_outside_the_accepted_years_is_a_form_error(client_for, team, followers, day):
    response = client_for("editor").post(
        reverse("metrics:metric-detail", args=[team.slug, "followers"]), {"day": day.isoformat(), "value": "3"}
    )
    assert response.status_code == 200
    assert MESSAGE in response.context["form"].errors["day"][0]
    assert not DataPoint.objects.exists()


def test_a_kpi_value_outside_the_accepted_years_is_a_form_error_on_the_kpi_page(client_for, team):
    from teams.tests.test_tenant_isolation import kpi_of

    kpi = kpi_of(team)
    points = DataPoint.objects.count()
    response = client_for("editor").post(
        reverse("scorecard:kpi-value-enter", args=[team.slug, kpi.pk]), {"day": "0001-01-01", "value": "3"}
    )
    assert response.status_code == 400
    assert MESSAGE in response.context["form"].errors["day"][0]
    assert DataPoint.objects.count() == points


def test_the_one_upsert_refuses_an_out_of_range_time_from_any_caller(team, followers):
    points = [
        PointIn(followers.pk, datetime(2026, 1, 5, tzinfo=UTC), 1.0),
        PointIn(followers.pk, datetime(1, 1, 1, tzinfo=UTC), 2.0),
    ]
    with pytest.raises(ApplicationError, match=MESSAGE):
        datapoints_upsert(points=points, source="api")
    with pytest.raises(ApplicationError, match=MESSAGE):
        datapoint_enter(metric=followers, day=date(1, 1, 1), value=1.0)
    assert not DataPoint.objects.exists()


def test_a_connector_sample_outside_the_accepted_years_fails_only_its_metric(team):
    def with_a_bad_day(ctx):
        result = FetchResult()
        result.add("followers", ctx.window.today, 1000)
        result.add("reach", date(1, 1, 1), 10)
        return result

    ScriptedConnector.behaviour = with_a_bad_day
    try:
        run = sync(scripted_channel(team))
    finally:
        ScriptedConnector.behaviour = None
    assert run.status == "partial"
    assert MESSAGE in run.metric_errors["scripted-reach"]
    assert list(DataPoint.objects.values_list("metric__key", flat=True)) == ["scripted-followers"]


def test_points_stored_before_the_rule_are_reported_by_the_check_and_deleted_by_the_command(team, followers):
    DataPoint.objects.bulk_create(
        [
            DataPoint(metric=followers, ts=datetime(1, 1, 1, tzinfo=UTC), value=1),
            DataPoint(metric=followers, ts=datetime(9999, 12, 31, tzinfo=UTC), value=2),
            DataPoint(metric=followers, ts=datetime(1900, 1, 1, tzinfo=UTC), value=3),
        ]
    )
    [warning] = datapoints_in_range_check(databases=["default"])
    assert warning.id == "metrics.W001" and "2 data point(s)" in warning.msg and "social/followers (2)" in warning.msg

    out = io.StringIO()
    call_command("datapoints_out_of_range", stdout=out)
    assert "social/followers: 2 point(s)" in out.getvalue() and DataPoint.objects.count() == 3
    call_command("datapoints_out_of_range", "--delete", stdout=out)
    assert list(DataPoint.objects.values_list("value", flat=True)) == [3]
    assert datapoints_in_range_check(databases=["default"]) == []

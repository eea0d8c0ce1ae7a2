"""GET/POST metrics, GET a metric's data points, DELETE one point."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from metrics.models import DataPoint, Metric
from metrics.services import PointIn, datapoints_upsert

pytestmark = pytest.mark.django_db


def metrics_url(team):
    return reverse("metrics:api-metric-list", args=[team.slug])


def points_url(team, key="followers"):
    return reverse("metrics:api-metric-datapoints", args=[team.slug, key])


def fill(metric, count, start=datetime(2026, 1, 1, tzinfo=UTC)):
    datapoints_upsert(
        points=[PointIn(metric.pk, start + timedelta(days=i), float(i)) for i in range(count)], source="api"
    )


def test_a_viewer_lists_the_teams_metrics_and_not_those_of_other_teams(api_client, users, org, followers, make_metric):
    make_metric(org["other"], "secret")
    api_client.force_login(users["viewer"])
    response = api_client.get(metrics_url(org["social"]))
    assert response.status_code == 200
    assert [m["key"] for m in response.json()] == ["followers"]


def test_a_key_with_read_scope_lists_metrics(api_client, team, followers, api_key_for):
    response = api_client.get(metrics_url(team), HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'read')}")
    assert response.json() == [{"key": "followers", "name": "Followers", "unit": "", "source": "manual"}]


def test_an_editor_creates_a_metric(api_client, users, team):
    api_client.force_login(users["editor"])
    response = api_client.post(metrics_url(team), {"key": "likes", "name": "Likes", "unit": "likes"}, format="json")
    assert response.status_code == 201, response.content
    metric = Metric.objects.get(team=team, key="likes")
    assert (metric.name, metric.unit, metric.source) == ("Likes", "likes", "api")


def test_a_duplicate_key_gets_a_clear_400(api_client, users, team, followers):
    api_client.force_login(users["editor"])
    response = api_client.post(metrics_url(team), {"key": "followers", "name": "Again"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"key": ["This team already has a metric with the key “followers”."]}
    assert Metric.objects.count() == 1


def test_the_same_key_may_exist_in_another_team(api_client, users, org, make_metric):
    make_metric(org["other"], "followers")
    api_client.force_login(users["editor"])
    assert (
        api_client.post(metrics_url(org["social"]), {"key": "followers", "name": "F"}, format="json").status_code == 201
    )


def test_a_bad_key_is_refused(api_client, users, team):
    api_client.force_login(users["editor"])
    response = api_client.post(metrics_url(team), {"key": "not a slug", "name": "X"}, format="json")
    assert response.status_code == 400
    assert "key" in response.json()
    assert not Metric.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_create_metrics(api_client, users, team, who, status):
    api_client.force_login(users[who])
    assert api_client.post(metrics_url(team), {"key": "x", "name": "X"}, format="json").status_code == status
    assert not Metric.objects.exists()


def test_an_ingest_key_cannot_create_metrics(api_client, team, api_key_for):
    key = api_key_for(team, "ingest")
    response = api_client.post(
        metrics_url(team), {"key": "x", "name": "X"}, format="json", HTTP_AUTHORIZATION=f"Api-Key {key}"
    )
    assert response.status_code == 403
    assert not Metric.objects.exists()


def test_points_are_listed_in_time_order_within_from_and_to(api_client, users, team, followers):
    fill(followers, 10)
    api_client.force_login(users["viewer"])
    response = api_client.get(points_url(team), {"from": "2026-01-03T00:00:00Z", "to": "2026-01-06T00:00:00Z"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(p["ts"], p["value"]) for p in body["results"]] == [
        ("2026-01-03T01:00:00+01:00", 2.0),
        ("2026-01-04T01:00:00+01:00", 3.0),
        ("2026-01-05T01:00:00+01:00", 4.0),
    ]


def test_points_are_paginated_with_a_constant_number_of_queries(
    api_client, users, team, followers, django_assert_max_num_queries
):
    fill(followers, 250)
    api_client.force_login(users["viewer"])
    with django_assert_max_num_queries(8):
        first = api_client.get(points_url(team)).json()
    assert first["count"] == 250
    assert len(first["results"]) == 100
    assert first["next"]


def test_a_bad_bound_gets_a_clear_400(api_client, users, team, followers):
    api_client.force_login(users["viewer"])
    response = api_client.get(points_url(team), {"from": "last week"})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["from"][0]


def test_points_of_another_teams_metric_are_404(api_client, users, org, make_metric):
    other_metric = make_metric(org["other"], "secret")
    fill(other_metric, 2)
    api_client.force_login(users["editor"])
    assert api_client.get(points_url(org["social"], "secret")).status_code == 404
    assert api_client.get(points_url(org["other"], "secret")).status_code == 404
    point = DataPoint.objects.first()
    url = reverse("metrics:api-datapoint-detail", args=[org["social"].slug, "secret", point.pk])
    assert api_client.delete(url).status_code == 404
    assert DataPoint.objects.count() == 2


def test_an_editor_deletes_one_point_and_a_viewer_cannot(api_client, users, team, followers, reach):
    fill(followers, 2)
    fill(reach, 1)
    point = DataPoint.objects.filter(metric=followers).first()
    url = reverse("metrics:api-datapoint-detail", args=[team.slug, "followers", point.pk])
    api_client.force_login(users["viewer"])
    assert api_client.delete(url).status_code == 403
    api_client.force_login(users["editor"])
    reach_point = DataPoint.objects.get(metric=reach)
    wrong_metric = reverse("metrics:api-datapoint-detail", args=[team.slug, "followers", reach_point.pk])
    assert api_client.delete(wrong_metric).status_code == 404
    assert api_client.delete(url).status_code == 204
    assert DataPoint.objects.count() == 2
    assert not DataPoint.objects.filter(pk=point.pk).exists()

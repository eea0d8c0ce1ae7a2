"""Metric pages: list, create, edit, delete with confirmation, detail with manual entry."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.models import DataPoint, Metric
from metrics.services import PointIn, datapoints_upsert

pytestmark = pytest.mark.django_db


def page(name, team, *args):
    return reverse(f"metrics:{name}", args=[team.slug, *args])


def fill(metric, count):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    datapoints_upsert(points=[PointIn(metric.pk, start + timedelta(days=i), i) for i in range(count)], source="api")


def test_anonymous_visitors_are_sent_to_sign_in(client, team, followers):
    for url in (page("metric-list", team), page("metric-detail", team, "followers"), page("import-upload", team)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_outsiders_get_404_on_every_page(client_for, team, followers):
    client = client_for("outsider")
    for url in (
        page("metric-list", team),
        page("metric-detail", team, "followers"),
        page("metric-edit", team, "followers"),
        page("metric-delete", team, "followers"),
        page("metric-create", team),
    ):
        assert client.get(url).status_code == 404, url


def test_the_list_shows_point_counts_and_queries_do_not_grow_with_metrics(client_for, team, make_metric):
    client = client_for("viewer")
    fill(make_metric(team, "metric-0"), 1)
    client.get(page("metric-list", team))  # the first request after sign-in also loads the session
    with CaptureQueriesContext(connection) as one_metric:
        client.get(page("metric-list", team))
    for i in range(1, 6):
        fill(make_metric(team, f"metric-{i}"), i + 1)
    with CaptureQueriesContext(connection) as six_metrics:
        response = client.get(page("metric-list", team))
    assert len(six_metrics) == len(one_metric)
    rows = {m.key: m.point_count for m in response.context["metrics"]}
    assert rows == {f"metric-{i}": i + 1 for i in range(6)}
    assert "New metric" not in response.content.decode()


def test_an_editor_creates_a_metric_and_lands_on_its_page(client_for, team):
    response = client_for("editor").post(
        page("metric-create", team), {"key": "likes", "name": "Likes", "unit": "likes", "source": "manual"}
    )
    metric = Metric.objects.get(team=team, key="likes")
    assert response.status_code == 302
    assert response["Location"] == metric.get_absolute_url()


@pytest.mark.parametrize(
    ("key", "message"),
    [("followers", "already has a metric with the key"), ("import", "is reserved"), ("a b", "valid")],
)
def test_a_taken_reserved_or_bad_key_is_explained(client_for, team, followers, key, message):
    response = client_for("editor").post(page("metric-create", team), {"key": key, "name": "X", "source": "manual"})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["key"])
    assert Metric.objects.count() == 1


def test_a_viewer_cannot_create_edit_or_delete(client_for, team, followers):
    client = client_for("viewer")
    assert client.post(page("metric-create", team), {"key": "x", "name": "X", "source": "manual"}).status_code == 403
    assert client.post(page("metric-edit", team, "followers"), {"name": "Y", "source": "manual"}).status_code == 403
    assert client.post(page("metric-delete", team, "followers")).status_code == 403
    assert list(Metric.objects.values_list("key", "name")) == [("followers", "Followers")]


def test_an_editor_edits_name_and_unit_but_not_the_key(client_for, team, followers):
    response = client_for("editor").post(
        page("metric-edit", team, "followers"), {"key": "hacked", "name": "Fans", "unit": "people", "source": "api"}
    )
    assert response.status_code == 302
    followers.refresh_from_db()
    assert (followers.key, followers.name, followers.unit, followers.source) == ("followers", "Fans", "people", "api")


def test_deleting_asks_for_confirmation_and_says_how_many_points_go(client_for, team, followers):
    fill(followers, 7)
    client = client_for("editor")
    confirm = client.get(page("metric-delete", team, "followers"))
    assert "Its 7 data points are deleted with it." in confirm.content.decode()
    assert Metric.objects.exists()
    response = client.post(page("metric-delete", team, "followers"), follow=True)
    assert "and its 7 data points were deleted" in response.content.decode()
    assert not Metric.objects.exists()
    assert not DataPoint.objects.exists()


def test_a_metric_used_by_a_kpi_cannot_be_deleted_and_the_kpi_is_named(client_for, team, followers):
    from scorecard.models import KPI, Perspective, Scorecard
    from strategy.models import StrategyMap

    strategy_map = StrategyMap.objects.create(
        team=team, title="2026", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    scorecard = Scorecard.objects.create(team=team, strategy_map=strategy_map, title="2026")
    perspective = Perspective.objects.get_or_create(scorecard=scorecard, key="customer", defaults={"name": "Customer"})[
        0
    ]
    KPI.objects.create(perspective=perspective, name="Audience growth", metric=followers)
    fill(followers, 2)
    response = client_for("editor").post(page("metric-delete", team, "followers"), follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "cannot be deleted because these KPIs use it: Audience growth" in text
    assert Metric.objects.exists()
    assert DataPoint.objects.count() == 2


def test_the_detail_page_shows_latest_points_and_a_chart(client_for, team, followers):
    fill(followers, 30)
    response = client_for("viewer").get(page("metric-detail", team, "followers"))
    assert response.status_code == 200
    assert len(response.context["points"]) == 20
    assert response.context["points"][0].value == 29
    series = response.context["chart"]["data"][0]
    assert series["type"] == "scatter"
    assert series["x"][0] == "2026-01-01T01:00:00"  # wall-clock time in the team's zone (UTC+1)
    assert series["y"][-1] == 29
    html = response.content.decode()
    assert 'data-figure-id="metric-series"' in html
    assert "Add or correct a value" not in html  # viewers do not get the form


def test_the_detail_page_of_another_teams_metric_is_404(client_for, org, make_metric):
    make_metric(org["other"], "secret")
    assert client_for("editor").get(page("metric-detail", org["social"], "secret")).status_code == 404


def test_an_editor_adds_then_corrects_a_value_for_a_date(client_for, team, followers):
    client = client_for("editor")
    response = client.post(
        page("metric-detail", team, "followers"), {"day": "2026-02-03", "value": "12.5"}, follow=True
    )
    assert "The value was added." in response.content.decode()
    point = DataPoint.objects.get()
    assert point.ts == datetime(2026, 2, 3, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert (point.value, point.source) == (12.5, "manual")
    response = client.post(page("metric-detail", team, "followers"), {"day": "2026-02-03", "value": "13"}, follow=True)
    assert "The value was corrected." in response.content.decode()
    assert list(DataPoint.objects.values_list("value", flat=True)) == [13.0]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2026-02-03", "value": "nan"}, "value"),
        ({"day": "2026-02-03", "value": "1e16"}, "value"),
        ({"day": "3 feb", "value": "1"}, "day"),
        ({"day": "", "value": "1"}, "day"),
    ],
)
def test_bad_manual_input_is_explained_and_nothing_is_written(client_for, team, followers, data, field):
    response = client_for("editor").post(page("metric-detail", team, "followers"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("days_ahead", [1, 3])
def test_a_future_date_is_refused(client_for, team, followers, days_ahead):
    future = (timezone.localdate() + timedelta(days=days_ahead)).isoformat()
    response = client_for("editor").post(page("metric-detail", team, "followers"), {"day": future, "value": "1"})
    assert "in the future" in str(response.context["form"].errors["day"])
    assert not DataPoint.objects.exists()


def test_a_viewer_cannot_enter_values(client_for, team, followers):
    response = client_for("viewer").post(page("metric-detail", team, "followers"), {"day": "2026-02-03", "value": "1"})
    assert response.status_code == 403
    assert not DataPoint.objects.exists()


def test_an_editor_deletes_a_point_from_the_page(client_for, team, followers, reach):
    fill(followers, 2)
    fill(reach, 1)
    point = DataPoint.objects.filter(metric=followers).first()
    other = DataPoint.objects.get(metric=reach)
    client = client_for("editor")
    assert client.post(page("datapoint-delete", team, "followers", other.pk)).status_code == 404
    assert client.post(page("datapoint-delete", team, "followers", point.pk)).status_code == 302
    assert DataPoint.objects.count() == 2
    assert client_for("viewer").post(page("datapoint-delete", team, "reach", other.pk)).status_code == 403


def test_editing_a_metric_without_a_name_is_refused_and_nothing_changes(client_for, team, followers):
    response = client_for("editor").post(
        page("metric-edit", team, "followers"), {"name": "", "unit": "people", "source": "manual"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    followers.refresh_from_db()
    assert followers.name != ""

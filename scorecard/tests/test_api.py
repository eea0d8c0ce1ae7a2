"""REST API: CRUD of scorecards, perspectives, KPIs, targets and actions, with the services' messages."""

import pytest
from django.urls import reverse

from metrics.models import Metric
from scorecard.models import KPI, Scorecard, Target

pytestmark = pytest.mark.django_db


def auth(api_client, api_key_for, team, *scopes):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, *scopes)}")
    return api_client


def test_an_integration_builds_a_scorecard_with_a_write_key(api_client, api_key_for, team, strategy_map, make_metric):
    client = auth(api_client, api_key_for, team, "read", "write")
    make_metric("leads")
    created = client.post(
        reverse("scorecard:api-scorecard-list", args=[team.slug]),
        {"strategy_map": strategy_map.pk, "title": "API card", "frequency": "quarter"},
        format="json",
    )
    assert created.status_code == 201
    scorecard_id = created.json()["id"]
    base = [team.slug, scorecard_id]
    perspectives = client.get(reverse("scorecard:api-perspective-list", args=base)).json()
    assert [p["key"] for p in perspectives] == ["customer", "organisation", "social_media", "financial"]
    assert perspectives[0]["name"] == "Customer"

    renamed = client.patch(
        reverse("scorecard:api-perspective-detail", args=[*base, perspectives[3]["id"]]),
        {"name": "Money", "weight": 2},
        format="json",
    )
    assert (renamed.json()["name"], renamed.json()["weight"]) == ("Money", 2.0)

    kpi = client.post(
        reverse("scorecard:api-kpi-list", args=base),
        {"perspective": perspectives[3]["id"], "name": "Leads", "metric": "leads", "aggregation": "sum"},
        format="json",
    )
    assert kpi.status_code == 201, kpi.json()
    kpi_id = kpi.json()["id"]
    target = client.post(
        reverse("scorecard:api-target-list", args=[*base, kpi_id]),
        {"period_start": "2027-01-01", "period_end": "2027-12-31", "goal": 100, "red_flag": 80},
        format="json",
    )
    assert target.status_code == 201, target.json()
    action = client.post(
        reverse("scorecard:api-action-list", args=base),
        {"perspective": perspectives[3]["id"], "kpi": kpi_id, "title": "Run a campaign", "due_date": "2027-02-01"},
        format="json",
    )
    assert action.status_code == 201, action.json()
    scores = client.get(reverse("scorecard:api-scores", args=base) + "?period=2027-Q1").json()
    money = next(p for p in scores["perspectives"] if p["key"] == "financial")
    assert money["kpis"][0]["goal"] == 300.0  # a quarter of a monthly sum KPI: 3 x 100

    assert client.delete(reverse("scorecard:api-kpi-detail", args=[*base, kpi_id])).status_code == 204
    assert not KPI.objects.exists()


def test_a_kpi_with_an_unknown_formula_metric_is_refused_with_the_same_message(api_client, users, scorecard):
    api_client.force_authenticate(users["editor"])
    perspective = scorecard.perspectives.first()
    response = api_client.post(
        reverse("scorecard:api-kpi-list", args=["social", scorecard.pk]),
        {"perspective": perspective.pk, "name": "Rate", "formula": "sum(eng) / sum(impr)"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"formula": ["The formula uses metrics this team does not have: eng, impr."]}
    assert not KPI.objects.exists() and not Metric.objects.exists()


def test_a_target_with_goal_equal_to_red_flag_is_refused(api_client, users, scorecard, make_metric):
    api_client.force_authenticate(users["editor"])
    from scorecard import services

    kpi = services.kpi_create(perspective=scorecard.perspectives.first(), name="Leads", metric=make_metric("leads"))
    response = api_client.post(
        reverse("scorecard:api-target-list", args=["social", scorecard.pk, kpi.pk]),
        {"period_start": "2027-01-01", "period_end": "2027-12-31", "goal": 5, "red_flag": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "goal" in response.json()
    assert not Target.objects.exists()


def test_a_metric_of_another_team_does_not_exist_for_the_api(api_client, users, scorecard, org):
    Metric.objects.create(team=org["other"], key="theirs", name="Theirs")
    api_client.force_authenticate(users["editor"])
    response = api_client.post(
        reverse("scorecard:api-kpi-list", args=["social", scorecard.pk]),
        {"perspective": scorecard.perspectives.first().pk, "name": "x", "metric": "theirs"},
        format="json",
    )
    assert response.status_code == 400
    assert "metric" in response.json()


def test_scorecard_updates_keep_the_strategy_map(api_client, users, scorecard):
    api_client.force_authenticate(users["editor"])
    url = reverse("scorecard:api-scorecard-detail", args=["social", scorecard.pk])
    response = api_client.patch(url, {"title": "Renamed", "frequency": "year"}, format="json")
    assert response.status_code == 200
    scorecard.refresh_from_db()
    assert (scorecard.title, scorecard.frequency) == ("Renamed", "year")
    assert api_client.patch(url, {"frequency": "week"}, format="json").status_code == 400
    assert api_client.delete(url).status_code == 204
    assert not Scorecard.objects.exists()


def test_an_owner_from_outside_the_team_is_not_found(api_client, users, scorecard):
    api_client.force_authenticate(users["editor"])
    response = api_client.post(
        reverse("scorecard:api-kpi-list", args=["social", scorecard.pk]),
        {"perspective": scorecard.perspectives.first().pk, "name": "x", "owner": "outsider"},
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    assert not KPI.objects.exists()

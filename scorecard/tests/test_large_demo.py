import io

import pytest
from django.core.management import call_command

from metrics.models import DataPoint, Metric
from scorecard.large_demo import seed_large
from scorecard.models import KPI, Action, Perspective, Scorecard, Target
from strategy.models import StrategyMap
from teams.models import Membership, Role, Team

TINY = {"teams": 2, "kpis_per_team": 4, "days": 5}
MODELS = [Team, StrategyMap, Scorecard, Perspective, Metric, KPI, Target, Action, DataPoint, Membership]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def point_values() -> list[tuple[str, str, float]]:
    return list(DataPoint.objects.order_by("metric__team__slug", "metric__key", "ts").values_list(
        "metric__team__slug", "metric__key", "value"
    ))  # fmt: skip


@pytest.fixture
def manager(make_user):
    return make_user("manager")


def test_tiny_large_data_set_has_teams_under_large_org_each_with_a_full_scorecard(db, manager):
    seed_large(**TINY, stdout=io.StringIO())

    parent = Team.objects.get(slug="large")
    assert parent.name == "Large Org"
    assert list(parent.children.values_list("slug", flat=True)) == ["large-01", "large-02"]
    scorecard = Scorecard.objects.get(team__slug="large-01")
    assert scorecard.strategy_map.team.slug == "large-01"
    assert list(scorecard.perspectives.values_list("key", "name")) == [
        ("customer", "Customer"),
        ("organisation", "Organisation"),
        ("social_media", "Social media"),
        ("financial", "Financial"),
    ]
    kpis = KPI.objects.filter(perspective__scorecard=scorecard)
    assert kpis.count() == 4
    assert {k.perspective.key for k in kpis} == {"customer", "organisation", "social_media", "financial"}
    assert len({k.metric_id for k in kpis}) == 4, "every KPI has its own metric"
    assert all(k.metric.team_id == scorecard.team_id for k in kpis)
    assert Target.objects.filter(kpi__in=kpis).values("kpi").distinct().count() == 4


def test_every_kpi_gets_one_point_per_day(db, manager):
    seed_large(**TINY, stdout=io.StringIO())

    assert DataPoint.objects.count() == 2 * 4 * 5
    per_metric = {m.pk: m.datapoints.count() for m in Metric.objects.filter(team__parent__slug="large")}
    assert set(per_metric.values()) == {5}


def test_the_demo_manager_becomes_a_viewer_of_large_org(db, manager):
    seed_large(**TINY, stdout=io.StringIO())

    membership = Membership.objects.get(user=manager, team__slug="large")
    assert membership.role == Role.VIEWER


def test_without_a_demo_manager_no_membership_is_made(db):
    seed_large(**TINY, stdout=io.StringIO())

    assert not Membership.objects.filter(team__slug="large").exists()


def test_running_it_twice_leaves_the_same_rows_and_values(db, manager):
    seed_large(**TINY, stdout=io.StringIO())
    counts, values = row_counts(), point_values()

    second = io.StringIO()
    seed_large(**TINY, stdout=second)

    assert row_counts() == counts
    assert point_values() == values
    assert "(0 new)" in second.getvalue()


def test_values_are_deterministic_and_vary(db, manager):
    seed_large(**TINY, stdout=io.StringIO())
    first = point_values()
    DataPoint.objects.all().delete()

    seed_large(**TINY, stdout=io.StringIO())

    assert point_values() == first
    assert len({value for _, _, value in first}) > len(first) // 2


def test_progress_and_timing_are_printed(db):
    out = io.StringIO()
    seed_large(**TINY, stdout=out)

    text = out.getvalue()
    assert "[1/2] Large Org team 01: 20 points (20 new)" in text
    assert "Large data set ready: 2 teams x 4 KPIs, 40 points" in text


def test_seed_demo_without_large_flag_does_not_create_the_large_data_set(db):
    call_command("seed_demo", stdout=io.StringIO())

    assert not Team.objects.filter(slug="large").exists()


def test_seed_demo_large_flag_adds_the_large_data_set_after_the_normal_demo(db, monkeypatch):
    calls = []
    monkeypatch.setattr("scorecard.large_demo.seed_large", lambda **kwargs: calls.append(kwargs))

    call_command("seed_demo", "--large", stdout=io.StringIO())

    assert Team.objects.filter(slug="acme").exists()
    assert len(calls) == 1

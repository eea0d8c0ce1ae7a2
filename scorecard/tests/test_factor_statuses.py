"""The strategy map diagram shows, per success factor, the status of the KPIs that measure it."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.evaluation import factor_statuses
from scorecard.tests.conftest import local
from strategy.diagram import STATUS_STYLE

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def measured_factor(success_factor, perspective, make_metric, put_points):
    """Two KPIs measure the factor in March 2027: one green (leads), one red (complaints, lower is better)."""
    for name, goal, red_flag, value in (("Leads", 100, 50, 120.0), ("Complaints", 5, 10, 12.0)):
        metric = make_metric(name.lower())
        kpi = services.kpi_create(
            perspective=perspective, name=name, metric=metric, aggregation="sum", success_factor=success_factor
        )
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=goal, red_flag=red_flag
        )
        put_points(metric, [(local(2027, 3, 2), value)])
    return success_factor


def test_each_success_factor_gets_the_status_of_its_kpis(measured_factor, strategy_map):
    assert sorted(factor_statuses(strategy_map=strategy_map, now=NOW)[measured_factor.pk]) == ["green", "red"]


def test_a_map_without_a_scorecard_has_no_kpi_colours(strategy_map):
    strategy_map.scorecards.all().delete()
    assert factor_statuses(strategy_map=strategy_map, now=NOW) == {}


def test_the_map_page_draws_the_kpi_marks_next_to_the_factor(client_for, team, measured_factor, strategy_map):
    page = client_for("viewer").get(reverse("strategy:map-detail", args=[team.slug, strategy_map.pk]))
    figure = json.dumps(page.context["figure"], ensure_ascii=False)
    assert "2 KPIs" in figure
    # The marks are symbols as well as colours (never colour alone); the current period has no points.
    assert STATUS_STYLE["grey"][1] in figure

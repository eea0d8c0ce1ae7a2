"""Evaluation defects found by the walk-through, each fixed at its root."""

from datetime import date

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.evaluation import evaluate_scorecard
from scorecard.models import KPI
from scorecard.periods import parse_period
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db


def test_a_kpi_made_for_hand_entry_takes_the_last_value_not_the_sum(perspective, make_metric):
    by_hand = services.kpi_create(perspective=perspective, name="Customer satisfaction")
    fed = services.kpi_create(perspective=perspective, name="Leads", metric=make_metric("leads"))
    chosen = services.kpi_create(perspective=perspective, name="Visits", aggregation="sum")
    assert (by_hand.aggregation, fed.aggregation, chosen.aggregation) == ("last", "sum", "sum")


def test_the_new_kpi_form_leaves_the_aggregation_to_the_source(client_for, scorecard, perspective):
    url = reverse("scorecard:kpi-create", args=[scorecard.team.slug, perspective.pk])
    response = client_for("editor").post(
        url, {"perspective": perspective.pk, "name": "NPS", "frequency": "month", "scoring_type": "goal_red_flag",
              "weight": 1, "decimals": 0, "aggregation": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert KPI.objects.get(name="NPS").aggregation == "last"


def test_a_hand_entered_level_is_forecast_by_its_trend_not_by_run_rate(scorecard, perspective, put_points):
    kpi = services.kpi_create(perspective=perspective, name="Satisfaction")
    services.target_create(kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=8, red_flag=6)
    put_points(kpi.metric, [(local(2027, 3, 1, 0), 7.0)])  # entered for 1 March
    result = evaluate_scorecard(scorecard=scorecard, period=parse_period("2027-03"), now=local(2027, 3, 10))
    item = next(i for p in result.perspectives for i in p.kpis)
    assert item.actual == 7.0 and item.forecast == 7.0  # a run rate would say 7 / (9/31) = 24


def test_progress_of_an_earlier_year_counts_from_where_that_year_started(
    scorecard, perspective, make_metric, put_points
):
    """The KPI's baseline (5,000 on 1 January 2027) belongs to the 2027 target; 2026 started at 3,000."""
    kpi = services.kpi_create(
        perspective=perspective, name="Followers", metric=make_metric("f"), aggregation="last", baseline=5000
    )
    services.target_create(
        kpi=kpi, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), goal=4000, red_flag=3500
    )
    services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=6000, red_flag=5500, pacing="linear"
    )
    put_points(kpi.metric, [(local(2025, 12, 20), 3000.0), (local(2026, 12, 20), 3800.0), (local(2027, 3, 1), 5200.0)])
    year = evaluate_scorecard(scorecard=scorecard, period=parse_period("2026"), now=local(2027, 3, 2))
    item = next(i for p in year.perspectives for i in p.kpis)
    assert (item.goal, item.status) == (4000.0, "amber")
    assert item.progress == pytest.approx((3800 - 3000) / (4000 - 3000))  # 80 %, not 100 % from 5,000
    now = evaluate_scorecard(scorecard=scorecard, period=parse_period("2027"), now=local(2027, 3, 2))
    current = next(i for p in now.perspectives for i in p.kpis)
    assert current.progress is not None and current.progress > 0  # 2027 counts from the KPI's baseline

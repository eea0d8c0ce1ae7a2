"""Cached period results never outlive the data, targets or KPIs they were made from."""

from datetime import date

import pytest

from scorecard import services
from scorecard.evaluation import evaluate_scorecards
from scorecard.periods import parse_period
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db

MARCH = parse_period("2027-03")  # closed when seen from May 2027


def _leads(scorecard):
    (result,) = evaluate_scorecards(scorecards=[scorecard], periods=[MARCH, MARCH.next()], now=local(2027, 5, 20))[
        scorecard.pk
    ][:1]
    return next(item for perspective in result.perspectives for item in perspective.kpis)


def test_a_cached_closed_period_shows_new_points_targets_and_kpi_changes(
    scorecard, perspective, make_metric, put_points, django_capture_on_commit_callbacks
):
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=make_metric("leads"), aggregation="sum")
    target = services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=100, red_flag=50
    )
    put_points(kpi.metric, [(local(2027, 3, 3), 40.0)])
    assert (_leads(scorecard).actual, _leads(scorecard).status) == (40.0, "red")
    with django_capture_on_commit_callbacks(execute=True):  # the writes commit
        put_points(kpi.metric, [(local(2027, 3, 9), 30.0)])
    assert (_leads(scorecard).actual, _leads(scorecard).status) == (70.0, "amber")
    with django_capture_on_commit_callbacks(execute=True):
        services.target_update(target=target, goal=60, red_flag=30)
    assert (_leads(scorecard).goal, _leads(scorecard).status) == (60.0, "green")
    with django_capture_on_commit_callbacks(execute=True):
        services.kpi_update(kpi=kpi, aggregation="max")
    assert _leads(scorecard).actual == 40.0

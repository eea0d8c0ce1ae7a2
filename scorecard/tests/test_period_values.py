"""A KPI's actual aggregates the points of the period in the team's time zone (DESIGN.md section 4)."""

from datetime import UTC, datetime

import pytest

from scorecard import services
from scorecard.evaluation import evaluate_scorecard as scorecard_scores
from scorecard.evaluation.aggregates import EMPTY, metrics_with_newest, period_values
from scorecard.periods import parse_period
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db


def test_a_point_just_after_local_midnight_belongs_to_the_new_month_across_dst(make_metric, put_points):
    metric = make_metric("visits")
    # 1 April 2027 00:30 in Amsterdam is summer time: 31 March 22:30 UTC.
    # 1 November 2027 00:30 is winter time again: 31 October 23:30 UTC.
    april_first = datetime(2027, 3, 31, 22, 30, tzinfo=UTC)
    november_first = datetime(2027, 10, 31, 23, 30, tzinfo=UTC)
    put_points(
        metric,
        [
            (local(2027, 3, 31, 23, 59), 1.0),
            (april_first, 10.0),
            (local(2027, 4, 30, 23, 59), 100.0),
            (local(2027, 10, 31, 23, 59), 1000.0),
            (november_first, 10000.0),
        ],
    )
    months = [parse_period(label) for label in ("2027-03", "2027-04", "2027-10", "2027-11")]
    found = period_values(metric_ids=[metric.pk], periods=months)
    per_range = [found[(metric.pk, m)] for m in months]
    assert [r["sum"] for r in per_range] == [1.0, 110.0, 1000.0, 10000.0]
    assert [r["count"] for r in per_range] == [1.0, 2.0, 1.0, 1.0]
    assert per_range[1]["last"] == 100.0
    assert metrics_with_newest(_only(metric))[0]["newest"] == november_first


def test_the_team_time_zone_decides_the_month(team, scorecard, perspective, make_metric, put_points):
    metric = make_metric("leads")
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=metric, aggregation="sum")
    put_points(metric, [(datetime(2027, 3, 31, 23, 0, tzinfo=UTC), 5.0)])  # 1 April 01:00 in Amsterdam

    april = scorecard_scores(scorecard=scorecard, period=parse_period("2027-04"))
    assert _kpi(april, kpi).actual == 5.0

    team.timezone = "America/New_York"  # 31 March 19:00 there
    team.save()
    scorecard.refresh_from_db()
    march = scorecard_scores(scorecard=scorecard, period=parse_period("2027-03"))
    assert _kpi(march, kpi).actual == 5.0


def test_last_min_max_avg_come_from_the_points_of_the_period(make_metric, put_points):
    metric = make_metric("followers")
    put_points(metric, [(local(2027, 5, 2), 10.0), (local(2027, 5, 20), 30.0), (local(2027, 5, 9), 50.0)])
    may = parse_period("2027-05")
    per = period_values(metric_ids=[metric.pk], periods=[may])[(metric.pk, may)]
    assert per == {"sum": 90.0, "avg": 30.0, "min": 10.0, "max": 50.0, "count": 3.0, "last": 30.0}


def test_a_metric_without_points_has_no_value_but_a_zero_count(make_metric):
    metric = make_metric("empty")
    may = parse_period("2027-05")
    assert (metric.pk, may) not in period_values(metric_ids=[metric.pk], periods=[may])
    assert EMPTY["sum"] is None and EMPTY["last"] is None and EMPTY["count"] == 0.0  # what a KPI then reads
    assert metrics_with_newest(_only(metric))[0]["newest"] is None


def _only(metric):
    from django.db.models import Q

    return Q(pk=metric.pk)


def _kpi(scores, kpi):
    return next(item for p in scores.perspectives for item in p.kpis if item.kpi.pk == kpi.pk)

"""A period that has not ended is judged on pace (hand-computed tables; scorecard.evaluation's docstring).

March 2027 has 31 days; in Amsterdam the clocks go forward on Sunday 28 March, so the month has 743 hours. The pace
counts whole local days, so the share on the 29th is 29/31 either way.
"""

from datetime import date

import pytest

from scorecard import services
from scorecard.evaluation import evaluate_scorecard, status_label
from scorecard.periods import parse_period
from scorecard.scoring import elapsed_share
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db

MARCH = parse_period("2027-03")


def _only(scorecard, now, period=MARCH):
    result = evaluate_scorecard(scorecard=scorecard, period=period, now=now)
    (item,) = [item for perspective in result.perspectives for item in perspective.kpis]
    return result, item


@pytest.fixture
def monthly_leads(perspective, make_metric):
    """310 leads a month is the goal, 155 the red flag: 10 and 5 a day."""
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=make_metric("leads"), aggregation="sum")
    services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=310, red_flag=155
    )
    return kpi


# day of March (now at noon), points so far (day, value), goal, red flag, status, label, score
SUM_TABLE = [
    # Day 1: 1/31 of the month: goal 10, red flag 5. 12 leads: 10/3 * (12 - 5) / 5 + 10/3 = 8.
    (1, [(1, 12.0)], 10.0, 5.0, "green", "On pace", 8.0),
    # Half-way, the 16th: 16/31: goal 160, red flag 80. 100 leads: 10/3 * 20 / 80 + 10/3 = 4.1667.
    (16, [(1, 12.0), (10, 88.0)], 160.0, 80.0, "amber", "Slightly behind pace", 10 / 3 * 20 / 80 + 10 / 3),
    # The 29th, after the clocks changed: 29/31: goal 290, red flag 145. 300 leads: 10/3 * 155 / 145 + 10/3.
    (29, [(1, 100.0), (29, 200.0)], 290.0, 145.0, "green", "On pace", 10 / 3 * 155 / 145 + 10 / 3),
    # The last day: the whole goal, 310 / 155. 150 leads: 10/3 * -5 / 155 + 10/3 = 3.2258.
    (31, [(1, 100.0), (31, 50.0)], 310.0, 155.0, "red", "Behind pace", 10 / 3 * -5 / 155 + 10 / 3),
]


@pytest.mark.parametrize(("day", "points", "goal", "red_flag", "status", "label", "score"), SUM_TABLE)
def test_a_sum_kpi_in_a_running_month_is_judged_against_the_share_of_its_goal_due_by_today(
    scorecard, monthly_leads, put_points, day, points, goal, red_flag, status, label, score
):
    put_points(monthly_leads.metric, [(local(2027, 3, d, 9), v) for d, v in points])
    result, item = _only(scorecard, local(2027, 3, day, 12))
    assert (item.goal, item.red_flag) == (pytest.approx(goal), pytest.approx(red_flag))
    assert (item.status, item.status_label, item.in_progress) == (status, label, True)
    assert item.score == pytest.approx(score)
    assert item.period_goal == 310.0  # the forecast is judged against the whole month's goal
    assert result.in_progress and result.status_label == status_label(result.status, in_progress=True)


def test_once_the_month_has_ended_it_is_judged_against_the_whole_goal(scorecard, monthly_leads, put_points):
    put_points(monthly_leads.metric, [(local(2027, 3, 1, 9), 100.0), (local(2027, 3, 31, 9), 50.0)])
    result, item = _only(scorecard, local(2027, 4, 2, 12))
    assert (item.goal, item.red_flag, item.status, item.status_label) == (310.0, 155.0, "red", "Red flag")
    assert not item.in_progress and not result.in_progress


def test_the_first_day_of_a_month_shows_no_false_alarm(scorecard, monthly_leads, put_points):
    """The walk-through's case: one day of data, 11 leads against 310 a month used to say "Red flag"."""
    put_points(monthly_leads.metric, [(local(2027, 3, 1, 9), 11.0)])
    _result, item = _only(scorecard, local(2027, 3, 1, 18))
    assert item.status == "green" and item.status_label == "On pace"
    # Run rate to the end of the month: 11 in 18 of the month's 743 hours.
    assert item.forecast == pytest.approx(11.0 * 743 / 18)
    assert item.forecast_status == "green"


def test_the_pace_counts_days_so_a_daylight_saving_change_does_not_move_it():
    assert elapsed_share(period_start=MARCH.start, period_end=MARCH.end, today=date(2027, 3, 28)) == 28 / 31
    assert elapsed_share(period_start=MARCH.start, period_end=MARCH.end, today=date(2027, 3, 29)) == 29 / 31
    assert elapsed_share(period_start=MARCH.start, period_end=MARCH.end, today=date(2027, 2, 28)) == 0.0
    assert elapsed_share(period_start=MARCH.start, period_end=MARCH.end, today=date(2027, 4, 1)) == 1.0


# A level KPI (last): followers, goal 5,000 and red flag 4,000 in every month; the goal is not pro-rated.
LEVEL_TABLE = [
    (1, 4500.0, "amber", "Slightly behind pace", 5.0),  # 10/3 * 500 / 1000 + 10/3
    (16, 5000.0, "green", "On pace", 20 / 3),
    (31, 3500.0, "red", "Behind pace", 10 / 3 * -500 / 1000 + 10 / 3),
]


@pytest.mark.parametrize(("day", "followers", "status", "label", "score"), LEVEL_TABLE)
def test_a_level_kpi_in_a_running_month_keeps_its_goal(
    scorecard, perspective, make_metric, put_points, day, followers, status, label, score
):
    kpi = services.kpi_create(perspective=perspective, name="Followers", metric=make_metric("f"), aggregation="last")
    services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=5000, red_flag=4000
    )
    put_points(kpi.metric, [(local(2027, 3, day, 9), followers)])
    _result, item = _only(scorecard, local(2027, 3, day, 12))
    assert (item.goal, item.red_flag) == (5000.0, 4000.0)
    assert (item.status, item.status_label, item.in_progress) == (status, label, True)
    assert item.score == pytest.approx(score)


# A paced level KPI: 2,000 followers (red flag 1,500) by 31 December 2027 from a baseline of 1,000 on 1 January,
# viewed as a year: on day d the goal is 1000 + 1000 * (d - 1) / 364 and the red flag 1000 + 500 * (d - 1) / 364.
PACED_TABLE = [
    (date(2027, 1, 1), 1100.0, None, None, "grey"),  # day 1: goal = red flag = baseline, nothing to judge yet
    (date(2027, 7, 2), 1400.0, 1500.0, 1250.0, "amber"),  # day 183, half-way: 182/364
    (date(2027, 12, 31), 2100.0, 2000.0, 1500.0, "green"),  # the last day: the target itself
]


@pytest.mark.parametrize(("today", "followers", "goal", "red_flag", "status"), PACED_TABLE)
def test_a_paced_level_kpi_keeps_its_linear_pacing_while_the_year_runs(
    scorecard, perspective, make_metric, put_points, today, followers, goal, red_flag, status
):
    kpi = services.kpi_create(
        perspective=perspective, name="Followers", metric=make_metric("f"), aggregation="last", baseline=1000
    )
    services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=2000, red_flag=1500,
        pacing="linear",
    )  # fmt: skip
    put_points(kpi.metric, [(local(today.year, today.month, today.day, 9), followers)])
    _result, item = _only(scorecard, local(today.year, today.month, today.day, 12), period=parse_period("2027"))
    if goal is None:
        assert item.score is None and item.status == "grey" and item.in_progress
        return
    assert (item.goal, item.red_flag) == (pytest.approx(goal), pytest.approx(red_flag))
    assert item.status == status and item.in_progress

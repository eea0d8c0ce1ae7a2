"""Section 4 over time: aggregation, target combination, pacing, progress, forecast and staleness."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scorecard.periods import parse_period
from scorecard.scoring import (
    AMBER,
    GREEN,
    GREY,
    RED,
    ScoringError,
    aggregate,
    combine_native_targets,
    forecast,
    is_stale,
    judged_on,
    paced_value,
    progress,
    score_paced,
)


@pytest.mark.parametrize(
    ("aggregation", "values", "expected"),
    [
        ("sum", [1, 2, 3.5], 6.5),
        ("avg", [1, 2, 6], 3.0),
        ("last", [5, 1, 3], 3.0),
        ("min", [5, 1, 3], 1.0),
        ("max", [5, 1, 3], 5.0),
        ("count", [5, 1, 3], 3.0),
    ],
)
def test_aggregate_over_time_ordered_values(aggregation, values, expected):
    assert aggregate(aggregation, values) == expected


@pytest.mark.parametrize("aggregation", ["sum", "avg", "last", "min", "max", "count"])
def test_aggregate_of_no_values_is_no_data(aggregation):
    assert aggregate(aggregation, []) is None
    assert combine_native_targets(aggregation, []) is None


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", 1200.0), ("count", 1200.0), ("avg", 100.0), ("last", 100.0), ("min", 100.0), ("max", 100.0)],
)
def test_a_year_of_a_monthly_target_of_100(aggregation, expected):
    assert combine_native_targets(aggregation, [100.0] * 12) == expected


def test_longer_view_of_a_non_additive_target_takes_the_last_native_period():
    assert combine_native_targets("avg", [10, 20, 30]) == 30.0


def test_unknown_aggregation_is_refused():
    with pytest.raises(ScoringError):
        aggregate("median", [1.0])


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 12, 1), 1000.0),  # before the range: the baseline
        (date(2027, 1, 1), 1000.0),  # first day: the baseline
        (date(2027, 7, 2), 5500.0),  # half-way: 182 of 364 days
        (date(2027, 12, 31), 10000.0),  # last day: the full target
        (date(2028, 3, 1), 10000.0),  # after the range: the target
    ],
)
def test_linear_pacing_from_baseline_1000_to_10000_over_2027(on, expected):
    paced = paced_value(
        baseline=1000, target_value=10000, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), on=on
    )
    assert paced == pytest.approx(expected)


def test_pacing_a_one_day_range_gives_the_target():
    day = date(2027, 5, 1)
    assert paced_value(baseline=0, target_value=7, period_start=day, period_end=day, on=day) == 7


def test_pacing_downwards_for_lower_is_better_targets():
    paced = paced_value(
        baseline=10, target_value=2, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), on=date(2027, 7, 2)
    )
    assert paced == pytest.approx(6)


@pytest.mark.parametrize(
    ("actual", "baseline", "goal", "expected"),
    [
        (550, 100, 1000, 0.5),
        (50, 100, 1000, 0.0),  # clamped below
        (2000, 100, 1000, 1.0),  # clamped above
        (6, 10, 2, 0.5),  # lower is better
        (1, 10, 2, 1.0),
        (5, 5, 5, None),  # goal == baseline
        (None, 100, 1000, None),
        (550, None, 1000, None),
        (550, 100, None, None),
    ],
)
def test_progress_from_baseline_to_goal(actual, baseline, goal, expected):
    assert progress(actual, baseline=baseline, goal=goal) == (pytest.approx(expected) if expected is not None else None)


MARCH_START = datetime(2027, 3, 1, tzinfo=UTC)
MARCH_END = datetime(2027, 4, 1, tzinfo=UTC)


def _day(n: float) -> datetime:
    return MARCH_START + timedelta(days=n)


def test_forecast_of_a_sum_is_the_run_rate():
    points = [(_day(1), 40.0), (_day(5), 60.0)]
    projected = forecast("sum", points, period_start=MARCH_START, period_end=MARCH_END, now=_day(10))
    assert projected == pytest.approx(100 * 31 / 10)


def test_forecast_of_a_count_is_the_run_rate_of_counts():
    points = [(_day(n), 1.0) for n in range(5)]
    assert forecast("count", points, period_start=MARCH_START, period_end=MARCH_END, now=_day(10)) == pytest.approx(
        15.5
    )


def test_forecast_of_a_last_value_follows_the_least_squares_trend():
    points = [(_day(2), 14.0), (_day(0), 10.0), (_day(1), 12.0)]  # 2 a day, any order
    assert forecast("last", points, period_start=MARCH_START, period_end=MARCH_END, now=_day(3)) == pytest.approx(72)


def test_forecast_of_an_average_blends_observed_mean_with_the_trend():
    points = [(_day(0), 10.0), (_day(1), 12.0), (_day(2), 14.0)]
    projected = forecast("avg", points, period_start=MARCH_START, period_end=MARCH_END, now=_day(3))
    # observed mean 12 over 3 days, then the line 10 + 2x averages 44 over days 3..31
    assert projected == pytest.approx((3 * 12 + 28 * 44) / 31)


@pytest.mark.parametrize("aggregation", ["last", "avg"])
def test_forecast_with_a_single_point_is_that_value(aggregation):
    points = [(_day(4), 9.0)]
    assert forecast(aggregation, points, period_start=MARCH_START, period_end=MARCH_END, now=_day(6)) == 9.0


@pytest.mark.parametrize("aggregation", ["sum", "avg", "last", "min", "max", "count"])
def test_forecast_without_points_is_none(aggregation):
    assert forecast(aggregation, [], period_start=MARCH_START, period_end=MARCH_END, now=_day(6)) is None


@pytest.mark.parametrize(("aggregation", "expected"), [("min", 3.0), ("max", 8.0)])
def test_forecast_of_min_and_max_is_the_current_extreme(aggregation, expected):
    points = [(_day(1), 8.0), (_day(2), 3.0)]
    assert forecast(aggregation, points, period_start=MARCH_START, period_end=MARCH_END, now=_day(6)) == expected


def test_forecast_of_an_ended_period_is_its_actual():
    points = [(_day(1), 40.0), (_day(5), 60.0)]
    assert forecast("sum", points, period_start=MARCH_START, period_end=MARCH_END, now=MARCH_END) == 100.0
    assert forecast("last", points, period_start=MARCH_START, period_end=MARCH_END, now=_day(40)) == 60.0


NEWEST = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("frequency", "limit"),
    [
        ("week", datetime(2027, 2, 14, 12, 0, tzinfo=UTC)),  # 7 + 7 days
        ("month", datetime(2027, 3, 7, 12, 0, tzinfo=UTC)),  # Jan 31 + 1 month = Feb 28, + 7 days
        ("quarter", datetime(2027, 5, 7, 12, 0, tzinfo=UTC)),  # Apr 30 + 7 days
        ("year", datetime(2028, 2, 7, 12, 0, tzinfo=UTC)),
    ],
)
def test_staleness_starts_one_period_plus_7_days_after_the_newest_point(frequency, limit):
    assert not is_stale(NEWEST, frequency=frequency, now=NEWEST)
    assert not is_stale(NEWEST, frequency=frequency, now=limit)
    assert is_stale(NEWEST, frequency=frequency, now=limit + timedelta(seconds=1))


def test_staleness_uses_calendar_years_across_a_leap_day():
    leap_day = datetime(2028, 2, 29, tzinfo=UTC)
    limit = datetime(2029, 3, 7, tzinfo=UTC)  # Feb 28 2029 + 7 days
    assert not is_stale(leap_day, frequency="year", now=limit)
    assert is_stale(leap_day, frequency="year", now=limit + timedelta(microseconds=1))


def test_no_data_at_all_is_stale():
    assert is_stale(None, frequency="month", now=NEWEST)


def test_unknown_frequency_is_refused():
    with pytest.raises(ScoringError, match="Unknown frequency"):
        is_stale(NEWEST, frequency="fortnight", now=NEWEST)


def test_a_sum_forecast_at_the_very_start_of_the_period_is_the_sum_so_far():
    points = [(MARCH_START, 5.0)]
    assert forecast("sum", points, period_start=MARCH_START, period_end=MARCH_END, now=MARCH_START) == 5.0


def test_a_period_is_judged_at_its_end_or_today_while_it_runs():
    assert judged_on(date(2027, 3, 31), date(2027, 3, 12)) == date(2027, 3, 12)
    assert judged_on(date(2027, 3, 31), date(2027, 5, 1)) == date(2027, 3, 31)


FOLLOWERS_2027 = {
    "baseline": 1000,
    "goal": 10000,
    "red_flag": 7000,
    "period_start": date(2027, 1, 1),
    "period_end": date(2027, 12, 31),
}


@pytest.mark.parametrize(
    ("actual", "on", "expected_score", "expected_status"),
    [
        # half-way: paced goal 5500, paced red flag 4000 (d = 1500)
        (5500, date(2027, 7, 2), 20 / 3, GREEN),
        (5000, date(2027, 7, 2), 10 / 3 * 1000 / 1500 + 10 / 3, AMBER),
        (3000, date(2027, 7, 2), 10 / 3 * -1000 / 1500 + 10 / 3, RED),
        # at the end of the range the full target applies
        (8500, date(2027, 12, 31), 5.0, AMBER),
    ],
)
def test_score_against_a_linearly_paced_target(actual, on, expected_score, expected_status):
    value, status = score_paced("goal_red_flag", actual, on=on, **FOLLOWERS_2027)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


def test_paced_target_cannot_be_judged_on_its_first_day():
    assert score_paced("goal_red_flag", 1000, on=date(2027, 1, 1), **FOLLOWERS_2027) == (None, GREY)


def test_paced_target_without_baseline_uses_the_full_target():
    definition = {**FOLLOWERS_2027, "baseline": None}
    # goal 10000, red flag 7000: 5500 is half of d below the red flag
    assert score_paced("goal_red_flag", 5500, on=date(2027, 7, 2), **definition) == (pytest.approx(5 / 3), RED)


def test_paced_stabilize_band_moves_from_the_baseline():
    band = {"goal": 40, "red_flag": 20, "goal_high": 60, "red_flag_high": 80}
    window = {"baseline": 0, "period_start": date(2027, 1, 1), "period_end": date(2027, 12, 31)}
    # half-way the band is [20, 30] with red flags 10 and 40: 25 is its middle
    assert score_paced("stabilize", 25, on=date(2027, 7, 2), **band, **window) == (10.0, GREEN)
    assert score_paced("stabilize", 50, on=date(2027, 7, 2), **band, **window) == (0.0, RED)


def test_yes_no_targets_are_never_paced():
    window = {"baseline": 0, "period_start": date(2027, 1, 1), "period_end": date(2027, 12, 31)}
    assert score_paced("yes_no", 1, goal=1, red_flag=None, on=date(2027, 1, 1), **window) == (10.0, GREEN)


def test_paced_scoring_still_refuses_invalid_definitions():
    with pytest.raises(ScoringError, match="must differ"):
        score_paced("goal_red_flag", 5, **{**FOLLOWERS_2027, "red_flag": 10000}, on=date(2027, 7, 2))


def test_forecast_run_rate_counts_real_hours_across_a_dst_change():
    # March 2027 in Amsterdam lasts 743 real hours (the clocks go forward on the 28th)
    start, end = parse_period("2027-03").bounds(ZoneInfo("Europe/Amsterdam"))
    now = start.astimezone(UTC) + timedelta(hours=743 / 2)
    points = [(start.astimezone(UTC) + timedelta(hours=1), 100.0)]
    assert forecast("sum", points, period_start=start, period_end=end, now=now) == pytest.approx(200.0)

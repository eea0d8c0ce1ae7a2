"""DESIGN.md section 4 as tables of hand-computed values, plus property tests."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    paced_value,
    progress,
    rollup,
    score,
    status_for_score,
    validate_definition,
)

THIRD = 10 / 3
TWO_THIRDS = 20 / 3


@pytest.mark.parametrize(
    ("actual", "expected_score", "expected_status"),
    [
        (300, 0.0, RED),  # red flag - d
        (499, THIRD - THIRD / 200, RED),  # just short of the red flag
        (500, THIRD, AMBER),  # at the red flag
        (600, 5.0, AMBER),
        (700, TWO_THIRDS, GREEN),  # at the goal
        (900, 10.0, GREEN),  # goal + d
        (1200, 10.0, GREEN),  # clamped
        (0, 0.0, RED),  # clamped
    ],
)
def test_goal_700_red_flag_500_scores_by_hand(actual, expected_score, expected_status):
    value, status = score("goal_red_flag", actual, goal=700, red_flag=500)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


def test_goal_red_flag_scores_round_to_the_documented_two_decimals():
    rounded = [round(score("goal_red_flag", a, goal=700, red_flag=500)[0], 2) for a in (300, 500, 700, 900)]
    assert rounded == [0.0, 3.33, 6.67, 10.0]


@pytest.mark.parametrize(
    ("hours", "expected_score", "expected_status"),
    [
        (0, 10.0, GREEN),  # goal + d (d = -2)
        (1, 25 / 3, GREEN),
        (2, TWO_THIRDS, GREEN),  # at the goal
        (3, 5.0, AMBER),
        (4, THIRD, AMBER),  # at the red flag
        (5, 5 / 3, RED),
        (6, 0.0, RED),  # red flag - d
        (9, 0.0, RED),
    ],
)
def test_response_time_goal_2h_red_flag_4h_is_lower_is_better(hours, expected_score, expected_status):
    value, status = score("goal_red_flag", hours, goal=2, red_flag=4)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


@pytest.mark.parametrize(
    ("actual", "expected_score", "expected_status"),
    [
        (0, 0.0, RED),
        (1, 5 / 3, RED),
        (2, THIRD, AMBER),  # lower red flag
        (3, 5.0, AMBER),
        (4, TWO_THIRDS, GREEN),  # lower edge of the band
        (4.5, 25 / 3, GREEN),
        (5, 10.0, GREEN),  # middle of the band
        (5.5, 25 / 3, GREEN),
        (6, TWO_THIRDS, GREEN),  # upper edge of the band
        (7, 5.0, AMBER),
        (8, THIRD, AMBER),  # upper red flag
        (9, 5 / 3, RED),
        (10, 0.0, RED),
        (50, 0.0, RED),
    ],
)
def test_stabilize_band_4_to_6_with_red_flags_2_and_8(actual, expected_score, expected_status):
    value, status = score("stabilize", actual, goal=4, red_flag=2, goal_high=6, red_flag_high=8)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


@pytest.mark.parametrize(
    ("actual", "expected_score", "expected_status"),
    [(10, 10.0, GREEN), (9, 5.0, AMBER), (11, 5.0, AMBER), (8, THIRD, AMBER), (13, 5 / 3, RED)],
)
def test_stabilize_zero_width_band_scores_10_only_at_the_goal(actual, expected_score, expected_status):
    value, status = score("stabilize", actual, goal=10, red_flag=8, goal_high=10, red_flag_high=12)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


@pytest.mark.parametrize(
    ("actual", "red_flag", "expected"),
    [
        (100, None, (10.0, GREEN)),
        (150, None, (10.0, GREEN)),
        (99.9, None, (0.0, RED)),
        (99, 50, (0.0, RED)),  # a red flag below the goal keeps higher is better
        (100, 150, (10.0, GREEN)),  # a red flag above the goal: lower is better
        (80, 150, (10.0, GREEN)),
        (101, 150, (0.0, RED)),
    ],
)
def test_goal_only_scores_10_or_0_in_both_directions(actual, red_flag, expected):
    assert score("goal_only", actual, goal=100, red_flag=red_flag) == expected


@pytest.mark.parametrize(
    ("actual", "goal", "expected"),
    [(1, 1, (10.0, GREEN)), (0, 1, (0.0, RED)), (0, 0, (10.0, GREEN)), (1, 0, (0.0, RED)), (1.0, 1.0, (10.0, GREEN))],
)
def test_yes_no_scores_the_good_answer(actual, goal, expected):
    assert score("yes_no", actual, goal=goal, red_flag=None) == expected


def test_unscored_kpis_are_never_scored():
    assert score("unscored", 42, goal=None, red_flag=None) == (None, GREY)
    assert score("unscored", 42, goal=700, red_flag=500) == (None, GREY)


@pytest.mark.parametrize("kind", ["goal_red_flag", "stabilize", "goal_only", "yes_no"])
def test_no_actual_or_no_goal_is_grey(kind):
    definition = {"goal": 1, "red_flag": 0, "goal_high": 2, "red_flag_high": 3}
    assert score(kind, None, **definition) == (None, GREY)
    assert score(kind, float("nan"), **definition) == (None, GREY)
    assert score(kind, 1, goal=None, red_flag=None) == (None, GREY)


@pytest.mark.parametrize(
    ("kind", "definition", "message"),
    [
        ("goal_red_flag", {"goal": 5, "red_flag": 5}, "must differ"),
        ("goal_red_flag", {"goal": 5, "red_flag": None}, "red flag is required"),
        ("goal_red_flag", {"goal": None, "red_flag": 3}, "goal is required"),
        ("stabilize", {"goal": 4, "red_flag": 2, "goal_high": None, "red_flag_high": 8}, "upper goal"),
        ("stabilize", {"goal": 6, "red_flag": 2, "goal_high": 4, "red_flag_high": 8}, "cannot be above"),
        ("stabilize", {"goal": 4, "red_flag": 4, "goal_high": 6, "red_flag_high": 8}, "lower red flag must be below"),
        ("stabilize", {"goal": 4, "red_flag": 5, "goal_high": 6, "red_flag_high": 8}, "lower red flag must be below"),
        ("stabilize", {"goal": 4, "red_flag": 2, "goal_high": 6, "red_flag_high": 6}, "upper red flag must be above"),
        ("yes_no", {"goal": 2, "red_flag": None}, r"1 \(yes\) or 0 \(no\)"),
        ("goal_red_flag", {"goal": float("inf"), "red_flag": 3}, "finite"),
        ("fancy", {"goal": 1, "red_flag": 0}, "Unknown scoring type"),
    ],
)
def test_invalid_definitions_are_refused_with_a_message_naming_the_problem(kind, definition, message):
    with pytest.raises(ScoringError, match=message):
        validate_definition(kind, **definition)
    if definition["goal"] is not None:
        with pytest.raises(ScoringError, match=message):
            score(kind, 1, **definition)


@pytest.mark.parametrize(
    ("kind", "definition"),
    [
        ("goal_red_flag", {"goal": 700, "red_flag": 500}),
        ("goal_red_flag", {"goal": 2, "red_flag": 4}),
        ("stabilize", {"goal": 4, "red_flag": 2, "goal_high": 6, "red_flag_high": 8}),
        ("stabilize", {"goal": 4, "red_flag": 2, "goal_high": 4, "red_flag_high": 8}),
        ("goal_only", {"goal": 4, "red_flag": None}),
        ("yes_no", {"goal": 0, "red_flag": None}),
        ("unscored", {"goal": None, "red_flag": None}),
    ],
)
def test_valid_definitions_pass(kind, definition):
    assert validate_definition(kind, **definition) is None


@pytest.mark.parametrize(
    ("items", "expected_score", "expected_status"),
    [
        ([(10, 1), (None, 5), (4, 1)], 7.0, GREEN),  # the grey item is left out, not counted as 0
        ([(6, 1), (3, 3)], 3.75, AMBER),
        ([(10, 3), (0, 1)], 7.5, GREEN),
        ([(10, 1), (0, 3)], 2.5, RED),
        ([(THIRD, 1), (THIRD, 2)], THIRD, AMBER),
        ([(5, 0), (8, 1)], 8.0, GREEN),
    ],
)
def test_rollup_is_the_weighted_mean_of_scored_items(items, expected_score, expected_status):
    value, status = rollup(items)
    assert value == pytest.approx(expected_score)
    assert status == expected_status


@pytest.mark.parametrize("items", [[], [(None, 1)], [(None, 1), (None, 2)], [(5, 0)]])
def test_rollup_without_scored_items_is_grey(items):
    assert rollup(items) == (None, GREY)


def test_rollup_of_items_exactly_at_goal_is_green():
    at_goal = score("goal_red_flag", 700, goal=700, red_flag=500)[0]
    lower_at_goal = score("goal_red_flag", 2, goal=2, red_flag=4)[0]
    items = [(at_goal, 0.1), (lower_at_goal, 0.7), (at_goal, 0.2), (TWO_THIRDS, 3)]
    assert rollup(items)[1] == GREEN
    assert rollup((s, 1) for s in [at_goal] * 7)[1] == GREEN


def test_rollup_refuses_negative_weights():
    with pytest.raises(ScoringError):
        rollup([(5, -1)])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, GREY),
        (0, RED),
        (THIRD - 1e-8, RED),
        (THIRD - 1e-10, AMBER),
        (THIRD, AMBER),
        (TWO_THIRDS - 1e-10, GREEN),
        (TWO_THIRDS - 1e-8, AMBER),
        (10, GREEN),
    ],
)
def test_status_for_score_uses_thirds_with_a_tiny_tolerance(value, expected):
    assert status_for_score(value) == expected


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


# --- properties -------------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(actual=any_finite, goal=any_finite, red_flag=any_finite)
def test_goal_red_flag_score_always_lies_between_0_and_10(actual, goal, red_flag):
    if goal == red_flag:
        return
    value, status = score("goal_red_flag", actual, goal=goal, red_flag=red_flag)
    assert value is not None
    assert 0 <= value <= 10
    assert status in (GREEN, AMBER, RED)


@given(a=any_finite, b=any_finite, goal=any_finite, red_flag=any_finite)
def test_goal_red_flag_score_moves_with_the_actual_in_the_right_direction(a, b, goal, red_flag):
    if goal == red_flag:
        return
    low, high = sorted((a, b))
    score_low = score("goal_red_flag", low, goal=goal, red_flag=red_flag)[0]
    score_high = score("goal_red_flag", high, goal=goal, red_flag=red_flag)[0]
    assert score_low is not None and score_high is not None
    if goal > red_flag:  # higher is better
        assert score_low <= score_high
    else:  # lower is better
        assert score_low >= score_high


@given(a=any_finite, b=any_finite, goal=any_finite, red_flag=any_finite)
def test_colour_never_improves_when_the_actual_gets_worse(a, b, goal, red_flag):
    if goal == red_flag:
        return
    rank = {RED: 0, AMBER: 1, GREEN: 2}
    low, high = sorted((a, b))
    status_low = score("goal_red_flag", low, goal=goal, red_flag=red_flag)[1]
    status_high = score("goal_red_flag", high, goal=goal, red_flag=red_flag)[1]
    if goal > red_flag:
        assert rank[status_low] <= rank[status_high]
    else:
        assert rank[status_low] >= rank[status_high]


@given(
    actuals=st.lists(finite, min_size=2, max_size=2),
    edges=st.lists(finite, min_size=4, max_size=4, unique=True),
)
def test_stabilize_score_stays_in_range_and_peaks_inside_the_band(actuals, edges):
    red_flag, goal, goal_high, red_flag_high = sorted(edges)
    definition = {"goal": goal, "red_flag": red_flag, "goal_high": goal_high, "red_flag_high": red_flag_high}
    for actual in actuals:
        value, _ = score("stabilize", actual, **definition)
        assert value is not None and 0 <= value <= 10
    low, high = sorted(actuals)
    score_low = score("stabilize", low, **definition)[0]
    score_high = score("stabilize", high, **definition)[0]
    mid = (goal + goal_high) / 2
    if high <= mid:
        assert score_low <= score_high
    if low >= mid:
        assert score_low >= score_high


@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 10)), st.floats(0, 1000)), max_size=20))
def test_rollup_stays_in_range_and_is_grey_only_without_scored_weight(items):
    value, status = rollup(items)
    if value is None:
        assert status == GREY
        assert sum(weight for item_score, weight in items if item_score is not None) == 0
    else:
        assert 0 <= value <= 10
        assert status == status_for_score(value)

"""DESIGN.md section 4 as tables of hand-computed values, plus property tests."""

import pytest

from scorecard.scoring import (
    AMBER,
    GREEN,
    GREY,
    RED,
    ScoringError,
    rollup,
    round_score,
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


def test_goal_only_with_a_red_flag_equal_to_the_goal_stays_higher_is_better():
    assert score("goal_only", 99, goal=100, red_flag=100) == (0.0, RED)
    assert score("goal_only", 100, goal=100, red_flag=100) == (10.0, GREEN)


def test_yes_no_counts_any_non_zero_actual_as_yes():
    assert score("yes_no", 0.5, goal=1, red_flag=None) == (10.0, GREEN)
    assert score("yes_no", 0.5, goal=0, red_flag=None) == (0.0, RED)


def test_integer_and_float_inputs_score_the_same():
    assert score("goal_red_flag", 600, goal=700, red_flag=500) == score(
        "goal_red_flag", 600.0, goal=700.0, red_flag=500.0
    )


def test_goal_red_flag_with_fractional_values_scores_by_hand():
    # engagement rate: goal 2.5 %, red flag 1.5 %, actual 2.0 % is half-way: 5.0, amber
    assert score("goal_red_flag", 2.0, goal=2.5, red_flag=1.5) == (5.0, AMBER)


def test_rollup_of_items_exactly_at_red_flag_is_amber():
    at_red_flag = score("goal_red_flag", 500, goal=700, red_flag=500)[0]
    assert rollup([(at_red_flag, 1), (at_red_flag, 2)])[1] == AMBER


def test_rollup_of_perspectives_is_the_weighted_mean_of_their_rollups():
    customer = rollup([(10, 1), (5, 1)])[0]  # 7.5
    financial = rollup([(2, 1), (None, 1)])[0]  # 2.0, the grey KPI left out
    organisation = rollup([(None, 1)])[0]  # no score: left out of the overall score
    assert rollup([(customer, 2), (financial, 1), (organisation, 1)]) == (pytest.approx(17 / 3), AMBER)


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), -0.5])
def test_rollup_refuses_weights_that_are_not_zero_or_positive_numbers(weight):
    with pytest.raises(ScoringError, match="Weights"):
        rollup([(5, weight)])


@pytest.mark.parametrize(("value", "expected"), [(None, None), (10 / 3, 3.33), (20 / 3, 6.67), (10.0, 10.0)])
def test_scores_are_shown_with_two_decimals(value, expected):
    assert round_score(value) == expected


def test_an_unknown_scoring_type_is_refused_even_without_a_target():
    with pytest.raises(ScoringError, match="Unknown scoring type"):
        score("fancy", 1, goal=None, red_flag=None)

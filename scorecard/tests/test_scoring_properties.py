"""Property tests (hypothesis) of the scoring engine: ranges, directions and colour consistency."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.scoring import AMBER, GREEN, GREY, RED, paced_value, progress, rollup, score, status_for_score

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)


# Hypothesis tests run without a per-example deadline: a busy CI machine must not turn slow examples into failures.
@settings(deadline=None)
@given(actual=any_finite, goal=any_finite, red_flag=any_finite)
def test_goal_red_flag_score_always_lies_between_0_and_10(actual, goal, red_flag):
    if goal == red_flag:
        return
    value, status = score("goal_red_flag", actual, goal=goal, red_flag=red_flag)
    assert value is not None
    assert 0 <= value <= 10
    assert status in (GREEN, AMBER, RED)


@settings(deadline=None)
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


@settings(deadline=None)
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


@settings(deadline=None)
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


@settings(deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 10)), st.floats(0, 1000)), max_size=20))
def test_rollup_stays_in_range_and_is_grey_only_without_scored_weight(items):
    value, status = rollup(items)
    if value is None:
        assert status == GREY
        assert sum(weight for item_score, weight in items if item_score is not None) == 0
    else:
        assert 0 <= value <= 10
        assert status == status_for_score(value)


@settings(deadline=None)
@given(actual=any_finite, goal=any_finite, red_flag=any_finite)
def test_the_colour_of_a_score_matches_the_rollup_colour_rule_up_to_the_tolerance(actual, goal, red_flag):
    if goal == red_flag:
        return
    value, status = score("goal_red_flag", actual, goal=goal, red_flag=red_flag)
    assert value is not None
    if status_for_score(value) != status:
        assert min(abs(value - 10 / 3), abs(value - 20 / 3)) <= 1e-9


@settings(deadline=None)
@given(a=finite, b=finite, red_flag=finite, d=st.floats(min_value=1e-6, max_value=1e9))
def test_higher_is_better_scores_never_drop_when_the_actual_rises(a, b, red_flag, d):
    goal = red_flag + d
    if goal == red_flag:
        return
    low, high = sorted((a, b))
    assert (
        score("goal_red_flag", low, goal=goal, red_flag=red_flag)[0]
        <= score("goal_red_flag", high, goal=goal, red_flag=red_flag)[0]
    )


@settings(deadline=None)
@given(a=finite, b=finite, red_flag=finite, d=st.floats(min_value=1e-6, max_value=1e9))
def test_lower_is_better_scores_never_rise_when_the_actual_rises(a, b, red_flag, d):
    goal = red_flag - d
    if goal == red_flag:
        return
    low, high = sorted((a, b))
    assert (
        score("goal_red_flag", low, goal=goal, red_flag=red_flag)[0]
        >= score("goal_red_flag", high, goal=goal, red_flag=red_flag)[0]
    )


@settings(deadline=None)
@given(actual=finite, goal=finite, gaps=st.lists(st.floats(min_value=1e-3, max_value=1e6), min_size=2, max_size=2))
def test_a_zero_width_stabilize_band_peaks_at_the_goal(actual, goal, gaps):
    definition = {"goal": goal, "red_flag": goal - gaps[0], "goal_high": goal, "red_flag_high": goal + gaps[1]}
    if not definition["red_flag"] < goal < definition["red_flag_high"]:
        return
    value, _ = score("stabilize", actual, **definition)
    assert value is not None and 0 <= value <= 10
    assert value <= score("stabilize", goal, **definition)[0] == 10.0


@settings(deadline=None)
@given(actual=finite, baseline=finite, goal=finite)
def test_progress_stays_between_0_and_1(actual, baseline, goal):
    value = progress(actual, baseline=baseline, goal=goal)
    assert value is None or 0 <= value <= 1
    assert (value is None) == (goal == baseline)


@settings(deadline=None)
@given(
    baseline=finite,
    target=finite,
    span=st.integers(min_value=0, max_value=800),
    offset=st.integers(min_value=-100, max_value=900),
)
def test_paced_values_stay_between_baseline_and_target(baseline, target, span, offset):
    start = date(2027, 1, 1)
    value = paced_value(
        baseline=baseline,
        target_value=target,
        period_start=start,
        period_end=start + timedelta(days=span),
        on=start + timedelta(days=offset),
    )
    low, high = sorted((baseline, target))
    assert low - 1e-6 * (1 + abs(low)) <= value <= high + 1e-6 * (1 + abs(high))


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=20 / 3, max_value=10), st.floats(min_value=0, max_value=1e300)),
        min_size=1,
        max_size=20,
    )
)
def test_a_rollup_of_green_scores_is_green(items):
    value, status = rollup(items)
    if all(weight == 0 for _, weight in items):
        assert (value, status) == (None, GREY)
    else:
        assert status == GREEN

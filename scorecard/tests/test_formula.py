"""Formula KPIs: which terms a formula uses, how it evaluates, and what it refuses."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.formula import FormulaError, evaluate_formula, formula_terms, validate_formula

ENGAGEMENT_RATE = "100 * sum(eng) / sum(impr)"


def test_terms_of_an_engagement_rate_formula():
    assert formula_terms(ENGAGEMENT_RATE) == {("sum", "eng"), ("sum", "impr")}


def test_terms_allow_hyphenated_metric_keys_and_spaces():
    assert formula_terms("sum( web-sessions ) - last(web_sessions)*2") == {
        ("sum", "web-sessions"),
        ("last", "web_sessions"),
    }


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        (ENGAGEMENT_RATE, {("sum", "eng"): 50, ("sum", "impr"): 2000}, 2.5),
        ("sum(a) + avg(b) * 2", {("sum", "a"): 1, ("avg", "b"): 3}, 7.0),
        ("(sum(a) + avg(b)) * 2", {("sum", "a"): 1, ("avg", "b"): 3}, 8.0),
        ("-count(a) + 10", {("count", "a"): 4}, 6.0),
        ("max(a) - min(a)", {("max", "a"): 9, ("min", "a"): 2.5}, 6.5),
        ("sum(web-sessions) / 2", {("sum", "web-sessions"): 9}, 4.5),
        ("1 / 4", {}, 0.25),
    ],
)
def test_evaluate_formula(expression, values, expected):
    assert evaluate_formula(expression, values) == pytest.approx(expected)


@pytest.mark.parametrize(
    "values",
    [
        {("sum", "eng"): 50, ("sum", "impr"): 0},  # division by zero
        {("sum", "eng"): 50},  # missing term
        {("sum", "eng"): 50, ("sum", "impr"): None},  # no data
        {("sum", "eng"): float("nan"), ("sum", "impr"): 10},
    ],
)
def test_missing_terms_and_division_by_zero_give_no_value_not_zero(values):
    assert evaluate_formula(ENGAGEMENT_RATE, values) is None


def test_overflowing_results_give_no_value():
    assert evaluate_formula("sum(a) * 1e308 * 10", {("sum", "a"): 5}) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 501, "too long"),
        ("eng / impr", "not a term"),
        ("median(eng)", "Unknown function"),
        ("sum(eng + impr)", "exactly one metric key"),
        ("sum()", "exactly one metric key"),
        ("2 ** 8", "Only"),
        ("sum(a) > 1", "not allowed"),
        ("'text'", "not a number"),
        ("sum(a) sum(b)", "not valid"),
        ("(sum(a)", "not valid"),
        ("__import__('os')", "Unknown function"),
        ("sum(a).real", "not allowed"),
        ("__sc_term_0", "cannot contain"),
    ],
)
def test_invalid_formulas_are_refused_with_a_clear_message(expression, message):
    with pytest.raises(FormulaError, match=message):
        formula_terms(expression)
    with pytest.raises(FormulaError, match=message):
        evaluate_formula(expression, {})


def test_validate_formula_names_unknown_metrics():
    with pytest.raises(FormulaError, match="Unknown metric: impr"):
        validate_formula(ENGAGEMENT_RATE, {"eng"})
    assert validate_formula(ENGAGEMENT_RATE, {"eng", "impr"}) == {("sum", "eng"), ("sum", "impr")}


ALPHABET = "sumavglastminaxcount()+-*/ .0123456789e_abcxyz-'\"[]{}<>=!:,\\\n\t"


@given(st.text(alphabet=ALPHABET, max_size=80))
def test_formula_fuzz_only_ever_raises_formula_error(expression):
    try:
        terms = formula_terms(expression)
    except FormulaError:
        return
    result = evaluate_formula(expression, dict.fromkeys(terms, 3.0))
    assert result is None or isinstance(result, float)


@given(st.text(max_size=120))
def test_formula_fuzz_with_any_text_only_ever_raises_formula_error(expression):
    with contextlib.suppress(FormulaError):
        evaluate_formula(expression, {})

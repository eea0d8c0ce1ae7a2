"""Evidence for an arrow from hand-made monthly series: the lag that fits, its correlation and the label."""

import math
from datetime import date

import pytest

from strategy.evidence import (
    CONTRADICTED,
    MIN_MONTHS,
    NO_DATA,
    SUPPORTED,
    SUPPORTED_R,
    WEAK,
    add_months,
    evidence_sentence,
    link_evidence,
)

START = date(2025, 1, 1)
# A wavy, non-periodic cause (no lag fits it as well as the true one).
WAVE = [5 + 3 * math.sin(i * 0.9) + 1.5 * math.cos(i * 0.37) for i in range(30)]


def series(values, start=START):
    return {add_months(start, i): value for i, value in enumerate(values)}


@pytest.mark.parametrize("lag", [0, 1, 2, 3])
def test_an_effect_that_follows_the_cause_some_months_later_is_found_at_that_lag(lag):
    cause = series(WAVE)
    effect = series([0.5] * lag + [0.8 * v + 1 for v in WAVE])  # the cause's month m shows up in month m + lag
    found = link_evidence(cause, effect)
    assert found.lag == lag
    assert found.r == pytest.approx(1.0)
    assert found.label == SUPPORTED
    assert found.months == 30 - 0  # every month of the cause has an effect month `lag` later


def test_an_effect_that_moves_against_the_cause_is_contradicted():
    found = link_evidence(series(WAVE), series([None, *(10 - v for v in WAVE)]))
    assert (found.label, found.lag) == (CONTRADICTED, 1)
    assert found.r == pytest.approx(-1.0)


def test_unrelated_series_are_weak():
    noise = [5 + 3 * math.sin(i * 2.3 + 1) * math.cos(i * 1.7) for i in range(30)]
    found = link_evidence(series(WAVE), series(noise))
    assert found.label == WEAK
    assert abs(found.r) < SUPPORTED_R


def test_fewer_than_twelve_paired_months_is_not_enough_data():
    short = link_evidence(series(WAVE[: MIN_MONTHS - 1]), series(WAVE[: MIN_MONTHS - 1]))
    assert short.label == NO_DATA and short.r is None and short.lag is None
    enough = link_evidence(series(WAVE[:MIN_MONTHS]), series(WAVE[:MIN_MONTHS]))
    assert (enough.label, enough.lag, enough.months) == (SUPPORTED, 0, MIN_MONTHS)


def test_months_without_a_score_do_not_count():
    cause = series([v if i % 2 else None for i, v in enumerate(WAVE)])  # 15 months with a score
    found = link_evidence(cause, series(WAVE))
    assert found.months == 15 and found.lag == 0
    gappy = series([v if i % 3 == 0 else None for i, v in enumerate(WAVE)])  # 10 months
    assert link_evidence(gappy, series(WAVE)).label == NO_DATA


def test_a_flat_series_cannot_back_or_contradict_a_link():
    assert link_evidence(series([5.0] * 24), series(WAVE[:24])).label == NO_DATA


def test_no_scores_at_all_is_not_enough_data():
    assert link_evidence({}, {}).label == NO_DATA


def test_the_sentence_says_months_direction_lag_and_that_it_is_no_proof():
    cause = series(WAVE[:24])
    effect = series([1.0, 1.0, *WAVE[:22]])
    sentence = evidence_sentence(link_evidence(cause, effect), cause="engagement", effect="leads")
    assert sentence.startswith("Over 22 months, “leads” moved with “engagement” 2 months later (r = 1.00).")
    assert sentence.endswith("This is a correlation, not proof of cause.")
    same_month = evidence_sentence(link_evidence(cause, cause), cause="a", effect="b")
    assert "in the same month" in same_month
    none = evidence_sentence(link_evidence({}, {}), cause="a", effect="b")
    assert "not yet 12 months" in none

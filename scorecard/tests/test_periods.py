"""Reporting periods: parsing, labels, navigation and native periods inside a view."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scorecard.periods import Period, last_periods, native_periods, parse_period, period_containing, periods_between


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2027", "year", date(2027, 1, 1), date(2028, 1, 1)),
        ("2027-Q1", "quarter", date(2027, 1, 1), date(2027, 4, 1)),
        ("2027-q4", "quarter", date(2027, 10, 1), date(2028, 1, 1)),
        ("2027-03", "month", date(2027, 3, 1), date(2027, 4, 1)),
        ("2027-12", "month", date(2027, 12, 1), date(2028, 1, 1)),
        ("2027-W05", "week", date(2027, 2, 1), date(2027, 2, 8)),
        ("2027-W01", "week", date(2027, 1, 4), date(2027, 1, 11)),
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 4)),
        (" 2027-03 ", "month", date(2027, 3, 1), date(2027, 4, 1)),
    ],
)
def test_parse_period(text, kind, start, end):
    assert parse_period(text) == Period(kind, start, end)


@pytest.mark.parametrize("label", ["2027", "2027-Q1", "2027-Q4", "2027-03", "2027-W05", "2026-W53", "2027-W52"])
def test_labels_round_trip(label):
    assert parse_period(label).label == label


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13", "01 to 12"),
        ("2027-00", "01 to 12"),
        ("2027-Q5", "Q1 to Q4"),
        ("2027-Q0", "Q1 to Q4"),
        ("2027-W54", "W01 to W52"),
        ("2027-W53", "W01 to W52"),  # 2027 has 52 ISO weeks
        ("2027-W00", "W01 to W52"),
        ("", "is not a period"),
        ("march", "is not a period"),
        ("27-03", "is not a period"),
        ("2027-03-01", "is not a period"),
        ("0000", "between"),
        ("9999", "between"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def test_period_basics():
    march = parse_period("2027-03")
    assert march.last_day == date(2027, 3, 31)
    assert march.next() == parse_period("2027-04")
    assert march.previous() == parse_period("2027-02")
    assert parse_period("2027-12").next() == parse_period("2028-01")
    assert parse_period("2027-Q1").previous() == parse_period("2026-Q4")
    assert parse_period("2027-W01").previous() == parse_period("2026-W53")
    assert march.contains(date(2027, 3, 31))
    assert not march.contains(date(2027, 4, 1))
    assert march.contains(datetime(2027, 3, 15, 23, 59))
    assert str(march) == "2027-03"


@pytest.mark.parametrize(
    ("day", "kind", "label"),
    [
        (date(2027, 2, 14), "year", "2027"),
        (date(2027, 2, 14), "quarter", "2027-Q1"),
        (date(2027, 6, 30), "quarter", "2027-Q2"),
        (date(2027, 2, 14), "month", "2027-02"),
        (date(2027, 2, 14), "week", "2027-W06"),  # a Sunday
        (date(2027, 1, 1), "week", "2026-W53"),
    ],
)
def test_period_containing(day, kind, label):
    assert period_containing(day, kind).label == label


def test_periods_between_lists_overlapping_periods_in_order():
    labels = [p.label for p in periods_between(date(2027, 1, 15), date(2027, 4, 2), "month")]
    assert labels == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert periods_between(date(2027, 1, 1), date(2027, 1, 1), "month") == []


def test_a_year_view_of_a_monthly_kpi_has_twelve_native_months():
    months = native_periods(parse_period("2027"), "month")
    assert [m.label for m in months] == [f"2027-{n:02d}" for n in range(1, 13)]


def test_a_year_view_of_a_weekly_kpi_has_the_iso_weeks_of_that_year():
    assert len(native_periods(parse_period("2027"), "week")) == 52
    weeks_2026 = native_periods(parse_period("2026"), "week")
    assert len(weeks_2026) == 53
    assert weeks_2026[0].label == "2026-W01"
    assert weeks_2026[-1].label == "2026-W53"


def test_a_shorter_view_shows_the_native_period_containing_it():
    assert native_periods(parse_period("2027-03"), "quarter") == [parse_period("2027-Q1")]
    assert native_periods(parse_period("2027-03"), "month") == [parse_period("2027-03")]
    # 2027-W13 runs Mon 29 March to Sun 4 April; its Thursday (1 April) is in April
    assert native_periods(parse_period("2027-W13"), "month") == [parse_period("2027-04")]


def test_last_periods_end_with_the_view_oldest_first():
    labels = [p.label for p in last_periods(parse_period("2027-02"), 4)]
    assert labels == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert last_periods(parse_period("2027"), 0) == []


def test_a_quarter_view_of_a_monthly_kpi_has_three_months():
    assert [m.label for m in native_periods(parse_period("2027-Q2"), "month")] == ["2027-04", "2027-05", "2027-06"]


def test_a_month_view_of_a_weekly_kpi_has_the_weeks_whose_thursday_falls_in_it():
    # March 2027: W09 (Mon 1 March) to W13 (Thursday 1 April belongs to April)
    weeks = native_periods(parse_period("2027-03"), "week")
    assert [w.label for w in weeks] == ["2027-W09", "2027-W10", "2027-W11", "2027-W12"]
    assert native_periods(parse_period("2027-04"), "week")[0].label == "2027-W13"


def test_a_year_view_of_a_quarterly_kpi_has_four_quarters():
    assert len(native_periods(parse_period("2027"), "quarter")) == 4


def test_unknown_kinds_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="Unknown period kind"):
        period_containing(date(2027, 1, 1), "fortnight")
    with pytest.raises(ValueError, match="negative"):
        last_periods(parse_period("2027"), -1)


def test_periods_sort_by_start_within_a_kind():
    months = [parse_period("2027-03"), parse_period("2026-12"), parse_period("2027-01")]
    assert [m.label for m in sorted(months)] == ["2026-12", "2027-01", "2027-03"]


def test_weeks_of_a_range_crossing_a_year_end():
    weeks = periods_between(date(2026, 12, 30), date(2027, 1, 12), "week")
    assert [w.label for w in weeks] == ["2026-W53", "2027-W01", "2027-W02"]
    assert all(w.days == 7 for w in weeks)


def test_bounds_follow_daylight_saving_time_in_amsterdam():
    amsterdam = ZoneInfo("Europe/Amsterdam")
    start, end = parse_period("2027-03").bounds(amsterdam)
    assert start == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
    # (subtracting two datetimes of the same zone compares wall clocks, so measure the real duration in UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=31, hours=-1)
    october_start, october_end = parse_period("2027-10").bounds(amsterdam)
    assert october_end.astimezone(UTC) - october_start.astimezone(UTC) == timedelta(days=31, hours=1)
    assert parse_period("2027-03").next().bounds(amsterdam)[0] == end


def test_only_ascii_digits_make_a_period():
    with pytest.raises(ValueError, match="is not a period"):
        parse_period("\uff12\uff10\uff12\uff17")  # full-width 2027

"""Reporting periods: ISO weeks, months, quarters and years as half-open date ranges. No Django.

* A ``Period`` has a kind, a first day ``start`` and an exclusive ``end`` (the first day after it).
* Labels: ``2027`` (year), ``2027-Q1`` (quarter), ``2027-03`` (month), ``2027-W05`` (ISO week, Monday to
  Sunday, numbered by its ISO year, so 2026-12-28 falls in ``2026-W53``).
* Native periods of a KPI inside a longer view period are the periods of the KPI's frequency that make up the
  view. Weeks belong to the month / quarter / year that holds their Thursday (the ISO rule), so a year has
  52 or 53 weeks and no week counts twice. A view shorter than the KPI's frequency (a week of a monthly KPI)
  shows the one native period containing it (for a week: the one containing its Thursday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from teams.time_bounds import MAX_YEAR, MIN_YEAR, year_in_range

KINDS = ("week", "month", "quarter", "year")
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

_YEAR = re.compile(r"([0-9]{4})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([0-9]+)")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_WEEK = re.compile(r"([0-9]{4})-[Ww]([0-9]{1,2})")


def _check_kind(kind: str) -> None:
    if kind not in _RANK:
        raise ValueError(f"Unknown period kind {kind!r}; use one of {', '.join(KINDS)}.")


def _month_start(year: int, month: int) -> date:
    """The first day of a month given a month number that may run past 12."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year:04d}"
        if self.kind == "quarter":
            return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        iso = self.start.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def next(self) -> Period:
        return period_containing(self.end, self.kind)

    def previous(self) -> Period:
        return period_containing(self.start - timedelta(days=1), self.kind)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes [start, end) at local midnight in `tz` (a team's time zone).

        With a zoneinfo time zone the offsets follow daylight saving time: March 2027 in Europe/Amsterdam runs
        from 00:00+01:00 on 1 March to 00:00+02:00 on 1 April (31 days less one hour).
        """
        return datetime.combine(self.start, time(), tzinfo=tz), datetime.combine(self.end, time(), tzinfo=tz)

    def contains(self, d: date) -> bool:
        """Whether a day (a datetime counts by its date) falls inside the period."""
        if isinstance(d, datetime):
            d = d.date()
        return self.start <= d < self.end

    def __str__(self) -> str:
        return self.label


def period_containing(d: date, kind: str) -> Period:
    """The period of `kind` that contains day `d` (a datetime counts by its date)."""
    _check_kind(kind)
    if isinstance(d, datetime):
        d = d.date()
    try:
        if kind == "year":
            return Period("year", date(d.year, 1, 1), date(d.year + 1, 1, 1))
        if kind == "quarter":
            first_month = (d.month - 1) // 3 * 3 + 1
            return Period("quarter", date(d.year, first_month, 1), _month_start(d.year, first_month + 3))
        if kind == "month":
            return Period("month", date(d.year, d.month, 1), _month_start(d.year, d.month + 1))
        monday = d - timedelta(days=d.weekday())
        return Period("week", monday, monday + timedelta(days=7))
    except (ValueError, OverflowError) as exc:
        raise ValueError("Dates must lie between the years 1 and 9999.") from exc


def parse_period(text: str) -> Period:
    """Parse ``2027``, ``2027-Q1``, ``2027-03`` or ``2027-W05``; ValueError with a clear message otherwise.

    The year must lie between MIN_YEAR and MAX_YEAR (teams.time_bounds): every page reading ``?period=`` answers
    a year outside them like any other bad period.
    """
    value = (text or "").strip()
    if match := _YEAR.fullmatch(value):
        return period_containing(date(_year(match.group(1), value), 1, 1), "year")
    if match := _QUARTER.fullmatch(value):
        year, quarter = _year(match.group(1), value), int(match.group(2))
        if not 1 <= quarter <= 4:
            raise ValueError(f"{value!r} is not a period: a quarter runs from Q1 to Q4.")
        return period_containing(date(year, quarter * 3 - 2, 1), "quarter")
    if match := _MONTH.fullmatch(value):
        year, month = _year(match.group(1), value), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r} is not a period: a month runs from 01 to 12.")
        return period_containing(date(year, month, 1), "month")
    if match := _WEEK.fullmatch(value):
        year, week = _year(match.group(1), value), int(match.group(2))
        weeks = date(year, 12, 28).isocalendar().week  # Dec 28 always lies in the ISO year's last week
        if not 1 <= week <= weeks:
            raise ValueError(f"{value!r} is not a period: {year} has ISO weeks W01 to W{weeks}.")
        return period_containing(date.fromisocalendar(year, week, 1), "week")
    raise ValueError(f"{value!r} is not a period; write 2027, 2027-Q1, 2027-03 or 2027-W05.")


def _year(text: str, value: str) -> int:
    year = int(text)
    if not year_in_range(year):
        raise ValueError(f"{value!r} is not a period: the year must lie between {MIN_YEAR} and {MAX_YEAR}.")
    return year


def periods_between(start: date, end_exclusive: date, kind: str) -> list[Period]:
    """The periods of `kind` that overlap the half-open range [start, end_exclusive), in order."""
    _check_kind(kind)
    periods: list[Period] = []
    if end_exclusive <= start:
        return periods
    current = period_containing(start, kind)
    while current.start < end_exclusive:
        periods.append(current)
        current = current.next()
    return periods


def native_periods(view: Period, kind: str) -> list[Period]:
    """The native periods of a KPI frequency `kind` that make up the view period (see the module docstring)."""
    _check_kind(kind)
    if kind == view.kind:
        return [view]
    if _RANK[kind] > _RANK[view.kind]:
        anchor = view.start + timedelta(days=3) if view.kind == "week" else view.start
        return [period_containing(anchor, kind)]
    if kind == "week":
        return [week for week in periods_between(view.start, view.end, "week") if view.contains(_thursday(week))]
    return periods_between(view.start, view.end, kind)


def _thursday(week: Period) -> date:
    return week.start + timedelta(days=3)


def last_periods(view: Period, n: int) -> list[Period]:
    """The `n` periods of the view's kind ending with the view, oldest first."""
    if n < 0:
        raise ValueError("The number of periods cannot be negative.")
    periods: list[Period] = []
    current = view
    for _ in range(n):
        periods.append(current)
        if len(periods) < n:
            current = current.previous()
    periods.reverse()
    return periods

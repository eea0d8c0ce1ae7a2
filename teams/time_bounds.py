"""The years that data point timestamps, periods and plan dates may lie in: 1900 to 2200 (inclusive).

The one place for this bound. The write paths of data points (`metrics.validation` for REST and CSV,
`metrics.services.datapoints_upsert` under every path, manual entry, connectors), the `?period=` parser
(`scorecard.periods`) and strategy map periods read it; docs/api.md and docs/user-guide.md state it.

Why a bound at all: Python's dates end at the years 1 and 9999, so a point stamped 9999-12-31 cannot be shown in
a time zone east of UTC, and a period in the year 1 has no previous period: such values made pages fail.
1900-2200 leaves a wide margin on both sides (a time zone, a week's Monday, "the last 12 periods") and holds
every real social media figure. Plain Python without Django: `scorecard.periods` is pure.
"""

from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2200


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def date_in_range(day: date) -> bool:
    """Whether a date (or a datetime, by the date it shows) lies in the accepted years."""
    return year_in_range(day.year)

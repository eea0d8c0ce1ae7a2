"""Validation of incoming data points, shared by the REST ingestion and the CSV import.

Plain Python on plain values, built for batches of thousands: timestamps are parsed once per
distinct string (a batch of 40 metrics x 125 days has only 125 of them), metric keys are
looked up in a dict, and every error is collected with its position so the caller can report
all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.utils.translation import gettext as _

from teams.time_bounds import date_in_range

from .services import PointIn, out_of_range_message
from .values import MAX_ABS_VALUE, value_problem

# Points may be stamped up to this far ahead of now (clock skew, time zones ahead of UTC).
MAX_FUTURE = timedelta(days=1)
POINT_FIELDS = frozenset({"metric", "ts", "value"})


@dataclass(frozen=True, slots=True)
class PointError:
    index: int | None
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


class NonFinite:
    """Stands for a NaN/Infinity token in a JSON body, so the point gets a clear error."""

    def __init__(self, token: str) -> None:
        self.token = token


class TimestampParser:
    """ISO 8601 timestamps with an offset, or dates (midnight in the team's time zone)."""

    def __init__(self, *, tz: tzinfo, now: datetime | None, naive_is_local: bool = False) -> None:
        """`now` None: any time is fine (for query bounds); else at most MAX_FUTURE ahead of it."""
        self.tz = tz
        self.latest = now + MAX_FUTURE if now is not None else None
        self.naive_is_local = naive_is_local
        self._cache: dict[str, datetime | str] = {}
        self.parsed: dict[str, datetime] = {}  # only the strings that parsed well

    def parse(self, text: str) -> datetime:
        """The aware datetime, or ValueError with a message for the user."""
        found = self._cache.get(text)
        if found is None:
            found = self._parse(text)
            self._cache[text] = found
            if not isinstance(found, str):
                self.parsed[text] = found
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _parse(self, text: str) -> datetime | str:
        text = text.strip()
        try:
            if len(text) == 10:  # a date: YYYY-MM-DD
                day = date.fromisoformat(text)
                parsed = datetime(day.year, day.month, day.day, tzinfo=self.tz)
            else:
                parsed = datetime.fromisoformat(text)
        except ValueError:
            return _("“%(ts)s” is not an ISO 8601 date or timestamp, e.g. 2026-01-31 or 2026-01-31T09:00:00+01:00.") % {
                "ts": text[:40]
            }
        if parsed.tzinfo is None:
            if not self.naive_is_local:
                return _("“%(ts)s” has no UTC offset; add one, e.g. +01:00 or Z, or send a date.") % {"ts": text[:40]}
            parsed = parsed.replace(tzinfo=self.tz)
        if not date_in_range(parsed):
            return out_of_range_message(text)
        return self.check_not_future(parsed)

    def check_not_future(self, parsed: datetime) -> datetime | str:
        if self.latest is not None and parsed > self.latest:
            return _("%(ts)s is more than one day in the future.") % {"ts": parsed.isoformat()}
        return parsed


def _number(value: Any) -> float | str:
    """The value as a finite float, or the message explaining why it is not one."""
    kind = type(value)
    if kind is float or kind is int:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        return value_problem(number) or number
    if isinstance(value, NonFinite):
        return _("%(token)s is not allowed; send a finite number.") % {"token": value.token}
    if kind is bool:
        return _("A boolean is not a number; send 1 or 0 instead of true or false.")
    if value is None:
        return _("The value is null; leave the point out instead.")
    if kind is str:
        return _("The value is a string; send it as a JSON number (without quotes).")
    return _("The value must be a number.")


def validate_typed_points(
    points: Sequence[Any], *, metric_ids: dict[str, int], parser: TimestampParser
) -> list[PointIn] | None:
    """The fast path for points whose types msgspec already checked (`.metric`, `.ts`, `.value`).

    None as soon as one point is wrong: the caller then explains every problem with
    `validate_api_points`.
    """
    found: list[PointIn] = []
    append = found.append
    known_ts = parser.parsed
    for point in points:
        metric_id = metric_ids.get(point.metric)
        value = point.value
        if metric_id is None or not -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:  # unknown metric, NaN, inf, too big
            return None
        ts = known_ts.get(point.ts)
        if ts is None:
            try:
                ts = parser.parse(point.ts)
            except ValueError:
                return None
        append(PointIn(metric_id, ts, value))
    return found


def validate_api_points(
    raw_points: list[Any], *, metric_ids: dict[str, int], parser: TimestampParser
) -> tuple[list[PointIn], list[PointError]]:
    """Turn a list of decoded JSON values into PointIn, collecting every error with its index."""
    points: list[PointIn] = []
    errors: list[PointError] = []
    for index, raw in enumerate(raw_points):
        point = _check_point(index, raw, metric_ids=metric_ids, parser=parser, errors=errors)
        if point is not None:
            points.append(point)
    return points, errors


def _check_point(
    index: int, raw: Any, *, metric_ids: dict[str, int], parser: TimestampParser, errors: list[PointError]
) -> PointIn | None:
    """The point, or None after adding every error it has to `errors`."""
    if type(raw) is not dict:
        errors.append(PointError(index, None, _("Each point must be an object with metric, ts and value.")))
        return None
    if raw.keys() != POINT_FIELDS:
        errors.extend(_field_errors(index, raw))
        return None
    failed = False
    key = raw["metric"]
    metric_id = metric_ids.get(key) if type(key) is str else None
    if metric_id is None:
        errors.append(PointError(index, "metric", _unknown_metric(key)))
        failed = True
    ts_text = raw["ts"]
    ts: datetime | None = None
    if type(ts_text) is not str:
        errors.append(PointError(index, "ts", _("The timestamp must be a string in ISO 8601 format.")))
        failed = True
    else:
        try:
            ts = parser.parse(ts_text)
        except ValueError as error:
            errors.append(PointError(index, "ts", str(error)))
            failed = True
    value = _number(raw["value"])
    if type(value) is str:
        errors.append(PointError(index, "value", value))
        failed = True
    if failed:
        return None
    return PointIn(metric_id, ts, value)  # type: ignore[arg-type]


def _field_errors(index: int, raw: dict[str, Any]) -> list[PointError]:
    errors = [PointError(index, name, _("This field is required.")) for name in sorted(POINT_FIELDS - raw.keys())]
    errors += [
        PointError(index, str(name), _("Unknown field; a point has only metric, ts and value."))
        for name in sorted(str(k) for k in raw.keys() - POINT_FIELDS)
    ]
    return errors


def _unknown_metric(key: Any) -> str:
    if type(key) is not str:
        return _("The metric must be the key of one of the team's metrics, as a string.")
    return _("This team has no metric with the key “%(key)s”.") % {"key": key[:80]}

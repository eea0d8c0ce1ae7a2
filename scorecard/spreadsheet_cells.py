"""Cell parsers of the scorecard workbook: each turns what a cell holds into a typed value or raises
CellProblem with a short message for the user ("must be a number"). No database, no openpyxl."""

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

Parser = Callable[[Any], Any]  # raises ValueError with the message for the user


class CellProblem(ValueError):
    pass


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(*, required: bool = False, max_length: int = 200) -> Parser:
    def parse(value: Any) -> str:
        if blank(value):
            if required:
                raise CellProblem(_("this cell must not be empty"))
            return ""
        if isinstance(value, datetime | date | bool):
            raise CellProblem(_("enter text"))
        result = str(value).strip() if not isinstance(value, float) or not value.is_integer() else str(int(value))
        if len(result) > max_length:
            raise CellProblem(_("at most %(n)s characters") % {"n": max_length})
        return result

    return parse


def number(*, required: bool = False, integer: bool = False) -> Parser:
    def parse(value: Any) -> float | int | None:
        if blank(value):
            if required:
                raise CellProblem(_("enter a number"))
            return None
        if isinstance(value, bool | datetime | date):
            raise CellProblem(_("must be a number"))
        if isinstance(value, str):
            raw = value.strip().replace("\u00a0", "").replace(" ", "")
            if raw.count(",") == 1 and "." not in raw:
                raw = raw.replace(",", ".")  # a decimal comma, as Dutch Excel writes it
            try:
                value = float(raw)
            except ValueError:
                raise CellProblem(_("must be a number")) from None
        result = float(value)
        if not math.isfinite(result) or abs(result) > 1e15:
            raise CellProblem(_("must be a finite number between -10^15 and 10^15"))
        if integer:
            if not result.is_integer():
                raise CellProblem(_("must be a whole number"))
            return int(result)
        return result

    return parse


def day(*, required: bool = False, allow_time: bool = False) -> Parser:
    def parse(value: Any) -> date | datetime | None:
        if blank(value):
            if required:
                raise CellProblem(_("enter a date"))
            return None
        if isinstance(value, datetime):
            if value.time() == datetime.min.time():
                return value.date()
            if allow_time:
                return value.replace(tzinfo=None)
            raise CellProblem(_("enter a date without a time"))
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            raw = value.strip()
            for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
                try:
                    parsed = datetime.strptime(raw, fmt)  # a local date of the team
                except ValueError:
                    continue
                if parsed.time() == datetime.min.time():
                    return parsed.date()
                if allow_time:
                    return parsed
        raise CellProblem(_("enter a date such as 2027-03-31"))

    return parse


def choice(choices: Any, *, required: bool = True) -> Parser:
    """A code (``sum``) or its label in English or the reader's language (``Sum``), any case."""

    def parse(value: Any) -> str:
        if blank(value):
            if required:
                raise CellProblem(_("choose one of: %(choices)s") % {"choices": ", ".join(choices.values)})
            return ""
        raw = str(value).strip().lower()
        for code, label in choices.choices:
            if raw in {code.lower(), str(label).lower()}:
                return code
        raise CellProblem(_("choose one of: %(choices)s") % {"choices": ", ".join(choices.values)})

    return parse

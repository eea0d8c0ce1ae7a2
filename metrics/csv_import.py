"""Reading CSV files of data points: columns metric, ts, value (header required).

Files as Dutch Excel writes them work too: `;` as separator, decimal commas, dates as
31-01-2026, text in Windows-1252. Timestamps without an offset are local time in the team's
time zone (spreadsheets cannot store offsets); a date is midnight there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext as _

from teams.errors import ApplicationError

from .services import PointIn
from .validation import TimestampParser
from .values import value_problem

COLUMNS = ("metric", "ts", "value")
MAX_REPORTED_ERRORS = 100
PROGRESS_EVERY = 5000
_LINE_END = re.compile(r"\r\n|\r|\n")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it.

    A NUL byte never occurs in a CSV text file (it does in spreadsheets and UTF-16 files, and PostgreSQL
    cannot store it in text), so such a file is refused with advice.
    """
    if b"\x00" in data:
        raise ApplicationError(
            _("This is not a CSV text file (it contains NUL bytes). Save it as “CSV UTF-8” and upload that file."),
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class CsvLayout:
    delimiter: str
    positions: dict[str, int]  # column name -> index in a row

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"


def read_layout(text: str) -> CsvLayout:
    """Find the separator and the three columns in the header, or explain what is wrong."""
    first_line = _LINE_END.split(text, maxsplit=1)[0]
    if not first_line.strip():
        raise ApplicationError(_("The file is empty; it needs a header row: metric,ts,value."), field="file")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(_read([first_line], delimiter))[1]
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    unknown = [name for name in names if name and name not in COLUMNS]
    if missing or unknown:
        raise ApplicationError(
            _("The first row must name the columns metric, ts and value (found: %(found)s).")
            % {"found": ", ".join(n for n in names if n) or _("nothing")},
            field="file",
        )
    return CsvLayout(delimiter=delimiter, positions={column: names.index(column) for column in COLUMNS})


def iter_rows(text: str, layout: CsvLayout) -> Iterator[tuple[int, list[str]]]:
    """(line number as a spreadsheet shows it, cells) for every non-empty data row."""
    # newline="": the csv module itself reads \r, \n and \r\n as line ends, also inside quoted cells.
    rows = _read(io.StringIO(text, newline=""), layout.delimiter)
    next(rows, None)
    for line, cells in rows:
        if any(cell.strip() for cell in cells):
            yield line, cells


def _read(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) per row; a row the csv module cannot read (a cell over csv.field_size_limit()) is refused."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            message = _("Line %(line)s cannot be read: a cell is longer than %(limit)s characters.")
            raise ApplicationError(
                message % {"line": reader.line_num, "limit": f"{csv.field_size_limit():,}"}, field="file"
            ) from None
        yield reader.line_num, cells


def preview(text: str, *, limit: int = 10) -> tuple[CsvLayout, list[tuple[int, list[str]]]]:
    """The layout and the first `limit` rows as (line, [metric, ts, value]); reads no further."""
    layout = read_layout(text)
    rows = [
        (line, [_cell(cells, layout.positions[c]) for c in COLUMNS])
        for line, cells in islice(iter_rows(text, layout), limit)
    ]
    return layout, rows


def row_count(text: str) -> int:
    """The number of data rows."""
    return sum(1 for _row in iter_rows(text, read_layout(text)))


def _cell(cells: list[str], position: int) -> str:
    return cells[position].strip() if position < len(cells) else ""


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """A finite number from a cell, or ValueError with a message for the user."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        raise ValueError(_("The value is empty."))
    if "," in text:
        if not decimal_comma:
            message = _("Use a point as decimal separator in comma-separated files (got “%(v)s”).")
            raise ValueError(message % {"v": text[:40]})
        text = text.replace(".", "").replace(",", ".")  # 1.234,5 -> 1234.5
    try:
        value = float(text)
    except ValueError:
        raise ValueError(_("“%(v)s” is not a number.") % {"v": text[:40]}) from None
    problem = value_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def normalise_timestamp(text: str) -> str:
    """31-01-2026 [09:30] (Dutch Excel) becomes 2026-01-31[T09:30]; other text is left as it is."""
    match = _DUTCH_DATE.match(text.strip())
    if not match:
        return text
    day, month, year, hour, minute, second = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        iso += f"T{int(hour):02d}:{minute}:{second or '00'}"
    return iso


@dataclass
class CsvResult:
    points: list[PointIn] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    error_count: int = 0
    rows: int = 0

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": line, "message": message})


def validate_rows(
    text: str,
    *,
    metric_ids: dict[str, int],
    parser: TimestampParser,
    progress: Callable[[int], None] | None = None,
) -> CsvResult:
    """Every row checked; points only count when `error_count` is 0."""
    layout = read_layout(text)
    at = layout.positions
    result = CsvResult()
    for line, cells in iter_rows(text, layout):
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows)
        key, ts_text, value_text = _cell(cells, at["metric"]), _cell(cells, at["ts"]), _cell(cells, at["value"])
        messages: list[str] = []
        metric_id = metric_ids.get(key)
        if metric_id is None:
            messages.append(
                _("No metric with the key “%(key)s”.") % {"key": key[:80]} if key else _("The metric is empty.")
            )
        try:
            ts = parser.parse(normalise_timestamp(ts_text)) if ts_text else None
            if ts is None:
                messages.append(_("The timestamp is empty."))
        except ValueError as error:
            messages.append(str(error))
        try:
            value = parse_number(value_text, decimal_comma=layout.decimal_comma)
        except ValueError as error:
            messages.append(str(error))
        if messages:
            result.add_error(line, " ".join(messages))
        elif result.error_count == 0:
            result.points.append(PointIn(metric_id, ts, value))  # type: ignore[arg-type]
    return result

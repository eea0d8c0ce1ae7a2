"""The scorecard workbook (.xlsx): the one format of the template, the export and the import.

Sheets: Scorecard (title, frequency), Perspectives, KPIs, Targets and History (values per date of
KPIs entered by hand). Columns are found by their header in row 1, so they may be moved; sheet
and column names are English in every language (a file format), the Help sheet explains them.

Reading turns a file into plain rows of typed values and lists every bad cell ("Sheet KPIs, row 7,
column Weight: enter a number") instead of stopping at the first. Uploads are hostile until proven
otherwise: the size, the unpacked size (zip bombs), the number of rows and columns are capped,
formulas are refused (we read what was typed, never a computed result), and the XML is parsed
with defusedxml (openpyxl uses it when installed). Nothing here touches the database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .models import Aggregation, Frequency, PerspectiveKey, ScoringType, Target
from .spreadsheet_cells import CellProblem, Parser, blank, choice, day, number, text

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 100_000  # per sheet (History holds one row per KPI and date)
MAX_COLUMNS = 40
MAX_TEXT = 2_000
MAX_LISTED_ERRORS = 500


@dataclass(frozen=True)
class Column:
    header: str
    parse: Parser
    help: Promise | str
    choices: tuple[str, ...] = ()
    optional: bool = False  # the column may be left out of the sheet (added after the first files were made)


@dataclass(frozen=True)
class CellError:
    sheet: str  # "" for the file as a whole
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if not self.sheet:  # the file as a whole
            return self.message
        if self.row is None:
            return _("Sheet %(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class WorkbookErrors(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass
class Row:
    number: int  # the row number in the sheet, for messages
    values: dict[str, Any]  # the cells that could be read (a bad cell is missing, its problem is listed)
    bad: bool = False


@dataclass
class ParsedWorkbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)
    # Bad cells. The import still checks the good rows against the scorecard's rules, so one upload
    # lists every problem; it writes nothing while there are any.
    errors: list[CellError] = field(default_factory=list)


# --- layout ----------------------------------------------------------------------------------------------------

SCORECARD, PERSPECTIVES, KPIS, TARGETS, HISTORY = "Scorecard", "Perspectives", "KPIs", "Targets", "History"
SHEETS: dict[str, tuple[Column, ...]] = {
    SCORECARD: (
        Column("Title", text(required=True), gettext_lazy("The scorecard's title.")),
        Column(
            "Frequency",
            choice(Frequency),
            gettext_lazy("How often you report: month, quarter or year."),
            ("month", "quarter", "year"),
        ),
    ),
    PERSPECTIVES: (
        Column(
            "Key", choice(PerspectiveKey), gettext_lazy("One of the four perspectives."), tuple(PerspectiveKey.values)
        ),
        Column("Name", text(required=True, max_length=100), gettext_lazy("The name shown on the scorecard.")),
        Column("Guiding question", text(max_length=300), gettext_lazy("The question the perspective answers.")),
        Column("Weight", number(required=True), gettext_lazy("Weight in the overall score (zero or more).")),
    ),
    KPIS: (
        Column(
            "Perspective", text(required=True), gettext_lazy("The key or name of a perspective in sheet Perspectives.")
        ),
        Column(
            "Name", text(required=True), gettext_lazy("Unique within the file: sheets Targets and History refer to it.")
        ),
        Column("Description", text(max_length=MAX_TEXT), gettext_lazy("What the KPI measures.")),
        Column("Unit", text(max_length=40), gettext_lazy("For example %, EUR or followers.")),
        Column(
            "Aggregation",
            choice(Aggregation),
            gettext_lazy("How values in a period add up."),
            tuple(Aggregation.values),
        ),
        Column(
            "Formula",
            text(max_length=500),
            gettext_lazy("Instead of a metric, e.g. 100 * sum(engagements) / sum(reach)."),
        ),
        Column(
            "Metric key",
            text(max_length=80),
            gettext_lazy(
                "A metric of the team; a new key becomes a metric for hand entry; empty: the KPI gets its own."
            ),
        ),
        Column(
            "Scoring type",
            choice(ScoringType),
            gettext_lazy("How a value is scored against its target."),
            tuple(ScoringType.values),
        ),
        Column("Weight", number(required=True), gettext_lazy("Weight in the perspective's score (zero or more).")),
        Column("Owner", text(max_length=254), gettext_lazy("Username or e-mail address of a team member.")),
        Column("Baseline", number(), gettext_lazy("The starting value, for progress and linear pacing.")),
        Column("Decimals", number(required=True, integer=True), gettext_lazy("Decimals shown, 0 to 6.")),
        Column(
            "Frequency",
            choice(Frequency),
            gettext_lazy("The KPI's own period: week, month, quarter or year."),
            tuple(Frequency.values),
        ),
        Column(
            "Success factor",
            text(),
            gettext_lazy("Optional: the title of a success factor in the strategy map the scorecard builds on."),
            optional=True,
        ),
    ),
    TARGETS: (
        Column("KPI", text(required=True), gettext_lazy("The name of a KPI in sheet KPIs.")),
        Column("Period start", day(required=True), gettext_lazy("First day of the target.")),
        Column("Period end", day(required=True), gettext_lazy("Last day of the target.")),
        Column("Goal", number(required=True), gettext_lazy("The value to reach.")),
        Column(
            "Red flag",
            number(),
            gettext_lazy("The value below which (or above which, when lower is better) it is red."),
        ),
        Column("Goal high", number(), gettext_lazy("Only for stabilize: the top of the band.")),
        Column("Red flag high", number(), gettext_lazy("Only for stabilize: the red flag above the band.")),
        Column(
            "Pacing",
            choice(Target.Pacing),
            gettext_lazy("none, or linear from the baseline."),
            tuple(Target.Pacing.values),
        ),
    ),
    HISTORY: (
        Column(
            "KPI",
            text(required=True),
            gettext_lazy("The name of a KPI in sheet KPIs whose values are entered by hand."),
        ),
        Column(
            "Date", day(required=True, allow_time=True), gettext_lazy("The day of the value (in the team's time zone).")
        ),
        Column("Value", number(required=True), gettext_lazy("The value on that day.")),
    ),
}


def max_bytes() -> int:
    return int(getattr(settings, "SCORECARD_WORKBOOK_MAX_BYTES", MAX_BYTES))


# --- reading ---------------------------------------------------------------------------------------------------


def _open(data: bytes) -> Any:
    if len(data) > max_bytes():
        raise WorkbookErrors(
            [CellError("", None, None, _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // 2**20})]
        )
    problem = CellError("", None, None, _("This is not an Excel workbook (.xlsx). Save the file as .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise WorkbookErrors([CellError("", None, None, _("The workbook unpacks to too much data."))])
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkbookErrors:
        raise
    except Exception:  # noqa: BLE001 (openpyxl and zipfile raise many kinds of errors for a broken file)
        raise WorkbookErrors([problem]) from None


def _read_sheet(
    sheet: Worksheet, name: str, columns: tuple[Column, ...], errors: list[CellError], cell_errors: list[CellError]
) -> list[Row]:
    rows_iter = sheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS + 2)
    header_row = next(rows_iter, ())
    headers = {str(cell.value).strip().lower(): index for index, cell in enumerate(header_row) if cell.value}
    positions: dict[str, int] = {}
    required = [column for column in columns if not column.optional]
    for column in columns:
        if column.header.lower() in headers:
            positions[column.header] = headers[column.header.lower()]
        elif not column.optional:
            errors.append(CellError(name, None, None, _("column %(column)s is missing") % {"column": column.header}))
    if any(column.header not in positions for column in required):
        return []
    rows: list[Row] = []
    for number_, cells in enumerate(rows_iter, start=2):
        if number_ > MAX_ROWS + 1:
            errors.append(CellError(name, None, None, _("more than %(n)s rows") % {"n": f"{MAX_ROWS:,}"}))
            break
        values: dict[str, Any] = {}
        raw = {header: cells[index] if index < len(cells) else None for header, index in positions.items()}
        if all(cell is None or blank(cell.value) for cell in raw.values()):
            continue
        for column in columns:
            cell = raw.get(column.header)
            try:
                if cell is not None and cell.data_type == "f":
                    raise CellProblem(_("contains a formula; type the value itself"))
                values[column.header] = column.parse(None if cell is None else cell.value)
            except CellProblem as problem:
                cell_errors.append(CellError(name, number_, column.header, str(problem)))
        rows.append(Row(number_, values, bad=len(values) < len(columns)))
    return rows


def read_workbook(data: bytes) -> ParsedWorkbook:
    """The rows of every sheet, with typed values, and the bad cells in `errors`.

    WorkbookErrors when the file as a whole cannot be used (not a workbook, too large, a sheet or
    column missing, too many rows).
    """
    workbook = _open(data)
    errors: list[CellError] = []
    cell_errors: list[CellError] = []
    parsed = ParsedWorkbook(errors=cell_errors)
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        for sheet_name, columns in SHEETS.items():
            if sheet_name.lower() not in names:
                errors.append(CellError(sheet_name, None, None, _("the sheet is missing")))
                continue
            sheet = workbook[names[sheet_name.lower()]]
            parsed.sheets[sheet_name] = _read_sheet(sheet, sheet_name, columns, errors, cell_errors)
    except WorkbookErrors:
        raise
    except Exception:  # noqa: BLE001 (a sheet openpyxl cannot read is a broken file, not a server error)
        raise WorkbookErrors([CellError("", None, None, _("The workbook could not be read."))]) from None
    finally:
        workbook.close()
    scorecard_readable = SCORECARD in parsed.sheets and not any(error.sheet == SCORECARD for error in errors)
    if scorecard_readable and len(parsed.sheets[SCORECARD]) != 1:
        errors.append(CellError(SCORECARD, None, None, _("fill in exactly one row: the title and frequency")))
    if errors:
        raise WorkbookErrors(errors)
    return parsed


def in_sheet_order(errors: list[CellError]) -> list[CellError]:
    """Errors as a reader goes through the file: sheet by sheet, row by row, column by column."""
    sheets = list(SHEETS)
    headers = {sheet: [column.header for column in columns] for sheet, columns in SHEETS.items()}

    def position(error: CellError) -> tuple[int, int, int]:
        sheet = sheets.index(error.sheet) if error.sheet in headers else -1
        columns = headers.get(error.sheet, [])
        return sheet, error.row or 0, columns.index(error.column) if error.column in columns else -1

    return sorted(errors, key=position)


# --- writing ---------------------------------------------------------------------------------------------------


def write_cell(cell: Cell, value: Any) -> None:
    """Every value goes through here: text is always stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def build_workbook(rows: Mapping[str, Iterable[list[Any]]]) -> bytes:
    """A workbook with the five sheets (rows per sheet, in column order), a Help sheet and dropdowns."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        for index, column in enumerate(columns, start=1):
            write_cell(sheet.cell(row=1, column=index), column.header)
            sheet.cell(row=1, column=index).font = bold
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.header) + 4)
        sheet.freeze_panes = "A2"
        for row, values in enumerate(rows.get(name, []), start=2):
            for index, value in enumerate(values, start=1):
                write_cell(sheet.cell(row=row, column=index), value)
        for index, column in enumerate(columns, start=1):
            if column.choices:
                letter = get_column_letter(index)
                validation = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True)
                validation.add(f"{letter}2:{letter}5000")
                sheet.add_data_validation(validation)
    help_sheet = workbook.create_sheet(_("Help"))
    for index, header in enumerate((_("Sheet"), _("Column"), _("What to fill in"), _("Allowed values")), start=1):
        write_cell(help_sheet.cell(row=1, column=index), header)
        help_sheet.cell(row=1, column=index).font = bold
    help_rows = [(name, column) for name, columns in SHEETS.items() for column in columns]
    for row, (name, column) in enumerate(help_rows, start=2):
        for index, value in enumerate((name, column.header, str(column.help), ", ".join(column.choices)), start=1):
            write_cell(help_sheet.cell(row=row, column=index), value)
    for letter, width in (("A", 14), ("B", 18), ("C", 80), ("D", 50)):
        help_sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

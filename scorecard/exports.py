"""Scorecard exports for one period: an Excel workbook (openpyxl) and a CSV file.

Both are written from the plain structure below, which a view fills from the period
computation; nothing here touches the database. Statuses are written as a word *and* a fill
colour, so the export reads the same in black and white. Every text cell goes through
`scorecard_site.spreadsheets`, so a name that starts like a formula stays text.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scorecard_site.spreadsheets import csv_text, xlsx_text

from .figures import STATUS_COLOURS, status_label


@dataclass(frozen=True)
class ExportKpiRow:
    perspective: str
    name: str
    unit: str
    actual: float | None
    goal: float | None
    red_flag: float | None
    score: float | None  # 0..10
    status: str  # green / amber / red / grey
    progress: float | None  # 0..1
    forecast: float | None
    stale: bool
    forecast_status: str | None = None
    decimals: int = 2
    in_progress: bool = False  # the period has not ended: judged on pace


@dataclass(frozen=True)
class ExportPerspective:
    name: str
    question: str
    score: float | None
    status: str
    rows: list[ExportKpiRow] = field(default_factory=list)


@dataclass(frozen=True)
class ExportScorecard:
    title: str
    team: str
    period_label: str
    score: float | None
    status: str
    perspectives: list[ExportPerspective] = field(default_factory=list)


SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SCORE_FORMAT = "0.00"
PROGRESS_FORMAT = "0%"
HEADER_FONT = Font(bold=True)
DARK_TEXT_ON = {"amber"}  # white text on amber would be too faint


def _number_format(decimals: int) -> str:
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * min(decimals, 6)


def sheet_title(name: str, taken: Iterable[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\, at most 31 characters, unique ignoring case."""
    clean = " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", name).split()).strip("'").strip() or _("Perspective")
    taken_lower = {t.lower() for t in taken}
    candidate, n = clean[:SHEET_NAME_MAX], 1
    while candidate.lower() in taken_lower:
        n += 1
        suffix = f" ({n})"
        candidate = clean[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    return candidate


def _status_cell(sheet: Worksheet, row: int, column: int, status: str | None, in_progress: bool = False) -> None:
    if status is None:
        return
    cell = xlsx_text(sheet, row, column, status_label(status, in_progress=in_progress))
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"]).lstrip("#").upper()
    cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
    cell.font = Font(bold=True, color="212529" if status in DARK_TEXT_ON else "FFFFFF")
    cell.alignment = Alignment(horizontal="center")


def _number_cell(sheet: Worksheet, row: int, column: int, value: float | None, number_format: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = number_format


def _header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        xlsx_text(sheet, row, column, title).font = HEADER_FONT


def _fit_columns(sheet: Worksheet, *, minimum: int = 8, maximum: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                length = len(f"{cell.value:,.2f}") if isinstance(cell.value, float) else len(str(cell.value))
                widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))


def _summary_sheet(sheet: Worksheet, export: ExportScorecard) -> None:
    xlsx_text(sheet, 1, 1, export.title).font = Font(bold=True, size=14)
    xlsx_text(sheet, 2, 1, _("Team")).font = HEADER_FONT
    xlsx_text(sheet, 2, 2, export.team)
    xlsx_text(sheet, 3, 1, _("Period")).font = HEADER_FONT
    xlsx_text(sheet, 3, 2, export.period_label)
    _header(sheet, 5, [_("Perspective"), _("Guiding question"), _("Score"), _("Status"), _("KPIs")])
    xlsx_text(sheet, 6, 1, _("Overall")).font = HEADER_FONT
    _number_cell(sheet, 6, 3, export.score, SCORE_FORMAT)
    _status_cell(sheet, 6, 4, export.status)
    _number_cell(sheet, 6, 5, sum(len(p.rows) for p in export.perspectives), "0")
    for row, perspective in enumerate(export.perspectives, start=7):
        xlsx_text(sheet, row, 1, perspective.name)
        xlsx_text(sheet, row, 2, perspective.question)
        _number_cell(sheet, row, 3, perspective.score, SCORE_FORMAT)
        _status_cell(sheet, row, 4, perspective.status)
        _number_cell(sheet, row, 5, len(perspective.rows), "0")
    sheet.freeze_panes = "A6"


def _kpi_headers() -> list[str]:
    return [
        _("KPI"), _("Unit"), _("Actual"), _("Goal"), _("Red flag"), _("Score"), _("Status"),
        _("Progress"), _("Forecast"), _("Forecast status"), _("Stale data"),
    ]  # fmt: skip


def _perspective_sheet(sheet: Worksheet, perspective: ExportPerspective) -> None:
    _header(sheet, 1, _kpi_headers())
    for row, kpi in enumerate(perspective.rows, start=2):
        value_format = _number_format(kpi.decimals)
        xlsx_text(sheet, row, 1, kpi.name)
        xlsx_text(sheet, row, 2, kpi.unit)
        for column, value in ((3, kpi.actual), (4, kpi.goal), (5, kpi.red_flag), (9, kpi.forecast)):
            _number_cell(sheet, row, column, value, value_format)
        _number_cell(sheet, row, 6, kpi.score, SCORE_FORMAT)
        _status_cell(sheet, row, 7, kpi.status, kpi.in_progress)
        _number_cell(sheet, row, 8, kpi.progress, PROGRESS_FORMAT)
        _status_cell(sheet, row, 10, kpi.forecast_status)
        xlsx_text(sheet, row, 11, _("Yes") if kpi.stale else _("No"))
    sheet.freeze_panes = "B2"
    if perspective.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(_kpi_headers()))}{len(perspective.rows) + 1}"


def to_xlsx(export: ExportScorecard) -> bytes:
    """The scorecard as an Excel workbook: a Summary sheet, then one sheet per perspective."""
    workbook = Workbook()
    summary = workbook.worksheets[0]
    summary.title = sheet_title(_("Summary"), [])
    _summary_sheet(summary, export)
    _fit_columns(summary)
    summary.column_dimensions["A"].width = max(summary.column_dimensions["A"].width or 0, 14)
    for perspective in export.perspectives:
        sheet = workbook.create_sheet(sheet_title(perspective.name, workbook.sheetnames))
        _perspective_sheet(sheet, perspective)
        _fit_columns(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CSV_COLUMNS = [
    "team", "period", "perspective", "perspective_score", "perspective_status", "kpi", "unit", "actual", "goal",
    "red_flag", "score", "status", "progress", "forecast", "forecast_status", "stale", "in_progress",
]  # fmt: skip


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(round(value, 6))


def to_csv(export: ExportScorecard) -> str:
    """One row per KPI, with its perspective's score and status; machine-readable column names
    and status codes (the same as the scores endpoint). Encode as UTF-8 when sending it."""
    buffer = io.StringIO()
    # Every cell quoted (OWASP): a carriage return inside a name stays in its cell instead of starting a new row,
    # where the rest of the name would be read as a formula.
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for perspective in export.perspectives:
        for kpi in perspective.rows:
            writer.writerow(
                [
                    csv_text(export.team), export.period_label, csv_text(perspective.name),
                    _csv_number(perspective.score), perspective.status, csv_text(kpi.name), csv_text(kpi.unit),
                    _csv_number(kpi.actual), _csv_number(kpi.goal),
                    _csv_number(kpi.red_flag), _csv_number(kpi.score), kpi.status, _csv_number(kpi.progress),
                    _csv_number(kpi.forecast), kpi.forecast_status or "", "true" if kpi.stale else "false",
                    "true" if kpi.in_progress else "false",
                ]
            )  # fmt: skip
    return buffer.getvalue()

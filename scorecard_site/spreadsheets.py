"""Cells of downloaded spreadsheets (.xlsx, .csv) that show text as text, never as a live formula.

Excel, LibreOffice and Google Sheets read a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula (OWASP, "CSV Injection"), so a KPI named `=HYPERLINK("https://evil", "Report")` would
become a link, or worse, in the file a manager opens. Every writer of a download passes each text cell
through this module: numbers stay numbers (a negative goal stays the number -5), text that could start a
formula is neutralised:

* `.xlsx`: the cell is a string cell with Excel's "quote prefix" (what typing an apostrophe first does), so
  it shows exactly the text and stays text when edited; control characters a workbook cannot hold are dropped.
* `.csv`: the cell gets a leading apostrophe, OWASP's advice; spreadsheets show it as text.

Leading whitespace is looked through (`"  =1+1"`), and the full-width forms of the triggers count too: some
spreadsheet locales turn them into the ASCII ones on entry.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def starts_like_a_formula(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula."""
    return bool(text) and (text[0] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """A CSV cell of user text: an apostrophe in front when it could start a formula."""
    return "'" + text if starts_like_a_formula(text) else text


def xlsx_text(sheet: Worksheet, row: int, column: int, text: str) -> Cell:
    """Write `text` to a worksheet cell as text, whatever it starts with (`=`, `#N/A`, ...)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error value; both are text here
    if starts_like_a_formula(text):
        cell.quotePrefix = True
    return cell

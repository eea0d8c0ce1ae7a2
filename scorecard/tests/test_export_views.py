"""Exports (.xlsx, .csv) and the print report: same numbers as the scores endpoint, access, query counts."""

import csv
import io
import json
import re
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecard import services
from scorecard.models import KPI
from scorecard.tests.test_query_counts import add_kpis

pytestmark = pytest.mark.django_db

PAGES = ["scorecard:scorecard-export-xlsx", "scorecard:scorecard-export-csv", "scorecard:scorecard-report"]


@pytest.fixture
def filled(scorecard, make_metric, put_points):
    add_kpis(scorecard, make_metric, put_points, 8, 0)
    services.action_create(perspective=scorecard.perspectives.get(key="customer"), title="Post daily")
    return scorecard


def url(name, scorecard, period="2027-03", team_slug="social"):
    return reverse(name, args=[team_slug, scorecard.pk]) + (f"?period={period}" if period else "")


def api_scores(client, scorecard, period="2027-03"):
    response = client.get(url("scorecard:api-scores", scorecard, period))
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, filled, name):
    response = client.get(url(name, filled))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_get_404(client_for, filled, name):
    assert client_for("outsider").get(url(name, filled)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_scorecard_of_another_team_is_not_found(client_for, filled, name, org):
    assert client_for("outsider").get(url(name, filled, team_slug="other")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["viewer", "parent_viewer", "editor"])
def test_viewers_and_up_may_export_and_print(client_for, filled, name, who):
    assert client_for(who).get(url(name, filled)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_bad_period_is_refused_with_a_clear_message(client_for, filled, name):
    response = client_for("viewer").get(url(name, filled, period="2027-13"))
    assert response.status_code == 400
    assert "a month runs from 01 to 12" in response.content.decode()


def test_the_xlsx_holds_the_same_numbers_as_the_scores_endpoint(client_for, filled):
    client = client_for("viewer")
    response = client.get(url("scorecard:scorecard-export-xlsx", filled))
    assert response["Content-Disposition"] == 'attachment; filename="social-scorecard-2027-2027-03.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    payload = api_scores(client, filled)
    summary = workbook["Summary"]
    assert summary["C6"].value == payload["score"]
    assert workbook.sheetnames == ["Summary", "Customer", "Organisation", "Social media", "Financial"]
    compared = 0
    for perspective, sheet_name in zip(payload["perspectives"], workbook.sheetnames[1:], strict=True):
        sheet = workbook[sheet_name]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in rows] == [kpi["name"] for kpi in perspective["kpis"]]
        for row, kpi in zip(rows, perspective["kpis"], strict=True):
            # Excel keeps 15 significant digits: equal up to the last bit of a double.
            expected = [None if v is None else pytest.approx(v, rel=1e-14) for v in (kpi["actual"], kpi["goal"])]
            expected += [kpi["red_flag"], kpi["score"]]
            assert [row[2], row[3], row[4], row[5]] == expected
            compared += kpi["actual"] is not None
        summary_row = next(r for r in summary.iter_rows(min_row=7, values_only=True) if r[0] == sheet_name)
        assert summary_row[2] == perspective["score"]
    assert compared >= 4  # the comparison saw real numbers, not only blanks


def test_the_csv_holds_the_same_numbers_as_the_scores_endpoint(client_for, filled):
    client = client_for("viewer")
    response = client.get(url("scorecard:scorecard-export-csv", filled))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="social-scorecard-2027-2027-03.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    kpis = [kpi for perspective in api_scores(client, filled)["perspectives"] for kpi in perspective["kpis"]]
    assert [row["kpi"] for row in rows] == [kpi["name"] for kpi in kpis]

    def number(text):
        return None if text == "" else float(text)

    for row, kpi in zip(rows, kpis, strict=True):
        for column in ("actual", "goal", "red_flag", "score"):
            assert number(row[column]) == (None if kpi[column] is None else pytest.approx(kpi[column], abs=1e-6))
        assert row["status"] == kpi["status"]


def test_the_report_shows_a_summary_and_a_chart_per_kpi_with_goal_line(client_for, filled):
    response = client_for("viewer").get(url("scorecard:scorecard-report", filled))
    page = response.content.decode()
    assert "css/print.css" in page
    assert page.count('class="report-perspective"') == 4
    kpis = [kpi for perspective in response.context["scores"].perspectives for kpi in perspective.kpis]
    found = re.search(rf'<script id="report-chart-{kpis[0].kpi.pk}" type="application/json">(.*?)</script>', page)
    assert found is not None
    chart = json.loads(found.group(1))
    names = [trace.get("name") for trace in chart["data"]]
    assert "Goal" in names and "Actual" in names
    assert chart["layout"]["width"] == 680  # fits an A4 page


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_exports_and_report_take_as_many_queries_for_48_kpis_as_for_4(
    client_for, scorecard, make_metric, put_points, name
):
    client = client_for("viewer")
    add_kpis(scorecard, make_metric, put_points, 4, 0)
    few = count_queries(client, url(name, scorecard))
    add_kpis(scorecard, make_metric, put_points, 44, 4)
    many = count_queries(client, url(name, scorecard))
    assert many == few


def test_the_current_period_is_exported_without_a_period_parameter(client_for, filled):
    response = client_for("viewer").get(url("scorecard:scorecard-export-csv", filled, period=None))
    assert response.status_code == 200
    assert date.today().strftime("%Y-%m") in response["Content-Disposition"]


def test_a_kpi_named_like_a_formula_is_downloaded_as_text(client_for, filled):
    name, unit = '=HYPERLINK("https://evil.example","Click")', "+cmd"
    kpi = KPI.objects.filter(perspective__scorecard=filled).order_by("pk").first()
    KPI.objects.filter(pk=kpi.pk).update(name=name, unit=unit)
    client = client_for("viewer")

    rows = list(csv.DictReader(io.StringIO(client.get(url("scorecard:scorecard-export-csv", filled)).content.decode())))
    assert (rows[0]["kpi"], rows[0]["unit"]) == ("'" + name, "'" + unit)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url("scorecard:scorecard-export-xlsx", filled)).content))
    cells = next(row for sheet in workbook.worksheets[1:] for row in sheet.iter_rows() if row[0].value == name)
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[:2]] == [(name, "s", True), (unit, "s", True)]

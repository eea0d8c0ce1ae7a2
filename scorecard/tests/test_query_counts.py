"""The scores endpoint runs the same number of queries for 4 KPIs as for 48 (DESIGN.md section 7)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scorecard import services
from scorecard.tests.conftest import local

pytestmark = pytest.mark.django_db

FREQUENCIES = ["month", "week", "quarter", "year"]
AGGREGATIONS = ["sum", "last", "avg", "max"]


def add_kpis(scorecard, make_metric, put_points, count, start):
    perspectives = list(scorecard.perspectives.all())
    for index in range(start, start + count):
        metric = make_metric(f"metric-{index}")
        recent = timezone.now() - timedelta(hours=1)
        put_points(metric, [(local(2027, 3, 10), float(index)), (local(2027, 3, 20), float(index + 1)), (recent, 1.0)])
        options = {"metric": metric, "aggregation": AGGREGATIONS[index % 4], "frequency": FREQUENCIES[index % 4]}
        if index % 6 == 5:
            options = {"formula": f"sum(metric-{index}) / max(metric-{index})"}
        kpi = services.kpi_create(perspective=perspectives[index % 4], name=f"KPI {index}", **options)
        services.target_create(
            kpi=kpi, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31), goal=10, red_flag=5
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


CURRENT_MONTH = timezone.localdate().strftime("%Y-%m")  # forecasts read the current period's points


@pytest.mark.parametrize("period", ["2027-03", "2027", "2027-W11", CURRENT_MONTH])
def test_scores_take_as_many_queries_for_48_kpis_as_for_4(client_for, scorecard, make_metric, put_points, period):
    client = client_for("viewer")
    url = reverse("scorecard:api-scores", args=[scorecard.team.slug, scorecard.pk]) + f"?period={period}"
    add_kpis(scorecard, make_metric, put_points, 4, 0)
    few, payload = count_queries(client, url)
    assert sum(len(p["kpis"]) for p in payload["perspectives"]) == 4
    add_kpis(scorecard, make_metric, put_points, 44, 4)
    many, payload = count_queries(client, url)
    assert sum(len(p["kpis"]) for p in payload["perspectives"]) == 48
    assert any(k["actual"] is not None for p in payload["perspectives"] for k in p["kpis"])
    assert many == few


def test_the_scorecard_page_does_not_grow_with_kpis_either(client_for, scorecard, make_metric, put_points):
    client = client_for("viewer")
    url = reverse("scorecard:scorecard-detail", args=[scorecard.team.slug, scorecard.pk]) + "?period=2027-03"
    add_kpis(scorecard, make_metric, put_points, 4, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_kpis(scorecard, make_metric, put_points, 44, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)

"""Numbers read the same way on every page: grouped per language, with the KPI's decimals, and the unit on goals
as on actuals."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from lxml import html

from metrics.services import PointIn, datapoints_upsert
from teams.tests.test_tenant_isolation import kpi_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def followers_kpi(team):
    kpi = kpi_of(team)
    kpi.name, kpi.unit, kpi.decimals = "Followers", "followers", 1
    kpi.save()
    kpi.targets.update(goal=35300, red_flag=30000)
    # replaces the KPI's one value of the month
    datapoints_upsert(points=[PointIn(kpi.metric_id, datetime(2027, 1, 5, tzinfo=UTC), 1234.5)], source="manual")
    return kpi


@pytest.mark.parametrize(
    ("language", "actual", "goal", "red_flag"),
    [
        ("en", "1,234.5 followers", "35,300.0 followers", "30,000.0 followers"),
        ("nl", "1.234,5 followers", "35.300,0 followers", "30.000,0 followers"),
    ],
)
def test_the_report_shows_actual_goal_and_red_flag_grouped_with_decimals_and_unit(
    client_for, team, followers_kpi, language, actual, goal, red_flag
):
    url = reverse("scorecard:scorecard-report", args=[team.slug, followers_kpi.perspective.scorecard_id])
    page = client_for("viewer").get(url + "?period=2027-01", HTTP_ACCEPT_LANGUAGE=language).content
    row = html.fromstring(page).xpath("//table//tr[td[1][contains(., 'Followers')]]")[0]
    assert [cell.text_content().strip() for cell in row.xpath("td")][1:4] == [actual, goal, red_flag]


@pytest.mark.parametrize(("language", "shown"), [("en", "1,234.5"), ("nl", "1.234,5")])
def test_the_metric_page_lists_values_grouped_per_language(client_for, team, followers_kpi, language, shown):
    url = reverse("metrics:metric-detail", args=[team.slug, followers_kpi.metric.key])
    page = client_for("viewer").get(url, HTTP_ACCEPT_LANGUAGE=language).content
    values = [cell.text_content() for cell in html.fromstring(page).xpath("//table//td[contains(@class, 'text-end')]")]
    assert shown in values

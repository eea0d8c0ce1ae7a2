"""Actions on the charts: due and completion dates on the KPI's chart, and the KPI before and after an action."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecard import services
from scorecard.models import Action
from scorecard.tests.conftest import local
from strategy.evidence import add_months

pytestmark = pytest.mark.django_db


def month_start(months_ago: int) -> date:
    today = timezone.localdate()
    return add_months(date(today.year, today.month, 1), -months_ago)


@pytest.fixture
def leads(perspective, make_metric, put_points):
    """A monthly sum KPI: 100 leads a month until five months ago, 150 a month since."""
    metric = make_metric("leads")
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=metric, aggregation="sum", unit="leads")
    services.target_create(
        kpi=kpi, period_start=month_start(12), period_end=month_start(-6) - timedelta(days=1), goal=120, red_flag=80
    )
    points = []
    for months_ago in range(10, 0, -1):
        month = month_start(months_ago)
        points.append((local(month.year, month.month, 12), 100.0 if months_ago > 5 else 150.0))
    put_points(metric, points)
    return kpi


def action_on(kpi, **fields):
    return services.action_create(perspective=kpi.perspective, title="Webinar <b>series</b>", kpi=kpi, **fields)


def test_an_action_saved_as_done_gets_todays_date_and_loses_it_when_reopened(leads):
    action = action_on(leads, status=Action.Status.DONE)
    assert action.completed_on == timezone.localdate()
    services.action_update(action=action, status=Action.Status.IN_PROGRESS)
    assert action.completed_on is None
    given = month_start(3) + timedelta(days=4)
    services.action_update(action=action, status=Action.Status.DONE, completed_on=given)
    assert Action.objects.get(pk=action.pk).completed_on == given


def test_the_kpi_chart_marks_the_due_and_the_completion_date_at_their_months(client_for, team, leads):
    due, done = month_start(4) + timedelta(days=20), month_start(5) + timedelta(days=27)
    action_on(leads, status=Action.Status.DONE, due_date=due, completed_on=done)
    action_on(leads, status=Action.Status.CANCELLED, due_date=due)  # a cancelled action is not marked
    response = client_for("viewer").get(reverse("scorecard:kpi-detail", args=[team.slug, leads.pk]))
    layout = response.context["chart"]["layout"]
    notes = {a["text"]: a["x"] for a in layout["annotations"] if "Webinar" in a["text"]}
    assert notes == {
        "⏱ due: Webinar &lt;b&gt;series&lt;/b&gt;": f"{due:%Y-%m}",  # user text escaped
        "✔ done: Webinar &lt;b&gt;series&lt;/b&gt;": f"{done:%Y-%m}",
    }
    lines = sorted(shape["x0"] for shape in layout["shapes"] if shape["type"] == "line")
    assert lines == sorted([f"{due:%Y-%m}", f"{done:%Y-%m}"])


def test_the_action_page_compares_the_kpi_before_and_after_it_was_done(client_for, team, leads):
    action = action_on(leads, status=Action.Status.DONE, completed_on=month_start(5) + timedelta(days=27))
    response = client_for("viewer").get(reverse("scorecard:action-detail", args=[team.slug, action.pk]))
    comparison = response.context["on_kpi"].comparison
    assert comparison.done_in.label == f"{month_start(5):%Y-%m}"
    assert [p.period.label for p in comparison.before] == [f"{month_start(m):%Y-%m}" for m in (8, 7, 6)]
    assert [p.period.label for p in comparison.after] == [f"{month_start(m):%Y-%m}" for m in (4, 3, 2)]
    assert (comparison.before_mean, comparison.after_mean, comparison.change_share) == (100.0, 150.0, 0.5)
    html = response.content.decode()
    assert "the KPI averaged 100 leads over 3 periods; after it, 150 leads over 3 periods." in html
    assert "+50 %" in html and "Webinar &lt;b&gt;series&lt;/b&gt;" in html


def test_a_recent_action_compares_only_complete_periods_after_it(client_for, team, leads):
    action = action_on(leads, status=Action.Status.DONE, completed_on=month_start(1) + timedelta(days=3))
    response = client_for("viewer").get(reverse("scorecard:action-detail", args=[team.slug, action.pk]))
    comparison = response.context["on_kpi"].comparison
    assert comparison.after == [] and comparison.change is None
    assert "nothing to compare yet" in response.content.decode()


def test_an_open_action_page_shows_the_kpi_with_its_due_date_and_says_the_comparison_comes_later(
    client_for, team, leads
):
    action = action_on(leads, due_date=month_start(2) + timedelta(days=1))
    response = client_for("viewer").get(reverse("scorecard:action-detail", args=[team.slug, action.pk]))
    assert response.context["on_kpi"].comparison is None
    assert response.context["on_kpi"].marks == [(f"{month_start(2):%Y-%m}", "⏱ due: Webinar &lt;b&gt;series&lt;/b&gt;")]
    assert "Once the action is done" in response.content.decode()


def test_an_action_without_a_kpi_has_a_page_without_a_chart(client_for, team, perspective):
    action = services.action_create(perspective=perspective, title="Write guidelines")
    response = client_for("viewer").get(reverse("scorecard:action-detail", args=[team.slug, action.pk]))
    assert response.status_code == 200 and response.context["chart"] is None


def test_the_action_page_is_404_for_outsiders_and_read_only_for_viewers(client_for, team, leads):
    action = action_on(leads)
    url = reverse("scorecard:action-detail", args=[team.slug, action.pk])
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("viewer").post(url).status_code == 405
    assert (
        reverse("scorecard:action-edit", args=[team.slug, action.pk])
        not in client_for("viewer").get(url).content.decode()
    )

"""The strategy map's statuses and monthly series come from the scorecard's scoring (scorecard.selectors.factors)."""

import math
from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from scorecard import services
from scorecard.evaluation import evaluate_scorecard as scorecard_scores
from scorecard.periods import parse_period
from scorecard.scoring import rollup
from scorecard.selectors.factors import objective_monthly_series, objective_statuses
from scorecard.tests.conftest import local
from strategy.models import Objective, ObjectiveLink, SuccessFactor

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def measured_factor(success_factor, perspective, make_metric, put_points):
    """Two KPIs measure the factor in March 2027: one green (leads), one red (complaints, lower is better)."""
    for name, goal, red_flag, value in (("Leads", 100, 50, 120.0), ("Complaints", 5, 10, 12.0)):
        metric = make_metric(name.lower())
        kpi = services.kpi_create(
            perspective=perspective, name=name, metric=metric, aggregation="sum", success_factor=success_factor
        )
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=goal, red_flag=red_flag
        )
        put_points(metric, [(local(2027, 3, 2), value)])
    return success_factor


def expected_rollup(scorecard, objective, period):
    """The roll-up of the objective's KPIs in the dashboard's own scores."""
    scores = scorecard_scores(scorecard=scorecard, period=parse_period(period), now=NOW)
    items = [
        (item.score, item.kpi.weight)
        for p in scores.perspectives
        for item in p.kpis
        if item.kpi.success_factor_id in set(objective.success_factors.values_list("pk", flat=True))
    ]
    return rollup(items)


def test_each_success_factor_gets_the_status_of_its_kpis(measured_factor, strategy_map):
    statuses = objective_statuses(strategy_map=strategy_map, period="2027-03", now=NOW)
    assert sorted(statuses.factors[measured_factor.pk]) == ["green", "red"]


def test_an_objective_status_is_the_roll_up_of_the_kpis_of_its_success_factors(
    measured_factor, strategy_map, scorecard
):
    objective = measured_factor.objective
    statuses = objective_statuses(strategy_map=strategy_map, period="2027-03", now=NOW)
    # green (score 8.0) and red (2.0) roll up to 5.0: amber, neither of the two
    assert statuses.objectives[objective.pk] == expected_rollup(scorecard, objective, "2027-03")[1] == "amber"
    unmeasured = Objective.objects.create(strategy_map=strategy_map, title="Not measured")
    assert unmeasured.pk not in objective_statuses(strategy_map=strategy_map, period="2027-03", now=NOW).objectives


def test_the_period_picked_is_scored_and_a_bad_one_keeps_the_current_period_and_says_why(measured_factor, strategy_map):
    february = objective_statuses(strategy_map=strategy_map, period="2027-02", now=NOW)
    assert february.period == "2027-02" and february.objectives[measured_factor.objective_id] == "grey"
    bad = objective_statuses(strategy_map=strategy_map, period="March", now=NOW)
    assert bad.period == "2027-03" and "is not a period" in bad.error
    assert bad.choices[0] == ("2027-03", "2027-03") and ("2027-01", "2027-01") in bad.choices


def test_a_map_that_has_ended_shows_its_last_period_by_default(measured_factor, strategy_map):
    later = datetime(2028, 6, 1, 12, tzinfo=UTC)
    assert objective_statuses(strategy_map=strategy_map, now=later).period == "2027-12"


def test_a_map_without_a_scorecard_has_no_statuses(strategy_map):
    strategy_map.scorecards.all().delete()
    statuses = objective_statuses(strategy_map=strategy_map, now=NOW)
    assert statuses.objectives == {} and statuses.factors == {} and not statuses.choices
    assert objective_monthly_series(strategy_map=strategy_map, months=12, now=NOW) == {}


def test_monthly_series_are_the_objectives_roll_up_each_complete_month(
    measured_factor, strategy_map, scorecard, make_metric, put_points
):
    objective = measured_factor.objective
    series = objective_monthly_series(strategy_map=strategy_map, months=6, now=datetime(2027, 4, 10, tzinfo=UTC))
    months = [date(2026, m, 1) for m in (10, 11, 12)] + [date(2027, m, 1) for m in (1, 2, 3)]
    assert list(series[objective.pk]) == months  # the six complete months before April
    assert series[objective.pk][date(2027, 3, 1)] == pytest.approx(expected_rollup(scorecard, objective, "2027-03")[0])
    assert series[objective.pk][date(2026, 12, 1)] is None  # no target yet: no score


def test_the_map_page_shows_each_objective_status_in_words_and_the_kpi_marks(
    client_for, team, measured_factor, strategy_map
):
    page = client_for("viewer").get(
        reverse("strategy:map-detail", args=[team.slug, strategy_map.pk]) + "?period=2027-03"
    )
    html = page.content.decode()
    assert "▲ Below goal" in html  # the objective's box: symbol and word, not colour alone
    assert "2 KPIs" in html and "✔" in html and "✖" in html  # the factor's KPI marks
    assert page.context["statuses"].period == "2027-03"


def test_the_map_page_reads_the_same_number_of_queries_for_more_links_and_kpis(
    client_for, team, strategy_map, perspective, make_metric, django_assert_max_num_queries
):
    """Statuses, series and evidence for the whole map in a constant number of queries."""
    client = client_for("viewer")
    url = reverse("strategy:map-detail", args=[team.slug, strategy_map.pk])

    def grow(count):
        objectives = [Objective.objects.create(strategy_map=strategy_map, title=f"O{i}") for i in range(count)]
        for i, objective in enumerate(objectives):
            factor = SuccessFactor.objects.create(objective=objective, title=f"F{i}")
            services.kpi_create(
                perspective=perspective, name=f"K{objective.pk}", metric=make_metric(f"m{objective.pk}"),
                aggregation="sum", success_factor=factor,
            )  # fmt: skip
        for cause, effect in zip(objectives[1:], objectives[:-1], strict=True):
            ObjectiveLink.objects.create(cause=cause, effect=effect)

    grow(2)
    client.get(url)  # warm the session
    cache.clear()  # both reads score from the aggregates, neither from the results cache
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    grow(12)
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        client.get(url)


@pytest.fixture
def linked_map(strategy_map, perspective, make_metric, put_points):
    """Two objectives; the effect's KPI follows the cause's one month later, over the last 15 complete months."""
    from django.utils import timezone

    from strategy.evidence import add_months

    today = timezone.localdate()
    first = add_months(date(today.year, today.month, 1), -15)
    wave = [100 + 30 * math.sin(i * 0.9) + 10 * math.cos(i * 0.37) for i in range(16)]
    objectives = {}
    for name, values in (("Engagement", wave[1:]), ("Leads <b>", wave[:-1])):
        objective = Objective.objects.create(strategy_map=strategy_map, title=name, perspective="customer")
        factor = SuccessFactor.objects.create(objective=objective, title=f"{name} factor")
        metric = make_metric(f"m-{objective.pk}")
        kpi = services.kpi_create(
            perspective=perspective, name=name, metric=metric, aggregation="sum", success_factor=factor
        )
        services.target_create(
            kpi=kpi, period_start=add_months(first, -1), period_end=add_months(first, 24), goal=100, red_flag=50
        )
        points = []
        for i, value in enumerate(values):
            month = add_months(first, i)
            points.append((local(month.year, month.month, 10), value))
        put_points(metric, points)
        objectives[name] = objective
    link = ObjectiveLink.objects.create(cause=objectives["Engagement"], effect=objectives["Leads <b>"])
    return strategy_map, link


def test_the_link_page_finds_that_leads_follow_engagement_a_month_later(client_for, team, linked_map):
    strategy_map, link = linked_map
    url = reverse("strategy:link-detail", args=[team.slug, strategy_map.pk, link.pk])
    response = client_for("viewer").get(url)
    html = response.content.decode()
    evidence = response.context["evidence"]
    assert (evidence.label, evidence.lag, evidence.months) == ("supported", 1, 14)
    assert evidence.r == pytest.approx(1.0)
    assert "Over 14 months, “Leads &lt;b&gt;” moved with “Engagement” 1 month later (r = 1.00)." in html
    assert "This is a correlation, not proof of cause." in html
    traces = response.context["figure"]["data"]
    assert [t["name"] for t in traces] == ["Cause: Engagement", "Effect: Leads &lt;b&gt;, 1 month later"]
    assert len([row for row in response.context["rows"] if row.cause is not None and row.effect is not None]) == 14


def test_the_map_shows_the_evidence_on_the_arrow_and_in_the_links_table(client_for, team, linked_map):
    strategy_map, link = linked_map
    response = client_for("viewer").get(reverse("strategy:map-detail", args=[team.slug, strategy_map.pk]))
    html = response.content.decode()
    assert f'id="link-{link.cause_id}-{link.effect_id}"' in html and "link link-supported" in html
    assert reverse("strategy:link-detail", args=[team.slug, strategy_map.pk, link.pk]) in html
    assert "Supported by the data</a>" in html


def test_the_map_downloads_as_an_svg_file_with_the_statuses_of_the_period(client_for, team, linked_map):
    strategy_map, _link = linked_map
    url = reverse("strategy:map-svg", args=[team.slug, strategy_map.pk])
    response = client_for("viewer").get(url + "?period=2027-03")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == 'attachment; filename="social-2027-2027-03.svg"'
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "Leads &lt;b&gt;" in svg and "<b>" not in svg

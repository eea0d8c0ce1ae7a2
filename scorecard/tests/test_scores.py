"""The scores endpoint returns the numbers a person computes by hand from DESIGN.md section 4."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.evaluation import evaluate_scorecard as scorecard_scores
from scorecard.evaluation import kpi_series
from scorecard.periods import parse_period
from scorecard.tests.conftest import AMS, local

pytestmark = pytest.mark.django_db


def scores_url(scorecard, period=None):
    url = reverse("scorecard:api-scores", args=[scorecard.team.slug, scorecard.pk])
    return url + (f"?period={period}" if period else "")


def year_target(kpi, goal, red_flag, **extra):
    return services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=goal, red_flag=red_flag, **extra
    )


@pytest.fixture
def leads(perspective, make_metric, put_points):
    """100 leads a month is the goal, 500 ... 700: a monthly sum KPI with 600 leads in March."""
    metric = make_metric("leads")
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=metric, aggregation="sum")
    year_target(kpi, 700, 500)
    put_points(metric, [(local(2027, 3, 1, 0, 30), 250.0), (local(2027, 3, 31, 23, 0), 350.0)])
    return kpi


def kpi_row(payload, kpi):
    return next(k for p in payload["perspectives"] for k in p["kpis"] if k["id"] == kpi.pk)


def test_a_month_between_red_flag_and_goal_is_amber_with_the_interpolated_score(client_for, scorecard, leads):
    payload = client_for("viewer").get(scores_url(scorecard, "2027-03")).json()
    row = kpi_row(payload, leads)
    # score = 10/3 * (600 - 500) / (700 - 500) + 10/3 = 5.0
    assert row | {"newest": None} == row | {
        "actual": 600.0,
        "goal": 700.0,
        "red_flag": 500.0,
        "score": 5.0,
        "status": "amber",
        "progress": pytest.approx(600 / 700),
        "period": "2027-03",
        "newest": None,
    }
    assert payload["period"] == "2027-03"
    customer = next(p for p in payload["perspectives"] if p["key"] == "customer")
    assert (customer["score"], customer["status"]) == (5.0, "amber")
    assert (payload["score"], payload["status"]) == (5.0, "amber")


def test_a_sum_kpi_viewed_for_a_year_has_twelve_times_the_monthly_goal(client_for, scorecard, leads):
    row = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027")).json(), leads)
    assert (row["goal"], row["red_flag"], row["actual"]) == (12 * 700.0, 12 * 500.0, 600.0)
    assert (row["score"], row["status"]) == (0.0, "red")  # far below the red flag: clamped to 0


def test_a_week_of_a_monthly_kpi_shows_the_month(client_for, scorecard, leads):
    row = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-W11")).json(), leads)
    assert (row["period"], row["actual"], row["goal"]) == ("2027-03", 600.0, 700.0)


def test_lower_is_better_goes_green_below_the_goal(client_for, scorecard, perspective, make_metric, put_points):
    metric = make_metric("response-hours")
    kpi = services.kpi_create(perspective=perspective, name="Response time", metric=metric, aggregation="avg")
    year_target(kpi, 2, 6)
    put_points(metric, [(local(2027, 3, 5), 1.0), (local(2027, 3, 6), 2.0)])
    row = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-03")).json(), kpi)
    # d = 2 - 6 = -4; score = 10/3 * (1.5 - 6) / -4 + 10/3 = 7.08
    assert (row["actual"], row["score"], row["status"]) == (1.5, 7.08, "green")


def test_progress_of_a_lower_is_better_kpi_needs_a_baseline(
    client_for, scorecard, perspective, make_metric, put_points
):
    metric = make_metric("response-hours")
    kpi = services.kpi_create(perspective=perspective, name="Response time", metric=metric, aggregation="avg")
    year_target(kpi, 2, 6)
    put_points(metric, [(local(2027, 3, 5), 7.0)])
    row = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-03")).json(), kpi)
    assert (row["status"], row["progress"]) == ("red", None), "a red KPI must not show 100 % progress"

    services.kpi_update(kpi=kpi, baseline=10.0)
    row = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-03")).json(), kpi)
    # (7 - 10) / (2 - 10) = 0.375
    assert row["progress"] == pytest.approx(0.375)


def test_a_formula_divides_aggregated_metrics_and_a_missing_term_is_grey(
    client_for, scorecard, perspective, make_metric, put_points
):
    engagements, impressions = make_metric("eng"), make_metric("impr")
    kpi = services.kpi_create(perspective=perspective, name="Engagement rate", formula="100 * sum(eng) / sum(impr)")
    year_target(kpi, 4, 2)
    put_points(engagements, [(local(2027, 3, 2), 20.0), (local(2027, 3, 3), 10.0), (local(2027, 4, 2), 10.0)])
    put_points(impressions, [(local(2027, 3, 2), 1000.0)])

    march = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-03")).json(), kpi)
    # 100 * 30 / 1000 = 3.0; score = 10/3 * (3 - 2) / 2 + 10/3 = 5.0
    assert (march["actual"], march["score"], march["status"]) == (3.0, 5.0, "amber")

    april = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027-04")).json(), kpi)
    assert (april["actual"], april["score"], april["status"]) == (None, None, "grey")
    # A formula KPI viewed for the year takes the last month's target, not twelve of them.
    year = kpi_row(client_for("viewer").get(scores_url(scorecard, "2027")).json(), kpi)
    assert (year["goal"], year["actual"]) == (4.0, pytest.approx(100 * 40 / 1000))


def test_linear_pacing_judges_the_current_period_at_today(scorecard, perspective, make_metric, put_points):
    metric = make_metric("followers")
    kpi = services.kpi_create(
        perspective=perspective, name="Followers", metric=metric, aggregation="last", baseline=1000
    )
    year_target(kpi, 2000, 1500, pacing="linear")
    put_points(metric, [(local(2027, 7, 1), 1300.0), (local(2027, 7, 2, 9), 1400.0)])
    # 2 July 2027 is half-way from 1 January to 31 December: goal 1500, red flag 1250.
    scores = scorecard_scores(scorecard=scorecard, period=parse_period("2027-07"), now=local(2027, 7, 2, 12))
    item = scores.perspectives[0].kpis[0]
    assert (item.goal, item.red_flag, item.actual) == (1500.0, 1250.0, 1400.0)
    assert item.score == pytest.approx(10 / 3 * 150 / 250 + 10 / 3)  # 5.33
    assert item.status == "amber"
    assert item.progress == pytest.approx((1400 - 1000) / (1500 - 1000))
    assert item.forecast is not None and item.stale is False


def test_a_paced_target_on_its_first_day_is_grey_not_an_error(
    client_for, scorecard, perspective, make_metric, put_points
):
    metric = make_metric("followers")
    kpi = services.kpi_create(
        perspective=perspective, name="Followers", metric=metric, aggregation="last", baseline=1000
    )
    year_target(kpi, 2000, 1500, pacing="linear")
    put_points(metric, [(local(2027, 1, 1, 9), 1010.0)])
    # On 1 January goal and red flag are both the baseline (1000): nothing to judge yet.
    scores = scorecard_scores(scorecard=scorecard, period=parse_period("2027-01"), now=local(2027, 1, 1, 12))
    item = scores.perspectives[0].kpis[0]
    assert (item.goal, item.red_flag, item.score, item.status) == (1000.0, 1000.0, None, "grey")


def test_a_past_period_is_judged_at_its_end(scorecard, perspective, make_metric, put_points):
    metric = make_metric("followers")
    kpi = services.kpi_create(
        perspective=perspective, name="Followers", metric=metric, aggregation="last", baseline=1000
    )
    year_target(kpi, 2000, 1500, pacing="linear")
    scores = scorecard_scores(scorecard=scorecard, period=parse_period("2027-12"), now=local(2028, 2, 1))
    assert scores.perspectives[0].kpis[0].goal == 2000.0


def test_roll_up_leaves_out_grey_kpis_and_weights_perspectives(
    client_for, scorecard, perspective, leads, make_metric, put_points
):
    good = services.kpi_create(perspective=perspective, name="Good", metric=make_metric("good"), aggregation="sum")
    year_target(good, 10, 5)
    put_points(good.metric, [(local(2027, 3, 3), 15.0)])  # goal + d: score 10, weight 3
    services.kpi_update(kpi=good, weight=3)
    services.kpi_create(perspective=perspective, name="No target", metric=make_metric("other"))
    financial = scorecard.perspectives.get(key="financial")
    cost = services.kpi_create(perspective=financial, name="Cost", metric=make_metric("cost"), aggregation="sum")
    year_target(cost, 10, 20)
    put_points(cost.metric, [(local(2027, 3, 3), 20.0)])  # exactly at the red flag: 3.33, amber
    services.perspective_update(perspective=financial, name="Financial", question="", order=3, weight=2)

    payload = client_for("viewer").get(scores_url(scorecard, "2027-03")).json()
    by_key = {p["key"]: p for p in payload["perspectives"]}
    assert by_key["customer"]["score"] == round((5.0 * 1 + 10.0 * 3) / 4, 2)  # 8.75, the grey KPI left out
    assert by_key["customer"]["status"] == "green"
    assert (by_key["financial"]["score"], by_key["financial"]["status"]) == (3.33, "amber")
    assert by_key["organisation"]["status"] == "grey"
    assert payload["score"] == round((8.75 * 1 + 10 / 3 * 2) / 3, 2)


def test_a_bad_period_is_refused_with_a_message(client_for, scorecard):
    response = client_for("viewer").get(scores_url(scorecard, "2027-13"))
    assert response.status_code == 400
    assert "month runs from 01 to 12" in response.json()["period"][0]


def test_without_a_period_the_current_one_is_shown(client_for, scorecard):
    payload = client_for("viewer").get(scores_url(scorecard)).json()
    assert payload["period"] == datetime.now(UTC).astimezone(AMS).strftime("%Y-%m")


def test_the_series_has_twelve_periods_with_their_goals(scorecard, leads, django_assert_num_queries):
    kpi = type(leads).objects.select_related("metric").prefetch_related("targets").get(pk=leads.pk)
    team = scorecard.team
    with django_assert_num_queries(3):  # the metric, the aggregates of all twelve months, and their last values
        series = kpi_series(
            kpis=[kpi], ends={kpi.pk: parse_period("2027-06")}, team_timezone=team.timezone, team_id=team.pk,
            now=local(2027, 7, 1),
        )[kpi.pk]  # fmt: skip
    assert [p.period.label for p in series][-4:] == ["2027-03", "2027-04", "2027-05", "2027-06"]
    assert len(series) == 12
    march = series[-4]
    assert (march.actual, march.bar.goal, march.status) == (600.0, 700.0, "amber")
    assert series[0].bar.goal is None  # July 2026 has no target


def test_a_formula_forecasts_from_its_terms_forecasts(scorecard, perspective, make_metric, put_points):
    engagements, impressions = make_metric("eng"), make_metric("impr")
    kpi = services.kpi_create(perspective=perspective, name="Engagement rate", formula="100 * sum(eng) / sum(impr)")
    year_target(kpi, 4, 2)
    put_points(engagements, [(local(2027, 3, 2), 30.0)])
    put_points(impressions, [(local(2027, 3, 2), 1000.0)])
    # Half-way through March both sums double by the run rate: the rate stays 3 %.
    scores = scorecard_scores(scorecard=scorecard, period=parse_period("2027-03"), now=local(2027, 3, 16, 12))
    item = scores.perspectives[0].kpis[0]
    assert item.forecast == pytest.approx(3.0)
    assert item.forecast_status == "amber"

"""The scorecard, perspective and KPI dashboards: who may see them, what they show, and how many queries they take."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from metrics.models import Channel
from scorecard import services
from scorecard.models import Action, Target
from scorecard.tests.conftest import local
from scorecard.tests.test_query_counts import add_kpis

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(perspective, make_metric, put_points):
    """A monthly KPI: 30 leads in March 2027 against a goal of 20 (red flag 10): on target."""
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=make_metric("leads"), unit="leads")
    services.target_create(kpi=kpi, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31), goal=20, red_flag=10)
    put_points(kpi.metric, [(local(2027, 3, 3), 10.0), (local(2027, 3, 20), 20.0), (local(2027, 2, 2), 12.0)])
    return kpi


def dashboard_url(scorecard, period="2027-03"):
    return reverse("scorecard:scorecard-detail", args=[scorecard.team.slug, scorecard.pk]) + f"?period={period}"


def perspective_url(scorecard, key="customer", period="2027-03"):
    url = reverse("scorecard:perspective-dashboard", args=[scorecard.team.slug, scorecard.pk, key])
    return url + f"?period={period}"


def page_urls(scorecard, kpi):
    return [dashboard_url(scorecard), perspective_url(scorecard), kpi.get_absolute_url()]


# ---- Access ---------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, scorecard, leads):
    for url in page_urls(scorecard, leads):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_outsiders_get_404(client_for, scorecard, leads):
    for url in page_urls(scorecard, leads):
        assert client_for("outsider").get(url).status_code == 404, url


def test_viewers_and_parent_team_viewers_read_every_dashboard(client_for, scorecard, leads):
    for name in ("viewer", "parent_viewer"):
        for url in page_urls(scorecard, leads):
            assert client_for(name).get(url).status_code == 200, (name, url)


def test_the_dashboards_are_read_only(client_for, scorecard, leads):
    for url in page_urls(scorecard, leads)[:2]:
        assert client_for("editor").post(url, {}).status_code == 405, url
        assert client_for("viewer").post(url, {}).status_code == 405, url


def test_an_unknown_perspective_is_404(client_for, scorecard):
    assert client_for("viewer").get(perspective_url(scorecard, key="marketing")).status_code == 404


# ---- The scorecard dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_shows_each_perspective_with_question_score_and_kpi_rows(client_for, scorecard, leads):
    page = client_for("viewer").get(dashboard_url(scorecard))
    html = page.content.decode()
    assert [entry["board"].perspective.key for entry in page.context["boards"]] == [
        "customer",
        "organisation",
        "social_media",
        "financial",
    ]
    assert "How do we reach customers, and how do we get more satisfied customers?" in html
    assert "What does social media contribute to the financial result?" in html
    assert "<strong>30</strong> leads" in html  # actual, and the goal next to it
    assert "Goal 20" in html
    assert "sc-dot sc-dot-green" in html and "On target" in html  # colour and the word
    assert 'value="100"' in html  # progress bar: the goal is reached
    assert perspective_url(scorecard) in html  # the perspective opens its own page
    assert leads.get_absolute_url() in html


def test_every_status_is_written_in_words_next_to_its_colour(client_for, scorecard, leads, make_metric, put_points):
    customer = leads.perspective
    for name, value in (("Amber", 15.0), ("Red", 2.0), ("Grey", None)):
        kpi = services.kpi_create(perspective=customer, name=name, metric=make_metric(name.lower()))
        if value is not None:
            services.target_create(
                kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=20, red_flag=10
            )
            put_points(kpi.metric, [(local(2027, 3, 5), value)])
    html = client_for("viewer").get(dashboard_url(scorecard)).content.decode()
    for dot, word in (("green", "On target"), ("amber", "Below goal"), ("red", "Red flag"), ("grey", "No score")):
        assert f"sc-dot-{dot}" in html and word in html


def test_the_dashboard_draws_the_gauge_and_a_sparkline_of_twelve_periods(client_for, scorecard, leads):
    page = client_for("viewer").get(dashboard_url(scorecard))
    html = page.content.decode()
    row = page.context["boards"][0]["rows"][0]
    assert [point.period.label for point in row["row"].series][-2:] == ["2027-02", "2027-03"]
    assert len(row["row"].series) == 12
    assert row["spark"]["data"][0]["y"][-2:] == [12.0, 30.0]
    assert 'class="sc-chart sc-chart-spark"' in html and 'class="sc-chart sc-chart-gauge"' in html
    assert html.count("plotly-cartesian.min.js") == 1  # the bundle once per page


def test_a_stale_kpi_and_a_failing_channel_are_shown(client_for, team, scorecard, leads, make_metric, put_points):
    channel = Channel.objects.create(
        team=team, platform="demo", name="Insta", key_prefix="insta", status=Channel.Status.FAILING
    )
    fed = services.kpi_create(perspective=leads.perspective, name="Followers", metric=make_metric("followers"))
    fed.metric.channel = channel
    fed.metric.save()
    put_points(fed.metric, [(timezone.now() - timedelta(hours=2), 5.0)])
    old = services.kpi_create(perspective=leads.perspective, name="Old news", metric=make_metric("old"))
    put_points(old.metric, [(timezone.now() - timedelta(days=60), 5.0)])  # a monthly KPI: stale after 1 month + 7 days
    html = client_for("viewer").get(dashboard_url(scorecard)).content.decode()
    assert html.count("Stale: newest value") == 1
    assert "Source failing: Insta" in html
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.NEEDS_ATTENTION)
    html = client_for("viewer").get(dashboard_url(scorecard)).content.decode()
    assert "Source needs attention: Insta" in html and "Source failing" not in html


def test_a_formula_kpi_warns_about_the_failing_channel_of_its_terms(client_for, team, scorecard, make_metric):
    channel = Channel.objects.create(
        team=team, platform="demo", name="Tube", key_prefix="tube", status=Channel.Status.FAILING
    )
    make_metric("views", channel=channel)
    perspective = scorecard.perspectives.get(key="social_media")
    services.kpi_create(perspective=perspective, name="View rate", formula="sum(views) / 2")
    assert "Source failing: Tube" in client_for("viewer").get(dashboard_url(scorecard)).content.decode()


@pytest.mark.parametrize(
    ("period", "previous", "following"),
    [
        ("2026-12", "2026-11", "2027-01"),
        ("2027-01", "2026-12", "2027-02"),
        ("2026-Q4", "2026-Q3", "2027-Q1"),
        ("2027-Q1", "2026-Q4", "2027-Q2"),
        ("2027", "2026", "2028"),
    ],
)
def test_the_period_picker_moves_across_the_year_boundary(client_for, scorecard, period, previous, following):
    for url in (dashboard_url(scorecard, period), perspective_url(scorecard, period=period)):
        page = client_for("viewer").get(url)
        html = page.content.decode()
        assert page.context["period"].label == period
        assert f'href="?period={previous}"' in html and f'href="?period={following}"' in html
        assert f'<option value="{period}" selected>' in html


def test_the_picker_lists_recent_periods_and_other_lengths(client_for, scorecard):
    page = client_for("viewer").get(dashboard_url(scorecard, "2027-03"))
    picker = page.context["picker"]
    assert len(picker.choices) >= 24 and picker.choices == sorted(picker.choices, reverse=True)
    assert [(link.period.label, link.active) for link in picker.kinds] == [
        ("2027-03", True),
        ("2027-Q1", False),
        ("2027", False),
    ]


def test_a_bad_period_says_why_and_shows_the_current_one(client_for, scorecard):
    page = client_for("viewer").get(dashboard_url(scorecard, "2027-13"))
    assert page.status_code == 200
    assert "a month runs from 01 to 12" in page.content.decode()


# ---- The perspective dashboard --------------------------------------------------------------------------------


def trace_names(chart):
    return [trace.get("name") for trace in chart["data"]]


def test_each_kpi_has_a_chart_with_goal_line_red_flag_and_bands(client_for, scorecard, leads):
    page = client_for("viewer").get(perspective_url(scorecard))
    [entry] = page.context["charts"]
    names = trace_names(entry["chart"])
    assert {"Goal", "Red flag", "Actual", "Red zone", "Amber zone", "Green zone"} <= set(names)
    goal = entry["chart"]["data"][names.index("Goal")]
    assert goal["y"][-1] == 20 and goal["x"][-1] == "2027-03"
    assert page.content.decode().count('class="sc-chart"') == 1


def test_pacing_draws_a_sloped_goal(client_for, scorecard, perspective, make_metric):
    kpi = services.kpi_create(perspective=perspective, name="Fans", metric=make_metric("fans"), aggregation="last")
    services.kpi_update(kpi=kpi, baseline=1000)
    services.target_create(
        kpi=kpi,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        goal=10000,
        red_flag=5000,
        pacing="linear",
    )
    [entry] = client_for("viewer").get(perspective_url(scorecard, period="2027-06")).context["charts"]
    goal = entry["chart"]["data"][trace_names(entry["chart"]).index("Goal")]["y"]
    known = [value for value in goal if value is not None]
    assert len(known) == 6 and known == sorted(known) and known[0] < known[-1] < 10000


def test_the_perspective_lists_its_actions_with_owner_due_date_and_overdue_mark(client_for, users, scorecard, leads):
    late = services.action_create(
        perspective=leads.perspective, title="Reply faster", owner=users["editor"], due_date=date(2020, 1, 1)
    )
    services.action_create(perspective=leads.perspective, title="Plan next year", due_date=date(2999, 1, 1))
    services.action_create(perspective=leads.perspective, title="Old and done", due_date=date(2020, 1, 1))
    Action.objects.filter(title="Old and done").update(status=Action.Status.DONE)
    other = scorecard.perspectives.get(key="financial")
    services.action_create(perspective=other, title="Cut costs")
    html = client_for("viewer").get(perspective_url(scorecard)).content.decode()
    assert "Reply faster" in html and "Plan next year" in html and "Cut costs" not in html
    assert users["editor"].get_username() in html
    assert html.count("bi-alarm") == 1 and "Overdue" in html  # only the open, late one; icon and word
    late_row = html[html.index(late.title) : html.index("</tr>", html.index(late.title))]
    assert "Overdue" in late_row


# ---- The KPI page ---------------------------------------------------------------------------------------------


def test_the_kpi_page_has_the_big_chart_with_a_dashed_forecast(client_for, perspective, make_metric, put_points):
    kpi = services.kpi_create(perspective=perspective, name="Posts", metric=make_metric("posts"))
    today = timezone.localdate()
    services.target_create(
        kpi=kpi, period_start=today - timedelta(days=400), period_end=today + timedelta(days=400), goal=50, red_flag=5
    )
    put_points(kpi.metric, [(timezone.now() - timedelta(hours=1), 3.0)])
    page = client_for("viewer").get(kpi.get_absolute_url())
    chart = page.context["chart"]
    names = trace_names(chart)
    assert {"Goal", "Red flag", "Actual", "Forecast"} <= set(names)
    assert chart["data"][names.index("Forecast")]["line"]["dash"] == "dash"
    assert 'class="sc-chart sc-chart-big"' in page.content.decode()
    assert len(page.context["series"]) == 12  # the table of period values: the chart's text alternative


def test_the_kpi_page_says_where_the_data_comes_from(client_for, team, perspective, make_metric):
    channel = Channel.objects.create(
        team=team, platform="demo", name="Insta", key_prefix="insta", status=Channel.Status.FAILING,
        last_error="The token expired.",
    )  # fmt: skip
    kpi = services.kpi_create(perspective=perspective, name="Reach", metric=make_metric("reach", channel=channel))
    html = client_for("viewer").get(kpi.get_absolute_url()).content.decode()
    assert "Where the data comes from" in html
    assert reverse("metrics:metric-detail", args=["social", "reach"]) in html
    assert reverse("metrics:channel-detail", args=["social", channel.pk]) in html
    assert "The token expired." in html and "Failing" in html


# ---- Query counts ---------------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


CURRENT_MONTH = timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("period", ["2027-03", "2027", CURRENT_MONTH])
@pytest.mark.parametrize("page", ["dashboard", "perspective"])
def test_the_dashboards_take_as_many_queries_for_48_kpis_as_for_4(
    client_for, scorecard, make_metric, put_points, django_assert_num_queries, page, period
):
    client = client_for("viewer")
    url = dashboard_url(scorecard, period) if page == "dashboard" else perspective_url(scorecard, period=period)
    add_kpis(scorecard, make_metric, put_points, 4, 0)
    services.action_create(perspective=scorecard.perspectives.get(key="customer"), title="Act")
    few = count_queries(client, url)
    add_kpis(scorecard, make_metric, put_points, 44, 4)
    with django_assert_num_queries(few):
        response = client.get(url)
    html = response.content.decode()
    if page == "dashboard":
        assert html.count('data-figure-id="spark-') == 48
    else:
        assert html.count('data-figure-id="chart-') == 12  # a quarter of the KPIs are customer KPIs


def test_the_kpi_page_takes_a_fixed_number_of_queries(client_for, leads, make_metric, put_points):
    client = client_for("viewer")
    few = count_queries(client, leads.get_absolute_url())
    for month in range(1, 13):
        services.target_create(
            kpi=leads, period_start=date(2028, month, 1), period_end=date(2028, month, 28), goal=1, red_flag=0
        )
    assert Target.objects.filter(kpi=leads).count() == 13
    assert count_queries(client, leads.get_absolute_url()) == few


# ---- The series query -----------------------------------------------------------------------------------------


def test_period_values_from_the_aggregates_equal_the_points_for_every_kind_and_aggregation(
    scorecard, make_metric, put_points
):
    from zoneinfo import ZoneInfo

    from metrics.models import DataPoint
    from scorecard.evaluation.aggregates import AGGREGATIONS, EMPTY, period_values
    from scorecard.models import KPI
    from scorecard.periods import last_periods, parse_period
    from scorecard.scoring import aggregate

    add_kpis(scorecard, make_metric, put_points, 8, 0)
    metric_ids = set(KPI.objects.filter(perspective__scorecard=scorecard).values_list("metric_id", flat=True))
    metric_ids.discard(None)
    tz = ZoneInfo("Europe/Amsterdam")
    periods = [*last_periods(parse_period("2027-04"), 3), *last_periods(parse_period("2027-W12"), 4)]
    periods += [parse_period("2027-Q1"), parse_period("2027")]
    found = period_values(metric_ids=metric_ids, periods=periods)
    points = list(DataPoint.objects.filter(metric_id__in=metric_ids).order_by("ts"))
    for metric_id in metric_ids:
        for period in periods:
            start, end = period.bounds(tz)
            values = [p.value for p in points if p.metric_id == metric_id and start <= p.ts < end]
            got = found.get((metric_id, period), EMPTY)
            for name in AGGREGATIONS:
                expected = float(len(values)) if name == "count" else aggregate(name, values)
                assert got[name] == pytest.approx(expected), (metric_id, period.label, name)
    assert any(found.get((m, parse_period("2027-03")), EMPTY)["last"] is not None for m in metric_ids)


@pytest.mark.parametrize(
    ("values", "status"),
    [([1.0, None, 3.0, None], "green"), ([None, None], "grey"), ([2.5] * 12, "red"), ([], "amber")],
)
def test_the_quick_sparkline_is_the_figures_sparkline(values, status):
    from scorecard import figures
    from scorecard.views.dashboards import STATIC_CONFIG, sparkline_chart
    from scorecard_site.charts import figure_payload

    expected = figure_payload(figures.sparkline(values, status=status)) | {"config": STATIC_CONFIG}
    assert sparkline_chart(values, status) == expected


@pytest.mark.parametrize(("score", "status"), [(7.25, "green"), (0.0, "red"), (None, "grey"), (5.0, "amber")])
def test_the_quick_gauge_is_the_figures_gauge(score, status):
    from scorecard import figures
    from scorecard.views.dashboards import STATIC_CONFIG, gauge_chart
    from scorecard_site.charts import figure_payload

    expected = figure_payload(figures.score_gauge(score, status=status, label="Overall")) | {"config": STATIC_CONFIG}
    assert gauge_chart(score, status=status, label="Overall") == expected

"""The manager's overview across teams: who sees what, the numbers, the tree, the period picker, query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import Metric, Source
from scorecard import services
from scorecard.evaluation import evaluate_scorecard as scorecard_scores
from scorecard.evaluation import evaluate_scorecards as scorecards_scores
from scorecard.models import Action
from scorecard.periods import parse_period
from scorecard.tests.conftest import local
from scorecard.tests.test_query_counts import add_kpis
from strategy.models import StrategyMap
from teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db

URL = reverse("scorecard:portfolio")


def scorecard_for(team, title="Scorecard 2027"):
    strategy_map = StrategyMap.objects.create(
        team=team, title="Map", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), status="active"
    )
    return services.scorecard_create(team=team, strategy_map=strategy_map, title=title, frequency="month")


def red_and_green_kpis(scorecard, put_points):
    """Leads (red in March 2027: 3 against goal 10, red flag 5) and Reach (green: 20 against 10)."""
    perspective = scorecard.perspectives.get(key="customer")
    kpis = {}
    for name, value in (("Leads", 3.0), ("Reach", 20.0)):
        metric = Metric.objects.create(team=scorecard.team, key=name.lower(), name=name, source=Source.IMPORT)
        put_points(metric, [(local(2027, 3, 10), value)])
        kpi = services.kpi_create(perspective=perspective, name=name, metric=metric)
        services.target_create(
            kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=10, red_flag=5
        )
        kpis[name] = kpi
    return kpis


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_without_teams_sees_an_empty_state(client, make_user):
    client.force_login(make_user("lonely"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "not a member of any team yet" in response.content.decode()
    assert not response.context["portfolio"].rows


def test_a_viewer_sees_their_team_and_never_an_outsiders_team(client_for, org, put_points):
    red_and_green_kpis(scorecard_for(org["social"], "Social card"), put_points)
    scorecard_for(org["other"], "Secret card of Other")
    response = client_for("viewer").get(URL + "?period=2027-03")
    page = response.content.decode()
    assert "Social card" in page
    assert "Secret card of Other" not in page
    assert [row.team.slug for row in response.context["portfolio"].rows] == ["social"]


def test_an_outsider_does_not_see_the_social_team(client_for, org):
    scorecard_for(org["social"], "Social card")
    response = client_for("outsider").get(URL + "?period=2027-03")
    assert "Social card" not in response.content.decode()
    assert {row.team.slug for row in response.context["portfolio"].rows} == {"other"}


def test_a_parent_viewer_sees_the_children_indented_under_a_roll_up(client_for, org, put_points):
    red_and_green_kpis(scorecard_for(org["social"], "Social card"), put_points)
    response = client_for("parent_viewer").get(URL + "?period=2027-03")
    rows = response.context["portfolio"].rows
    assert [(row.team.slug, row.depth, row.is_rollup) for row in rows] == [
        ("acme", 0, False),
        ("acme", 0, True),
        ("social", 1, False),
    ]
    social, rollup = rows[2], rows[1]
    assert rollup.rollup_of == 1
    assert rollup.score == pytest.approx(social.score)  # the only scored team below Acme
    page = response.content.decode()
    assert "team-tree-depth-1" in page
    assert "roll-up of 1 team" in page
    assert "Other" not in [row.team.name for row in rows]


def test_superusers_see_every_team(client_for, org):
    response = client_for("superuser").get(URL)
    assert {row.team.slug for row in response.context["portfolio"].rows} == {"acme", "social", "other"}


def test_red_kpis_list_the_kpi_with_actual_and_goal_and_since_when(client_for, org, put_points):
    kpis = red_and_green_kpis(scorecard_for(org["social"]), put_points)
    response = client_for("viewer").get(URL + "?period=2027-03")
    portfolio = response.context["portfolio"]
    assert [red.item.kpi.name for red in portfolio.red_kpis] == ["Leads"]
    red = portfolio.red_kpis[0]
    assert (red.item.actual, red.item.goal, red.red_since.label) == (3.0, 10.0, "2027-03")
    assert reverse("scorecard:kpi-detail", args=["social", kpis["Leads"].pk]) in response.content.decode()
    row = portfolio.rows[0]
    assert row.red_count == 1
    assert row.perspective_statuses[0] == "amber"  # customer: (2 + 10) / 2 = 6, below 6.67
    assert row.perspective_scores[0] == pytest.approx(6.0)


def test_overdue_actions_across_teams_are_listed(client_for, org, users):
    social = scorecard_for(org["social"])
    customer = social.perspectives.get(key="customer")
    services.action_create(perspective=customer, title="Late action", due_date=date(2020, 1, 1), owner=users["editor"])
    services.action_create(perspective=customer, title="Finished", due_date=date(2020, 1, 1), status="done")
    response = client_for("parent_viewer").get(URL)
    titles = [action.title for action in response.context["portfolio"].overdue]
    assert titles == ["Late action"]
    assert "overdue" in response.content.decode()


def test_an_action_is_overdue_by_its_own_teams_date(org, users):
    from datetime import UTC, datetime

    from scorecard.selectors.portfolio import portfolio

    org["acme"].timezone = "Asia/Tokyo"
    org["acme"].save()
    # 20:00 UTC on 1 March 2027: 2 March in Tokyo (Acme), still 1 March in Amsterdam (Social).
    now = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    for team in (org["acme"], org["social"]):
        customer = scorecard_for(team).perspectives.get(key="customer")
        services.action_create(perspective=customer, title=f"Due 1 March ({team.name})", due_date=date(2027, 3, 1))

    found = portfolio(user=users["parent_viewer"], period=parse_period("2027-03"), now=now)
    assert [action.title for action in found.overdue] == ["Due 1 March (Acme)"]
    assert found.overdue_total == 1


@pytest.mark.parametrize(
    ("period", "previous", "next_"), [("2027-01", "2026-12", "2027-02"), ("2026-12", "2026-11", "2027-01")]
)
def test_the_period_picker_crosses_the_year_boundary(client_for, org, period, previous, next_):
    response = client_for("viewer").get(URL + f"?period={period}")
    page = response.content.decode()
    assert f'href="?period={previous}" rel="prev"' in page
    assert f'href="?period={next_}" rel="next"' in page
    assert f'<option value="{period}" selected>' in page


def test_a_bad_period_says_why_and_shows_the_current_month(client_for, org):
    response = client_for("viewer").get(URL + "?period=2027-13")
    assert response.status_code == 200
    assert "a month runs from 01 to 12" in response.content.decode()
    assert response.context["period"].kind == "month"


def test_the_heatmap_table_shows_status_words(client_for, org, put_points):
    red_and_green_kpis(scorecard_for(org["social"]), put_points)
    response = client_for("viewer").get(URL + "?period=2027-03")
    page = response.content.decode()
    assert "portfolio-heatmap" in page and "portfolio-trend" in page
    assert "Below goal" in page  # the amber customer perspective, in words


def test_batched_scores_equal_the_single_scorecard_scores(scorecard, make_metric, put_points):
    add_kpis(scorecard, make_metric, put_points, 12, 0)  # every frequency, aggregation and a formula
    scorecard.refresh_from_db()
    for label in ("2027-03", "2027", "2027-W11", "2027-Q1"):
        period = parse_period(label)
        single = scorecard_scores(scorecard=scorecard, period=period)
        batched = scorecards_scores(scorecards=[scorecard], periods=[period.previous(), period])[scorecard.pk][-1]
        assert batched.score == pytest.approx(single.score)
        for mine, theirs in zip(batched.perspectives, single.perspectives, strict=True):
            assert (mine.score, mine.status) == (pytest.approx(theirs.score), theirs.status)
            for a, b in zip(mine.kpis, theirs.kpis, strict=True):
                assert (a.actual, a.goal, a.red_flag, a.status, a.stale) == (
                    pytest.approx(b.actual),
                    b.goal,
                    b.red_flag,
                    b.status,
                    b.stale,
                )


def make_teams(parent, count, *, kpis, put_points, start=0):
    for index in range(start, start + count):
        team = Team.objects.create(name=f"Team {index:02d}", slug=f"team-{index:02d}", parent=parent)
        scorecard = scorecard_for(team)
        perspectives = list(scorecard.perspectives.all())
        for k in range(kpis):
            metric = Metric.objects.create(team=team, key=f"m{k}", name=f"M{k}", source=Source.IMPORT)
            put_points(metric, [(local(2027, 3, 10), float(k)), (local(2027, 2, 10), 1.0)])
            kpi = services.kpi_create(perspective=perspectives[k % 4], name=f"KPI {k}", metric=metric)
            services.target_create(
                kpi=kpi, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31), goal=10, red_flag=5
            )
        Action.objects.create(perspective=perspectives[0], title="Late", due_date=date(2020, 1, 1))


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + "?period=2027-03")
    assert response.status_code == 200
    return len(queries), response.context["portfolio"]


def test_the_portfolio_takes_as_many_queries_for_20_teams_as_for_2(client, make_user, put_points):
    parent = Team.objects.create(name="Group", slug="group")
    manager = make_user("manager-x")
    Membership.objects.create(user=manager, team=parent, role=Role.VIEWER)
    client.force_login(manager)
    make_teams(parent, 2, kpis=4, put_points=put_points)
    few, portfolio = count_queries(client)
    assert sum(1 for row in portfolio.rows if row.scores) == 2
    make_teams(parent, 18, kpis=4, put_points=put_points, start=2)
    many, portfolio = count_queries(client)
    assert sum(1 for row in portfolio.rows if row.scores) == 20
    assert portfolio.overdue_total == 20
    assert many == few


def test_the_portfolio_takes_as_many_queries_for_48_kpis_as_for_4(client, make_user, put_points):
    parent = Team.objects.create(name="Group", slug="group")
    manager = make_user("manager-x")
    Membership.objects.create(user=manager, team=parent, role=Role.VIEWER)
    client.force_login(manager)
    make_teams(parent, 2, kpis=4, put_points=put_points)
    few, _portfolio = count_queries(client)
    make_teams(parent, 2, kpis=48, put_points=put_points, start=2)
    Team.objects.filter(slug__in=["team-00", "team-01"]).update(parent=None)  # out of sight: only 48-KPI teams
    many, portfolio = count_queries(client)
    assert [len(row.scores.perspectives[0].kpis) for row in portfolio.rows if row.scores] == [12, 12]
    assert many == few

"""A marketer turns a strategy map into a scorecard through the web forms; bad input writes nothing."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from metrics.models import DataPoint, Metric, Source
from scorecard import services
from scorecard.models import KPI, Action, Scorecard, Target
from strategy.models import Objective, StrategyMap, SuccessFactor
from teams.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_new_scorecard_gets_the_four_perspectives_with_their_questions(client_for, team, strategy_map):
    url = reverse("scorecard:scorecard-create", args=[team.slug])
    response = client_for("editor").post(url, {"strategy_map": strategy_map.pk, "title": "2027", "frequency": "month"})
    scorecard = Scorecard.objects.get(team=team)
    assert response["Location"] == scorecard.get_absolute_url()
    perspectives = list(scorecard.perspectives.all())
    assert [p.key for p in perspectives] == ["customer", "organisation", "social_media", "financial"]
    assert perspectives[2].label == "Social media"
    assert perspectives[0].guiding_question.startswith("How do we reach customers")
    page = client_for("viewer").get(scorecard.get_absolute_url())
    assert "How do we organise ourselves around social media?" in page.content.decode()


def test_perspective_names_follow_the_readers_language_until_renamed(scorecard):
    customer = scorecard.perspectives.get(key="customer")
    with translation.override("nl"):
        shown = customer.label
    assert shown in ("Klant", "Customer")  # "Klant" once the Dutch catalogue is compiled
    services.perspective_update(perspective=customer, name="Fans", question="Who loves us?", order=0, weight=2)
    with translation.override("nl"):
        assert customer.label == "Fans"


def test_a_map_of_another_team_is_refused(team, org):
    other_map = StrategyMap.objects.create(
        team=org["other"], title="Theirs", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    with pytest.raises(ApplicationError, match="strategy map of this team"):
        services.scorecard_create(team=team, strategy_map=other_map, title="x", frequency="month")
    assert not Scorecard.objects.exists()


def test_editor_adds_a_kpi_without_a_source_and_gets_a_manual_metric(client_for, team, perspective, success_factor):
    url = reverse("scorecard:kpi-create", args=[team.slug, perspective.pk])
    data = {
        "perspective": perspective.pk,
        "name": "Trained staff",
        "success_factor": success_factor.pk,
        "aggregation": "last",
        "decimals": 0,
        "frequency": "quarter",
        "scoring_type": "goal_red_flag",
        "weight": 1,
    }
    response = client_for("editor").post(url, data)
    kpi = KPI.objects.get(name="Trained staff")
    assert response["Location"] == kpi.get_absolute_url()
    assert (kpi.metric.key, kpi.metric.source, kpi.metric.team) == ("trained-staff", Source.MANUAL, team)
    second = services.kpi_create(perspective=perspective, name="Trained staff")
    assert second.metric.key == "trained-staff-2"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"formula": "sum(nope) / 2"}, "formula", "does not have: nope"),
        ({"formula": "sum(leads) +"}, "formula", "not valid"),
        ({"formula": "sum(leads)", "metric": "leads"}, "formula", "either a metric or a formula"),
        ({"name": "  "}, "name", "required"),
        ({"weight": -1}, "weight", ""),
    ],
)
def test_bad_kpis_are_refused_with_a_message(client_for, team, perspective, make_metric, fields, field, message):
    metric = make_metric("leads")
    data = {"perspective": perspective.pk, "name": "Leads", "aggregation": "sum", "decimals": 0}
    data |= {"frequency": "month", "scoring_type": "goal_red_flag", "weight": 1}
    data |= {k: (metric.pk if k == "metric" else v) for k, v in fields.items()}
    response = client_for("editor").post(reverse("scorecard:kpi-create", args=[team.slug, perspective.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not KPI.objects.exists()
    assert Metric.objects.count() == 1


def test_a_success_factor_of_another_map_is_refused(team, perspective, strategy_map):
    other_map = StrategyMap.objects.create(
        team=team, title="Old", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    factor = SuccessFactor.objects.create(
        objective=Objective.objects.create(strategy_map=other_map, title="o"), title="f"
    )
    with pytest.raises(ApplicationError, match="success factor of this scorecard"):
        services.kpi_create(perspective=perspective, name="x", success_factor=factor)
    assert not KPI.objects.exists() and not Metric.objects.exists()


def test_a_metric_of_another_team_is_refused(perspective, org):
    foreign = Metric.objects.create(team=org["other"], key="theirs", name="Theirs")
    with pytest.raises(ApplicationError, match="metric of this team"):
        services.kpi_create(perspective=perspective, name="x", metric=foreign)


def test_an_owner_must_be_a_member(perspective, users):
    with pytest.raises(ApplicationError, match="not a member"):
        services.kpi_create(perspective=perspective, name="x", owner=users["outsider"])


@pytest.fixture
def kpi(perspective):
    return services.kpi_create(perspective=perspective, name="Leads")  # gets a manual metric


def target_data(**changes):
    data = {"period_start": "2027-01-01", "period_end": "2027-12-31", "goal": "700", "red_flag": "500"}
    return data | {"pacing": "none"} | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"red_flag": "700"}, "red flag"),
        ({"period_end": "2026-01-01"}, "end date must not be before"),
        ({"period_start": "1990-01-01"}, "between 2000 and 2100"),
        ({"period_start": "2027-03-01", "period_end": "2028-05-31"}, "already has a target"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_written(client_for, team, kpi, changes, message):
    services.target_create(kpi=kpi, period_start=date(2026, 1, 1), period_end=date(2027, 3, 31), goal=1, red_flag=0)
    url = reverse("scorecard:target-create", args=[team.slug, kpi.pk])
    response = client_for("editor").post(
        url, target_data(**changes | {"period_start": changes.get("period_start", "2027-04-01")})
    )
    assert response.status_code == 200
    errors = " ".join(" ".join(e) for e in response.context["form"].errors.values())
    assert message.lower() in errors.lower()
    assert Target.objects.count() == 1


def test_editor_adds_edits_and_deletes_a_target(client_for, team, kpi):
    client = client_for("editor")
    client.post(reverse("scorecard:target-create", args=[team.slug, kpi.pk]), target_data())
    target = Target.objects.get(kpi=kpi)
    client.post(reverse("scorecard:target-edit", args=[team.slug, target.pk]), target_data(goal="800"))
    target.refresh_from_db()
    assert target.goal == 800
    client.post(reverse("scorecard:target-delete", args=[team.slug, target.pk]))
    assert not Target.objects.exists()


def test_changing_the_scoring_type_must_fit_the_targets(kpi):
    services.target_create(kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=7, red_flag=5)
    with pytest.raises(ApplicationError, match="does not fit"):
        services.kpi_update(kpi=kpi, scoring_type="stabilize")
    kpi.refresh_from_db()
    assert kpi.scoring_type == "goal_red_flag"


def test_editor_enters_a_value_by_hand_on_the_kpi_page(client_for, team, kpi):
    services.kpi_update(kpi=kpi, decimals=1)
    url = reverse("scorecard:kpi-value-enter", args=[team.slug, kpi.pk])
    response = client_for("editor").post(url, {"day": "2026-03-01", "value": "42.5"})
    assert response["Location"] == kpi.get_absolute_url()
    point = DataPoint.objects.get(metric=kpi.metric)
    assert (point.value, point.source) == (42.5, Source.MANUAL)
    assert point.ts.isoformat() == "2026-02-28T23:00:00+00:00"  # local midnight in Amsterdam
    page = client_for("viewer").get(kpi.get_absolute_url())
    assert "42.5" in page.content.decode()
    assert "Enter a value" not in page.content.decode()  # viewers read only


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2999-01-01", "value": "1"}, "day"),
        ({"day": "tomorrow", "value": "1"}, "day"),  # the team's tomorrow, worked out when the test runs
        ({"day": "2026-03-01", "value": "nan"}, "value"),
        ({"day": "", "value": "1"}, "day"),
    ],
)
def test_bad_manual_values_are_refused(client_for, team, kpi, data, field):
    if data["day"] == "tomorrow":
        data = {
            **data,
            "day": (timezone.now().astimezone(ZoneInfo(team.timezone)).date() + timedelta(days=1)).isoformat(),
        }
    response = client_for("editor").post(reverse("scorecard:kpi-value-enter", args=[team.slug, kpi.pk]), data)
    assert response.status_code == 400
    assert response.context["value_form"].errors[field]
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("kpi_param", ["abc", "99999999", ""])
def test_a_bad_kpi_in_the_new_action_link_is_ignored(client_for, team, scorecard, kpi_param):
    url = reverse("scorecard:action-create", args=[team.slug, scorecard.pk]) + f"?kpi={kpi_param}"
    response = client_for("editor").get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["kpi"] is None


def test_actions_belong_to_the_kpis_perspective(client_for, team, scorecard, kpi, users):
    other = scorecard.perspectives.get(key="financial")
    with pytest.raises(ApplicationError, match="same perspective"):
        services.action_create(perspective=other, title="x", kpi=kpi)
    url = reverse("scorecard:action-create", args=[team.slug, scorecard.pk]) + f"?kpi={kpi.pk}"
    data = {"perspective": kpi.perspective_id, "kpi": kpi.pk, "title": "Reply faster", "status": "planned"}
    response = client_for("editor").post(url, data | {"progress": 10, "owner": users["editor"].pk})
    assert response["Location"] == kpi.get_absolute_url()
    action = Action.objects.get()
    response = client_for("editor").post(
        reverse("scorecard:action-edit", args=[team.slug, action.pk]), data | {"progress": 150}
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.progress == 10


def test_deleting_a_kpi_keeps_its_metric_and_values(client_for, team, kpi):
    client_for("editor").post(reverse("scorecard:kpi-delete", args=[team.slug, kpi.pk]))
    assert not KPI.objects.exists()
    assert Metric.objects.filter(key="leads", source=Source.MANUAL).exists()


def test_values_of_a_fed_kpi_cannot_be_typed_in(client_for, team, perspective, make_metric):
    fed = services.kpi_create(perspective=perspective, name="Reach", metric=make_metric("reach"))
    page = client_for("editor").get(fed.get_absolute_url())
    assert "Enter a value" not in page.content.decode()
    url = reverse("scorecard:kpi-value-enter", args=[team.slug, fed.pk])
    response = client_for("editor").post(url, {"day": "2026-03-01", "value": "1"})
    assert response.status_code == 400
    assert "come from its feed (CSV import)" in response.content.decode()
    assert not DataPoint.objects.exists()

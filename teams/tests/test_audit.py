"""The audit trail: who changed what and when, for strategy, scorecards, metrics, memberships and API keys."""

import datetime

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

from strategy import services as strategy_services
from strategy.models import Objective, StrategyMap
from teams import services as team_services
from teams.history import history_entries, history_of
from teams.models import Membership, Role

pytestmark = pytest.mark.django_db

AUDITED = [
    "strategy.StrategyMap",
    "strategy.Objective",
    "strategy.SuccessFactor",
    "strategy.ObjectiveLink",
    "scorecard.Scorecard",
    "scorecard.Perspective",
    "scorecard.KPI",
    "scorecard.Target",
    "scorecard.Action",
    "metrics.Metric",
    "metrics.Channel",
    "teams.Membership",
    "teams.TeamApiKey",
]


@pytest.fixture
def strategy_map(team):
    return strategy_services.strategy_map_create(
        team=team, title="Strategy 2027", period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2027, 12, 31)
    )


def entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


@pytest.mark.parametrize("label", AUDITED)
def test_every_model_users_change_is_audited(label):
    assert auditlog.contains(apps.get_model(label)), label


def test_data_points_are_not_audited_because_they_record_their_source():
    assert not auditlog.contains(apps.get_model("metrics.DataPoint"))


def test_api_key_secrets_and_bookkeeping_stay_out_of_the_trail(team, api_key_for):
    api_key_for(team, "read")
    fields = auditlog.get_model_fields(apps.get_model("teams.TeamApiKey"))
    assert {"hashed_key", "last_used_at"} <= set(fields["exclude_fields"])
    created = LogEntry.objects.filter(content_type__model="teamapikey").get()
    assert "hashed_key" not in created.changes_dict and "name" in created.changes_dict


def test_an_editor_saving_the_map_form_is_recorded_with_the_change(client_for, users, strategy_map):
    client = client_for("editor")
    edit_url = reverse("strategy:map-edit", args=[strategy_map.team.slug, strategy_map.pk])
    data = {**client.get(edit_url).context["form"].initial, "mission": "Helpful, everywhere."}
    data = {k: v for k, v in data.items() if k != "id" and v is not None}
    assert client.post(edit_url, data).status_code == 302

    change = entries_for(strategy_map)[-1]
    assert change.action == LogEntry.Action.UPDATE
    assert change.actor == users["editor"]
    assert change.changes_dict["mission"] == ["", "Helpful, everywhere."]
    assert change.additional_data["team"] == strategy_map.team_id


def save_map_from(client, strategy_map, **headers):
    edit_url = reverse("strategy:map-edit", args=[strategy_map.team.slug, strategy_map.pk])
    data = {**client.get(edit_url).context["form"].initial, "mission": "Seen from an address."}
    data = {k: v for k, v in data.items() if k != "id" and v is not None}
    assert client.post(edit_url, data, **headers).status_code == 302
    return entries_for(strategy_map)[-1]


def test_a_made_up_forwarded_address_does_not_enter_the_trail(client_for, strategy_map):
    change = save_map_from(
        client_for("editor"),
        strategy_map,
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        HTTP_X_FORWARDED_PORT="4444",
    )
    assert (change.remote_addr, change.remote_port) == ("10.1.2.3", None)


def test_behind_a_trusted_proxy_the_trail_records_the_client_the_proxy_saw(client_for, strategy_map, settings):
    settings.TRUSTED_PROXIES = 1
    # The client claims 203.0.113.66; our proxy (10.0.0.2) appends the address it really came from.
    change = save_map_from(
        client_for("editor"), strategy_map, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7"
    )
    assert change.remote_addr == "198.51.100.7"


def test_copying_a_map_records_every_copied_objective_success_factor_and_link(strategy_map):
    cause = strategy_services.objective_create(strategy_map=strategy_map, title="Be known")
    effect = strategy_services.objective_create(strategy_map=strategy_map, title="Sell more")
    strategy_services.success_factor_create(objective=cause, title="Post daily")
    strategy_services.objective_link_create(cause=cause, effect=effect)

    copy = strategy_services.strategy_map_copy(
        strategy_map=strategy_map,
        period_start=datetime.date(2028, 1, 1),
        period_end=datetime.date(2028, 12, 31),
        title="Strategy 2028",
    )

    created = {(entry.content_type.model, entry.object_repr) for entry in history_entries(copy)}
    assert {
        ("strategymap", "Strategy 2028"),
        ("objective", "Be known"),
        ("objective", "Sell more"),
        ("successfactor", "Post daily"),
        ("objectivelink", "Be known → Sell more"),
    } <= created


def test_a_new_scorecard_records_its_four_perspectives(team, strategy_map):
    from scorecard.services import scorecard_create

    scorecard = scorecard_create(team=team, strategy_map=strategy_map, title="Scorecard 2027", frequency="month")
    perspectives = LogEntry.objects.filter(content_type__model="perspective", action=LogEntry.Action.CREATE)
    assert sorted(perspectives.values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in scorecard.perspectives.values_list("pk", flat=True)
    )


def test_moving_a_kpi_records_the_move_of_its_actions(team, strategy_map):
    from scorecard import services as scorecard_services
    from scorecard.models import Action

    scorecard = scorecard_services.scorecard_create(
        team=team, strategy_map=strategy_map, title="Scorecard 2027", frequency="month"
    )
    customer, financial = (scorecard.perspectives.get(key=key) for key in ("customer", "financial"))
    kpi = scorecard_services.kpi_create(perspective=customer, name="Leads", unit="leads")
    action = scorecard_services.action_create(perspective=customer, kpi=kpi, title="Run a campaign")

    scorecard_services.kpi_update(kpi=kpi, perspective=financial)

    move = entries_for(Action.objects.get(pk=action.pk))[-1]
    assert move.action == LogEntry.Action.UPDATE
    assert move.changes_dict["perspective"] == [str(customer), str(financial)]


def test_a_new_channel_records_the_metrics_it_creates(team):
    from metrics.channel_services import channel_create

    channel = channel_create(team=team, platform="demo", name="Demo", account_ref="instagram-x")
    metrics = LogEntry.objects.filter(content_type__model="metric", action=LogEntry.Action.CREATE)
    assert sorted(metrics.values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in channel.metrics.values_list("pk", flat=True)
    )
    assert metrics.count() > 0


def test_a_change_through_the_api_names_the_api_key(api_client, team, api_key_for, strategy_map):
    raw = api_key_for(team, "read", "write")
    url = reverse("strategy:api-objective-list", args=[team.slug, strategy_map.pk])
    response = api_client.post(url, {"title": "Grow reach"}, format="json", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 201

    created = entries_for(Objective.objects.get(pk=response.json()["id"]))[0]
    assert created.action == LogEntry.Action.CREATE
    assert created.actor is None
    assert created.additional_data["api_key"] == "test key"
    assert history_of(strategy_map)[0].who == "API key “test key”"


def test_deletes_stay_in_the_map_history_after_the_objective_is_gone(users, strategy_map):
    objective = strategy_services.objective_create(strategy_map=strategy_map, title="Be known")
    strategy_services.success_factor_create(objective=objective, title="Post daily")
    strategy_services.objective_delete(objective=objective)

    history = [(entry.action, entry.what) for entry in history_of(strategy_map)]
    assert set(history[:2]) == {("deleted", "Objective “Be known”"), ("deleted", "Success factor “Post daily”")}
    assert ("created", "Success factor “Post daily”") in history
    assert ("created", "Strategy map “Strategy 2027”") in history


def test_a_deleted_map_leaves_its_deletion_with_the_actor(client_for, users, strategy_map):
    map_id = strategy_map.pk
    response = client_for("editor").post(reverse("strategy:map-delete", args=[strategy_map.team.slug, map_id]))
    assert response.status_code == 302 and not StrategyMap.objects.filter(pk=map_id).exists()
    deletion = LogEntry.objects.get(content_type__model="strategymap", object_id=map_id, action=LogEntry.Action.DELETE)
    assert deletion.actor == users["editor"]


def test_role_changes_and_api_keys_are_recorded(client_for, team, users):
    membership = Membership.objects.get(team=team, user=users["viewer"])
    team_services.membership_change_role(membership=membership, role=Role.EDITOR)
    change = entries_for(membership)[-1]
    assert change.changes_dict["role"] == ["viewer", "editor"]

    api_key, _raw = team_services.api_key_create(team=team, name="Zapier", scopes=["read"], created_by=users["admin"])
    team_services.api_key_revoke(api_key=api_key)
    assert [entry.action for entry in entries_for(api_key)] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries_for(api_key)[-1].changes_dict["revoked"] == [False, True]


def test_the_map_page_shows_the_history_to_viewers(client_for, strategy_map):
    strategy_services.objective_create(strategy_map=strategy_map, title="Grow reach")
    strategy_services.strategy_map_update(strategy_map=strategy_map, mission="Helpful, everywhere.")
    page = client_for("viewer").get(reverse("strategy:map-detail", args=[strategy_map.team.slug, strategy_map.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="history-heading"' in html
    assert "Objective “Grow reach”" in html and "Helpful, everywhere." in html
    assert html.count('class="list-group-item small history-entry"') == 3  # map created, objective, map changed


def test_outsiders_get_404_and_see_no_history(client_for, strategy_map):
    response = client_for("outsider").get(
        reverse("strategy:map-detail", args=[strategy_map.team.slug, strategy_map.pk])
    )
    assert response.status_code == 404
    assert b"history-heading" not in response.content


def test_history_of_a_map_is_one_query_however_long(strategy_map, django_assert_num_queries):
    for i in range(5):
        strategy_services.objective_create(strategy_map=strategy_map, title=f"Objective {i}")
    with django_assert_num_queries(1):
        entries = list(history_entries(strategy_map))
    assert len(entries) == 6
    with django_assert_num_queries(0):
        assert [entry.who for entry in history_of_loaded(entries)] == ["System"] * 6


def history_of_loaded(entries):
    from teams.history import _readable

    return [_readable(entry) for entry in entries]


def test_a_history_does_not_mix_teams(org, strategy_map):
    other_map = strategy_services.strategy_map_create(
        team=org["other"], title="Other", period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2027, 6, 30)
    )
    assert {e.what for e in history_of(strategy_map)} == {"Strategy map “Strategy 2027”"}
    assert {e.what for e in history_of(other_map)} == {"Strategy map “Other”"}


def test_a_scorecard_belongs_to_its_team_history_not_to_the_map_it_refers_to(team, strategy_map):
    from scorecard.models import Scorecard

    scorecard = Scorecard.objects.create(team=team, strategy_map=strategy_map, title="Scorecard 2027")
    tags = entries_for(scorecard)[0].additional_data
    assert tags == {"scorecard": scorecard.pk, "team": team.pk}
    assert "Scorecard “Scorecard 2027”" in {e.what for e in history_of(team)}
    assert "Scorecard “Scorecard 2027”" not in {e.what for e in history_of(strategy_map)}


def test_the_map_history_says_in_words_what_a_person_set_without_empty_or_bookkeeping_fields(strategy_map):
    objective = strategy_services.objective_create(strategy_map=strategy_map, title="Grow reach")
    strategy_services.objective_update(objective=objective, title="Grow our reach", perspective="customer")
    strategy_services.objective_update(objective=objective, description="Be seen")
    strategy_services.objective_update(objective=objective, description="")
    changed_back, described, renamed, created = history_of(strategy_map)[:4]
    assert [c.sentence for c in created.changes] == ["Title set to “Grow reach”"]  # no "Order: 0", no empty fields
    assert sorted(c.sentence for c in renamed.changes) == [
        "Perspective set to “Customer”",
        "Title changed from “Grow reach” to “Grow our reach”",
    ]
    assert [c.sentence for c in described.changes] == ["Description set to “Be seen”"]
    assert [c.sentence for c in changed_back.changes] == ["Description cleared (was “Be seen”)"]
    made = history_of(strategy_map)[-1]
    assert {c.field.lower() for c in made.changes} == {"title", "period start", "period end", "status"}

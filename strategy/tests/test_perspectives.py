"""Objectives placed in the four perspectives: the editor, the API, the copy and the demo."""

import pytest
from django.urls import reverse

from strategy import services
from strategy.models import Objective
from strategy.perspectives import MAP_ORDER
from strategy.tests.test_views import formset_data
from teams.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy_map(team, make_map):
    return make_map(team, links=[(0, 1)])


def objectives_url(strategy_map):
    return reverse("strategy:map-objectives", args=[strategy_map.team.slug, strategy_map.pk])


def test_existing_objectives_are_not_placed_until_someone_places_them(strategy_map):
    assert set(strategy_map.objectives.values_list("perspective", flat=True)) == {None}


def test_a_new_map_offers_one_new_objective_per_perspective_with_its_question(client_for, team, make_map):
    empty = make_map(team, objectives=0, year=2027)
    response = client_for("editor").get(objectives_url(empty))
    forms = response.context["editor"].objectives.forms
    assert [form.initial["perspective"] for form in forms] == MAP_ORDER
    page = response.content.decode()
    assert "What does social media contribute to the financial result?" in page
    assert "How do we organise ourselves around social media?" in page


def test_untouched_prompt_rows_create_nothing(client_for, team, make_map):
    empty = make_map(team, objectives=0, year=2027)
    client = client_for("editor")
    data = formset_data(client.get(objectives_url(empty)).context["editor"])
    assert client.post(objectives_url(empty), data).status_code == 302
    assert not empty.objectives.exists()


def test_a_marketer_places_objectives_in_perspectives_on_the_one_editor_page(client_for, strategy_map):
    client = client_for("editor")
    editor = client.get(objectives_url(strategy_map)).context["editor"]
    data = formset_data(editor) | {"objectives-0-perspective": "financial", "objectives-1-perspective": "customer"}
    new = f"objectives-{editor.objectives.total_form_count() - 1}"
    data |= {f"{new}-title": "Trained team", f"{new}-perspective": "organisation"}
    assert client.post(objectives_url(strategy_map), data).status_code == 302
    placed = dict(strategy_map.objectives.values_list("title", "perspective"))
    assert placed == {
        "Objective 0": "financial",
        "Objective 1": "customer",
        "Objective 2": None,
        "Trained team": "organisation",
    }


def test_the_editor_offers_several_blank_success_factor_rows(client_for, strategy_map):
    client = client_for("editor")
    editor = client.get(objectives_url(strategy_map)).context["editor"]
    first = strategy_map.objectives.first()
    formset = editor.factor_formsets[first.pk]
    blank = [form for form in formset.forms if not form.instance.pk]
    assert len(blank) >= 2
    data = formset_data(editor) | {f"factors-{first.pk}-2-title": "One", f"factors-{first.pk}-3-title": "Two"}
    assert client.post(objectives_url(strategy_map), data).status_code == 302
    titles = list(first.success_factors.values_list("title", flat=True))
    assert titles == ["Factor 0.0", "Factor 0.1", "One", "Two"], titles


def test_an_unknown_perspective_is_a_form_error_and_nothing_is_saved(client_for, strategy_map):
    client = client_for("editor")
    data = formset_data(client.get(objectives_url(strategy_map)).context["editor"])
    data |= {"objectives-0-perspective": "marketing", "objectives-1-title": "Renamed"}
    response = client.post(objectives_url(strategy_map), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert set(strategy_map.objectives.values_list("perspective", flat=True)) == {None}
    assert not strategy_map.objectives.filter(title="Renamed").exists()


def test_the_service_refuses_an_unknown_perspective_with_a_message(strategy_map):
    objective = strategy_map.objectives.first()
    with pytest.raises(ApplicationError, match="is not a perspective"):
        services.objective_update(objective=objective, perspective="marketing")
    with pytest.raises(ApplicationError, match="is not a perspective"):
        services.objective_create(strategy_map=strategy_map, title="X", perspective="")


def test_updating_other_fields_keeps_the_perspective_and_none_unplaces(strategy_map):
    objective = strategy_map.objectives.first()
    services.objective_update(objective=objective, perspective="customer")
    services.objective_update(objective=objective, title="Renamed")
    objective.refresh_from_db()
    assert objective.perspective == "customer"
    services.objective_update(objective=objective, perspective=None)
    objective.refresh_from_db()
    assert objective.perspective is None


def test_a_copy_keeps_each_objective_in_its_perspective(strategy_map):
    strategy_map.objectives.filter(title="Objective 0").update(perspective="financial")
    copy = services.strategy_map_copy(
        strategy_map=strategy_map,
        title="Next",
        period_start=strategy_map.period_end.replace(year=2030),
        period_end=strategy_map.period_end.replace(year=2031),
    )
    assert copy.objectives.get(title="Objective 0").perspective == "financial"


def test_the_api_reads_and_writes_the_perspective(api_client, users, strategy_map):
    api_client.force_authenticate(users["editor"])
    slug, pk = strategy_map.team.slug, strategy_map.pk
    objective = strategy_map.objectives.first()
    detail = reverse("strategy:api-objective-detail", args=[slug, pk, objective.pk])
    assert api_client.get(detail).json()["perspective"] is None
    assert api_client.patch(detail, {"perspective": "social_media"}, format="json").json()["perspective"] == (
        "social_media"
    )
    assert api_client.patch(detail, {"title": "Renamed"}, format="json").json()["perspective"] == "social_media"
    refused = api_client.patch(detail, {"perspective": "marketing"}, format="json")
    assert refused.status_code == 400 and "perspective" in refused.json()
    created = api_client.post(
        reverse("strategy:api-objective-list", args=[slug, pk]),
        {"title": "Revenue", "perspective": "financial"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["perspective"] == "financial"
    assert api_client.patch(detail, {"perspective": None}, format="json").json()["perspective"] is None
    assert Objective.objects.get(pk=objective.pk).perspective is None
    mapped = api_client.get(reverse("strategy:api-map-detail", args=[slug, pk])).json()
    assert {o["title"]: o["perspective"] for o in mapped["objectives"]}["Revenue"] == "financial"


def test_saving_the_editor_unchanged_does_not_copy_the_success_factors(client_for, strategy_map):
    client = client_for("editor")
    before = sorted(strategy_map.objectives.values_list("success_factors__title", flat=True))
    for _ in range(2):
        data = formset_data(client.get(objectives_url(strategy_map)).context["editor"])
        assert client.post(objectives_url(strategy_map), data).status_code == 302
    assert sorted(strategy_map.objectives.values_list("success_factors__title", flat=True)) == before

"""The strategy pages: who may open them, and a marketer building a map through the forms alone."""

import pytest
from django.urls import reverse

from strategy.models import Objective, ObjectiveLink, StrategyMap, SuccessFactor

pytestmark = pytest.mark.django_db

READ_PAGES = ["strategy:map-detail"]
WRITE_PAGES = [
    "strategy:map-edit",
    "strategy:map-delete",
    "strategy:map-copy",
    "strategy:map-objectives",
    "strategy:map-links",
]


def page_url(name, strategy_map):
    if name in ("strategy:map-list", "strategy:map-create"):
        return reverse(name, args=[strategy_map.team.slug])
    return reverse(name, args=[strategy_map.team.slug, strategy_map.pk])


@pytest.fixture
def strategy_map(team, make_map):
    return make_map(team, links=[(0, 1), (1, 2)])


@pytest.mark.parametrize("name", ["strategy:map-list", "strategy:map-create", *READ_PAGES, *WRITE_PAGES])
def test_anonymous_visitors_are_sent_to_login(client, strategy_map, name):
    response = client.get(page_url(name, strategy_map))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["strategy:map-list", *READ_PAGES])
@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("viewer", 200), ("parent_viewer", 200), ("editor", 200), ("superuser", 200)]
)
def test_reading_pages_are_open_to_every_member_and_the_parent_team(client_for, strategy_map, name, who, status):
    assert client_for(who).get(page_url(name, strategy_map)).status_code == status


@pytest.mark.parametrize("name", ["strategy:map-create", *WRITE_PAGES])
@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("viewer", 403), ("parent_viewer", 403), ("editor", 200), ("admin", 200)]
)
def test_editing_pages_are_for_editors(client_for, strategy_map, name, who, status):
    assert client_for(who).get(page_url(name, strategy_map)).status_code == status


@pytest.mark.parametrize("name", ["strategy:map-create", *WRITE_PAGES])
def test_a_viewer_cannot_write_through_any_page(client_for, strategy_map, name):
    response = client_for("viewer").post(page_url(name, strategy_map), {"title": "x"})
    assert response.status_code == 403
    assert StrategyMap.objects.count() == 1 and StrategyMap.objects.get().title == strategy_map.title


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("viewer", 403), ("editor", 302)])
def test_removing_a_link_is_for_editors(client_for, strategy_map, who, status):
    link = ObjectiveLink.objects.first()
    url = reverse("strategy:link-delete", args=[strategy_map.team.slug, strategy_map.pk, link.pk])
    assert client_for(who).post(url).status_code == status
    assert ObjectiveLink.objects.filter(pk=link.pk).exists() == (status != 302)


def test_a_map_of_another_team_is_404_inside_my_team(client_for, org, team, make_map):
    foreign = make_map(org["other"])
    client = client_for("editor")
    assert client.get(reverse("strategy:map-detail", args=[team.slug, foreign.pk])).status_code == 404
    assert client.get(reverse("strategy:map-edit", args=[team.slug, foreign.pk])).status_code == 404


def test_viewers_see_no_edit_buttons(client_for, strategy_map):
    page = client_for("viewer").get(page_url("strategy:map-detail", strategy_map)).content.decode()
    assert reverse("strategy:map-edit", args=[strategy_map.team.slug, strategy_map.pk]) not in page


def test_the_map_page_draws_the_diagram_and_lists_the_map_as_text(client_for, strategy_map):
    response = client_for("parent_viewer").get(page_url("strategy:map-detail", strategy_map))
    page = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "Objective 2" in page and "Factor 2.1" in page and "0 KPIs" in page
    assert "Helps to reach:" in page
    assert page.count('class="objective status-grey"') == 3
    assert "Not placed" in page  # the objectives have no perspective yet


def test_the_map_page_does_not_query_more_for_a_bigger_map(client_for, team, make_map, django_assert_max_num_queries):
    small = make_map(team, objectives=2, links=[(0, 1)])
    big = make_map(team, objectives=12, links=[(i, i - 1) for i in range(1, 12)], year=2027)
    client = client_for("editor")
    client.get(page_url("strategy:map-detail", small))  # warm the session
    with django_assert_max_num_queries(15) as small_queries:  # 12 + the history + the statuses (no scorecard)
        client.get(page_url("strategy:map-detail", small))
    with django_assert_max_num_queries(len(small_queries)):
        client.get(page_url("strategy:map-detail", big))


def test_the_objectives_editor_does_not_query_more_for_more_objectives(
    client_for, team, make_map, django_assert_max_num_queries
):
    small = make_map(team, objectives=2, links=[])
    big = make_map(team, objectives=12, links=[], year=2027)
    client = client_for("editor")
    client.get(page_url("strategy:map-objectives", small))  # warm the session
    with django_assert_max_num_queries(30) as small_queries:
        client.get(page_url("strategy:map-objectives", small))
    with django_assert_max_num_queries(len(small_queries)):
        client.get(page_url("strategy:map-objectives", big))


def test_new_map_page_starts_from_the_social_media_scorecard_template(client_for, team):
    page = client_for("editor").get(reverse("strategy:map-create", args=[team.slug])).content.decode()
    assert "why does your organisation use social media" in page
    assert "How do we reach customers, and how do we get more satisfied customers?" in page
    assert "What does social media contribute to the financial result?" in page


def test_a_marketer_builds_a_complete_map_through_the_forms(client_for, team, users):
    client = client_for("editor")
    response = client.post(
        reverse("strategy:map-create", args=[team.slug]),
        {
            "title": "Social 2026",
            "mission": "Be the most helpful shop online.",
            "vision": "",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "status": "active",
        },
    )
    strategy_map = StrategyMap.objects.get(team=team)
    objectives_url = reverse("strategy:map-objectives", args=[team.slug, strategy_map.pk])
    assert response.status_code == 302 and response.url == objectives_url

    # Add two objectives, one at a time (the form always has one empty row).
    for title in ["More revenue", "Loyal customers"]:
        form = client.get(objectives_url).context["editor"]
        data = formset_data(form)
        new = f"objectives-{form.objectives.total_form_count() - 1}"
        data |= {f"{new}-title": title, f"{new}-description": "", f"{new}-order": ""}
        assert client.post(objectives_url, data).status_code == 302
    revenue, loyal = Objective.objects.filter(strategy_map=strategy_map)
    assert (revenue.title, revenue.order, loyal.title, loyal.order) == ("More revenue", 0, "Loyal customers", 1)

    # Add a success factor to each, rename one objective and swap the order.
    form = client.get(objectives_url).context["editor"]
    data = formset_data(form)
    data |= {f"factors-{revenue.pk}-0-title": "Shoppable posts", f"factors-{loyal.pk}-0-title": "Fast answers"}
    data |= {"objectives-0-order": "5", "objectives-1-title": "Loyal, returning customers"}
    assert client.post(objectives_url, data).status_code == 302
    assert [o.title for o in strategy_map.objectives.all()] == ["Loyal, returning customers", "More revenue"]
    assert SuccessFactor.objects.get(objective=revenue).title == "Shoppable posts"

    # Link them by cause and effect; the reverse link would be a cycle and is refused.
    links_url = reverse("strategy:map-links", args=[team.slug, strategy_map.pk])
    assert client.post(links_url, {"cause": loyal.pk, "effect": revenue.pk}).status_code == 302
    refused = client.post(links_url, {"cause": revenue.pk, "effect": loyal.pk})
    assert refused.status_code == 200
    assert "cycle: More revenue → Loyal, returning customers → More revenue" in refused.content.decode()
    assert ObjectiveLink.objects.count() == 1

    # Edit mission and status.
    edit_url = reverse("strategy:map-edit", args=[team.slug, strategy_map.pk])
    data = {**client.get(edit_url).context["form"].initial, "mission": "Helpful, everywhere.", "vision": ""}
    data = {k: v for k, v in data.items() if k != "id" and v is not None}
    assert client.post(edit_url, data).status_code == 302
    strategy_map.refresh_from_db()
    assert strategy_map.mission == "Helpful, everywhere." and strategy_map.status == "active"

    # Delete the factor, then an objective (its link goes with it).
    form = client.get(objectives_url).context["editor"]
    data = formset_data(form) | {f"factors-{revenue.pk}-0-DELETE": "on"}
    client.post(objectives_url, data)
    assert not SuccessFactor.objects.filter(objective=revenue).exists()
    data = formset_data(client.get(objectives_url).context["editor"]) | {"objectives-0-DELETE": "on"}
    client.post(objectives_url, data)
    assert list(strategy_map.objectives.values_list("title", flat=True)) == ["More revenue"]
    assert not ObjectiveLink.objects.exists()

    # The parent team's manager reads it.
    client.force_login(users["parent_viewer"])
    page = client.get(strategy_map.get_absolute_url()).content.decode()
    assert "Helpful, everywhere." in page and "More revenue" in page


def formset_data(editor):
    """What the browser sends back for the objectives page as it was rendered."""
    data = {}
    formsets = [editor.objectives, *editor.factor_formsets.values()]
    for formset in formsets:
        management = formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
        for form in formset.forms:
            for name, field in form.fields.items():
                if name == "DELETE":
                    continue
                value = form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_saving_the_objectives_page_without_changes_keeps_every_success_factor_once(client_for, strategy_map):
    client = client_for("editor")
    url = page_url("strategy:map-objectives", strategy_map)
    factors = sorted(SuccessFactor.objects.values_list("pk", "objective_id", "title", "order"))
    for _save in range(2):
        assert client.post(url, formset_data(client.get(url).context["editor"])).status_code == 302
    assert sorted(SuccessFactor.objects.values_list("pk", "objective_id", "title", "order")) == factors
    assert strategy_map.objectives.count() == 3


def test_a_second_active_map_for_the_same_period_gets_a_clear_form_error(client_for, team, make_map):
    make_map(team, status=StrategyMap.Status.ACTIVE, title="Current")
    response = client_for("editor").post(
        reverse("strategy:map-create", args=[team.slug]),
        {
            "title": "Another",
            "mission": "",
            "vision": "",
            "period_start": "2026-06-01",
            "period_end": "2026-12-31",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "“Current” is already active" in response.context["form"].errors["status"][0]
    assert StrategyMap.objects.count() == 1


def test_an_objective_without_a_title_is_refused_and_nothing_is_saved(client_for, strategy_map):
    client = client_for("editor")
    url = page_url("strategy:map-objectives", strategy_map)
    data = formset_data(client.get(url).context["editor"]) | {"objectives-0-title": "", "objectives-1-title": "Renamed"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Objective.objects.filter(title="Renamed").exists()


def test_copy_to_a_new_period_through_the_form(client_for, strategy_map):
    client = client_for("editor")
    url = page_url("strategy:map-copy", strategy_map)
    initial = client.get(url).context["form"].initial
    assert str(initial["period_start"]) == "2027-01-01" and str(initial["period_end"]) == "2027-12-31"
    response = client.post(url, {"title": "Strategy 2027", "period_start": "2027-01-01", "period_end": "2027-12-31"})
    copy = StrategyMap.objects.get(title="Strategy 2027")
    assert response.url == copy.get_absolute_url()
    assert copy.objectives.count() == 3 and ObjectiveLink.objects.filter(cause__strategy_map=copy).count() == 2


def test_deleting_a_map_asks_first_then_deletes_everything(client_for, strategy_map):
    client = client_for("editor")
    url = page_url("strategy:map-delete", strategy_map)
    assert "cannot be undone" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not StrategyMap.objects.exists() and not Objective.objects.exists()


def test_removing_a_link_through_the_links_page(client_for, strategy_map):
    client = client_for("editor")
    link = ObjectiveLink.objects.first()
    client.post(reverse("strategy:link-delete", args=[strategy_map.team.slug, strategy_map.pk, link.pk]))
    assert ObjectiveLink.objects.count() == 1


def test_each_success_factor_shows_how_many_kpis_measure_it(client_for, strategy_map):
    from scorecard.models import KPI, Perspective, Scorecard  # only the test knows about the app above strategy

    scorecard = Scorecard.objects.create(team=strategy_map.team, strategy_map=strategy_map, title="Scorecard")
    perspective = Perspective.objects.create(scorecard=scorecard, key="customer", name="Customer")
    factor = SuccessFactor.objects.get(title="Factor 1.0")
    for name in ("Reach", "Followers"):
        KPI.objects.create(perspective=perspective, success_factor=factor, name=name)
    response = client_for("viewer").get(strategy_map.get_absolute_url())
    assert "2 KPIs" in response.content.decode()
    box = str(response.context["map_svg"]).split(f'id="objective-{factor.objective_id}"')[1].split("</g>")[0]
    assert "Factor 1.0" in box and "2 KPIs" in box


def test_an_archived_map_stays_readable(client_for, team, make_map):
    archived = make_map(team, status=StrategyMap.Status.ARCHIVED, year=2024)
    page = client_for("viewer").get(archived.get_absolute_url()).content.decode()
    assert "Archived" in page and "Objective 0" in page


@pytest.mark.parametrize(
    ("cause", "effect", "message"),
    [
        (0, 0, "An objective cannot be linked to itself (“Objective 0”)."),
        (0, 1, "“Objective 0” is already linked to “Objective 1”."),
        (2, 0, "This link would create a cycle: Objective 2 → Objective 0 → Objective 1 → Objective 2."),
    ],
)
def test_the_links_form_refuses_each_bad_link_with_a_message(client_for, strategy_map, cause, effect, message):
    objectives = list(strategy_map.objectives.all())
    response = client_for("editor").post(
        page_url("strategy:map-links", strategy_map), {"cause": objectives[cause].pk, "effect": objectives[effect].pk}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [message]
    assert ObjectiveLink.objects.count() == 2


def test_the_links_form_offers_only_objectives_of_this_map(client_for, team, strategy_map, make_map):
    elsewhere = make_map(team, year=2027).objectives.first()
    response = client_for("editor").post(
        page_url("strategy:map-links", strategy_map),
        {"cause": strategy_map.objectives.first().pk, "effect": elsewhere.pk},
    )
    assert "effect" in response.context["form"].errors
    assert ObjectiveLink.objects.count() == 2


def test_a_period_that_ends_before_it_starts_is_a_form_error_and_nothing_is_saved(client_for, team):
    response = client_for("editor").post(
        reverse("strategy:map-create", args=[team.slug]),
        {"title": "Backwards", "period_start": "2027-12-31", "period_end": "2027-01-01", "status": "draft"},
    )
    assert response.status_code == 200
    assert "must end on or after its start" in response.context["form"].errors["period_end"][0]
    assert not StrategyMap.objects.exists()


def test_a_map_that_a_scorecard_uses_cannot_be_deleted_from_the_page(client_for, team, make_map):
    from scorecard.services import scorecard_create

    strategy_map = make_map(team, objectives=1, links=[])
    scorecard_create(team=team, strategy_map=strategy_map, title="Card", frequency="month")
    response = client_for("editor").post(page_url("strategy:map-delete", strategy_map), follow=True)
    assert "Archive it instead" in response.content.decode()
    assert StrategyMap.objects.filter(pk=strategy_map.pk).exists()


def test_the_new_map_page_asks_the_guiding_questions_in_dutch(client_for, team):
    client = client_for("editor")
    page = client.get(reverse("strategy:map-create", args=[team.slug]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Hoe bereiken we klanten en hoe krijgen we meer tevreden klanten?" in page

"""REST API of strategy maps: access, nested reads with flat query counts, writes with the form messages."""

import pytest
from django.urls import reverse

from strategy.models import Objective, ObjectiveLink, StrategyMap, SuccessFactor

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy_map(team, make_map):
    return make_map(team, links=[(0, 1), (1, 2)])


NEW_MAP = {"title": "New", "period_start": "2028-01-01", "period_end": "2028-12-31"}
COPY = {"title": "Copy", "period_start": "2029-01-01", "period_end": "2029-12-31"}


def endpoints(strategy_map):
    """(method, url, body) for every endpoint; reads first."""
    slug, pk = strategy_map.team.slug, strategy_map.pk
    objective, _, last = strategy_map.objectives.all()
    factor = objective.success_factors.first()
    link = ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).first()
    o_args, f_args = [slug, pk, objective.pk], [slug, pk, objective.pk, factor.pk]
    reads = [
        ("get", reverse("strategy:api-map-list", args=[slug]), None),
        ("get", reverse("strategy:api-map-detail", args=[slug, pk]), None),
        ("get", reverse("strategy:api-objective-list", args=[slug, pk]), None),
        ("get", reverse("strategy:api-objective-detail", args=o_args), None),
        ("get", reverse("strategy:api-factor-list", args=o_args), None),
        ("get", reverse("strategy:api-factor-detail", args=f_args), None),
        ("get", reverse("strategy:api-link-list", args=[slug, pk]), None),
        ("get", reverse("strategy:api-link-detail", args=[slug, pk, link.pk]), None),
    ]
    writes = [
        ("post", reverse("strategy:api-map-list", args=[slug]), NEW_MAP),
        ("patch", reverse("strategy:api-map-detail", args=[slug, pk]), {"mission": "Changed"}),
        ("post", reverse("strategy:api-map-copy", args=[slug, pk]), COPY),
        ("post", reverse("strategy:api-objective-list", args=[slug, pk]), {"title": "New objective"}),
        ("patch", reverse("strategy:api-objective-detail", args=o_args), {"title": "Renamed"}),
        ("post", reverse("strategy:api-factor-list", args=o_args), {"title": "New factor"}),
        ("patch", reverse("strategy:api-factor-detail", args=f_args), {"title": "Renamed factor"}),
        ("post", reverse("strategy:api-link-list", args=[slug, pk]), {"cause": objective.pk, "effect": last.pk}),
        ("delete", reverse("strategy:api-link-detail", args=[slug, pk, link.pk]), None),
        ("delete", reverse("strategy:api-factor-detail", args=f_args), None),
        ("delete", reverse("strategy:api-objective-detail", args=o_args), None),
        ("delete", reverse("strategy:api-map-detail", args=[slug, pk]), None),
    ]
    return reads, writes


def call(client, method, url, body, **headers):
    return getattr(client, method)(url, body, format="json", **headers)


def snapshot():
    return (
        list(StrategyMap.objects.values_list("title", "mission").order_by("pk")),
        list(Objective.objects.values_list("title", flat=True).order_by("pk")),
        list(SuccessFactor.objects.values_list("title", flat=True).order_by("pk")),
        ObjectiveLink.objects.count(),
    )


def test_anonymous_requests_are_refused(api_client, strategy_map):
    reads, writes = endpoints(strategy_map)
    for method, url, body in reads + writes:
        assert call(api_client, method, url, body).status_code in (401, 403), url


@pytest.mark.parametrize(
    ("who", "read", "write"), [("outsider", 404, 404), ("viewer", 200, 403), ("parent_viewer", 200, 403)]
)
def test_members_without_the_editor_role_read_but_do_not_write(api_client, users, strategy_map, who, read, write):
    api_client.force_authenticate(users[who])
    reads, writes = endpoints(strategy_map)
    before = snapshot()
    for method, url, body in reads:
        assert call(api_client, method, url, body).status_code == read, url
    for method, url, body in writes:
        assert call(api_client, method, url, body).status_code == write, url
    assert snapshot() == before


def test_an_editor_can_use_every_endpoint(api_client, users, strategy_map):
    api_client.force_authenticate(users["editor"])
    reads, writes = endpoints(strategy_map)
    for method, url, body in reads + writes:
        response = call(api_client, method, url, body)
        assert response.status_code in (200, 201, 204), (url, response.content)
    assert not StrategyMap.objects.filter(pk=strategy_map.pk).exists()


def test_a_read_key_reads_and_a_write_key_writes(api_client, team, strategy_map, api_key_for):
    reads, writes = endpoints(strategy_map)
    read_key = {"HTTP_AUTHORIZATION": f"Api-Key {api_key_for(team, 'read')}"}
    for method, url, body in reads:
        assert call(api_client, method, url, body, **read_key).status_code == 200
    before = snapshot()
    for method, url, body in writes:
        assert call(api_client, method, url, body, **read_key).status_code == 403
    assert snapshot() == before
    write_key = {"HTTP_AUTHORIZATION": f"Api-Key {api_key_for(team, 'write')}"}
    for method, url, body in writes:
        assert call(api_client, method, url, body, **write_key).status_code in (200, 201, 204), url


def test_a_key_of_another_team_gets_404(api_client, org, strategy_map, api_key_for):
    key = {"HTTP_AUTHORIZATION": f"Api-Key {api_key_for(org['other'], 'read', 'write')}"}
    reads, writes = endpoints(strategy_map)
    for method, url, body in reads + writes:
        assert call(api_client, method, url, body, **key).status_code == 404, url


def test_a_map_reads_with_nested_objectives_factors_and_links(api_client, users, strategy_map):
    api_client.force_authenticate(users["viewer"])
    data = api_client.get(reverse("strategy:api-map-detail", args=[strategy_map.team.slug, strategy_map.pk])).json()
    assert [o["title"] for o in data["objectives"]] == ["Objective 0", "Objective 1", "Objective 2"]
    assert [f["title"] for f in data["objectives"][0]["success_factors"]] == ["Factor 0.0", "Factor 0.1"]
    assert data["objectives"][0]["success_factors"][0]["kpi_count"] == 0
    ids = [o["id"] for o in data["objectives"]]
    assert sorted((lk["cause"], lk["effect"]) for lk in data["links"]) == [(ids[0], ids[1]), (ids[1], ids[2])]


def test_listing_maps_does_not_query_more_for_more_or_bigger_maps(
    api_client, users, team, make_map, django_assert_max_num_queries
):
    api_client.force_authenticate(users["viewer"])
    url = reverse("strategy:api-map-list", args=[team.slug])
    make_map(team, objectives=1)
    with django_assert_max_num_queries(20) as few:
        assert api_client.get(url).json()["count"] == 1
    for year in (2027, 2028, 2029):
        make_map(team, objectives=6, links=[(1, 0), (2, 0), (3, 1)], year=year)
    with django_assert_max_num_queries(len(few)):
        assert api_client.get(url).json()["count"] == 4


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ((0, 0), "An objective cannot be linked to itself (“Objective 0”)."),
        ((0, 1), "“Objective 0” is already linked to “Objective 1”."),
        ((2, 0), "This link would create a cycle: Objective 2 → Objective 0 → Objective 1 → Objective 2."),
    ],
)
def test_refused_links_give_the_same_messages_as_the_forms(api_client, users, strategy_map, link, message):
    api_client.force_authenticate(users["editor"])
    objectives = list(strategy_map.objectives.all())
    response = api_client.post(
        reverse("strategy:api-link-list", args=[strategy_map.team.slug, strategy_map.pk]),
        {"cause": objectives[link[0]].pk, "effect": objectives[link[1]].pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": [message]}
    assert ObjectiveLink.objects.count() == 2


def test_a_link_to_an_objective_of_another_map_is_refused(api_client, users, team, strategy_map, make_map):
    api_client.force_authenticate(users["editor"])
    elsewhere = make_map(team, year=2027).objectives.first()
    response = api_client.post(
        reverse("strategy:api-link-list", args=[team.slug, strategy_map.pk]),
        {"cause": strategy_map.objectives.first().pk, "effect": elsewhere.pk},
        format="json",
    )
    assert response.json() == {"detail": ["Both objectives must belong to the same strategy map."]}


def test_a_link_to_an_objective_of_another_team_is_an_unknown_objective(api_client, users, org, strategy_map, make_map):
    api_client.force_authenticate(users["editor"])
    foreign = make_map(org["other"]).objectives.first()
    response = api_client.post(
        reverse("strategy:api-link-list", args=[strategy_map.team.slug, strategy_map.pk]),
        {"cause": strategy_map.objectives.first().pk, "effect": foreign.pk},
        format="json",
    )
    assert response.status_code == 400 and "effect" in response.json()


def test_a_second_active_map_is_refused_with_the_form_message(api_client, users, team, make_map):
    make_map(team, status=StrategyMap.Status.ACTIVE, title="Current")
    api_client.force_authenticate(users["editor"])
    response = api_client.post(
        reverse("strategy:api-map-list", args=[team.slug]),
        {"title": "Also", "period_start": "2026-05-01", "period_end": "2026-08-01", "status": "active"},
        format="json",
    )
    assert response.status_code == 400
    assert "“Current” is already active" in response.json()["status"][0]
    assert StrategyMap.objects.count() == 1


def test_a_map_used_by_a_scorecard_is_not_deleted(api_client, users, strategy_map):
    from scorecard.models import Scorecard  # only the test knows about the app above strategy

    Scorecard.objects.create(team=strategy_map.team, strategy_map=strategy_map, title="Scorecard")
    api_client.force_authenticate(users["editor"])
    response = api_client.delete(reverse("strategy:api-map-detail", args=[strategy_map.team.slug, strategy_map.pk]))
    assert response.status_code == 400 and "Archive it instead" in response.json()["detail"][0]
    assert StrategyMap.objects.filter(pk=strategy_map.pk).exists()

"""Every page and endpoint: anonymous -> sign in / 401-403, outsider -> 404, viewer may read only."""

from datetime import date

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.models import Action, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(scorecard, perspective, make_metric):
    kpi = services.kpi_create(perspective=perspective, name="Leads", metric=make_metric("leads"))
    target = services.target_create(
        kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=10, red_flag=5
    )
    action = services.action_create(perspective=perspective, title="Post more", kpi=kpi)
    return {"scorecard": scorecard, "perspective": perspective, "kpi": kpi, "target": target, "action": action}


# (url name, object whose id the url takes) for pages that viewers may read
READ_PAGES = [
    ("scorecard:scorecard-list", None),
    ("scorecard:scorecard-detail", "scorecard"),
    ("scorecard:kpi-detail", "kpi"),
]
# pages only editors may open (GET) and submit (POST)
EDIT_PAGES = [
    ("scorecard:scorecard-create", None),
    ("scorecard:scorecard-edit", "scorecard"),
    ("scorecard:scorecard-delete", "scorecard"),
    ("scorecard:action-create", "scorecard"),
    ("scorecard:perspective-edit", "perspective"),
    ("scorecard:kpi-create", "perspective"),
    ("scorecard:kpi-edit", "kpi"),
    ("scorecard:kpi-delete", "kpi"),
    ("scorecard:target-create", "kpi"),
    ("scorecard:target-edit", "target"),
    ("scorecard:target-delete", "target"),
    ("scorecard:action-edit", "action"),
    ("scorecard:action-delete", "action"),
]


def page_url(name, obj, objects, team_slug="social"):
    args = [team_slug] + ([objects[obj].pk] if obj else [])
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "obj"), READ_PAGES + EDIT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, name, obj):
    response = client.get(page_url(name, obj, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "obj"), READ_PAGES + EDIT_PAGES)
def test_outsiders_get_404(client_for, objects, name, obj):
    assert client_for("outsider").get(page_url(name, obj, objects)).status_code == 404


@pytest.mark.parametrize(("name", "obj"), READ_PAGES)
def test_viewers_and_members_of_a_parent_team_read(client_for, objects, name, obj):
    assert client_for("viewer").get(page_url(name, obj, objects)).status_code == 200
    assert client_for("parent_viewer").get(page_url(name, obj, objects)).status_code == 200


@pytest.mark.parametrize(("name", "obj"), EDIT_PAGES)
def test_viewers_cannot_open_or_submit_edit_pages(client_for, objects, name, obj):
    client = client_for("viewer")
    assert client.get(page_url(name, obj, objects)).status_code == 403
    assert client.post(page_url(name, obj, objects), {}).status_code == 403
    assert Action.objects.count() == 1 and Target.objects.count() == 1


@pytest.mark.parametrize(("name", "obj"), READ_PAGES + EDIT_PAGES)
def test_editors_open_every_page(client_for, objects, name, obj):
    assert client_for("editor").get(page_url(name, obj, objects)).status_code == 200


def test_viewers_cannot_enter_values(client_for, objects):
    url = reverse("scorecard:kpi-value-enter", args=["social", objects["kpi"].pk])
    assert client_for("viewer").post(url, {"day": "2027-03-01", "value": "3"}).status_code == 403
    assert client_for("outsider").post(url, {"day": "2027-03-01", "value": "3"}).status_code == 404


def test_another_teams_objects_are_404_inside_my_team(client_for, org, objects, strategy_map):
    other_map = type(strategy_map).objects.create(
        team=org["other"], title="Other", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    foreign = services.scorecard_create(team=org["other"], strategy_map=other_map, title="Theirs", frequency="month")
    url = reverse("scorecard:scorecard-detail", args=["social", foreign.pk])
    assert client_for("editor").get(url).status_code == 404


def test_the_profile_page_needs_a_sign_in(client):
    assert client.get(reverse("scorecard:profile")).status_code == 302


# ---- REST API ---------------------------------------------------------------------------------


def api_urls(objects):
    scorecard, kpi = objects["scorecard"], objects["kpi"]
    base = ["social", scorecard.pk]
    return {
        "scorecards": reverse("scorecard:api-scorecard-list", args=["social"]),
        "scorecard": reverse("scorecard:api-scorecard-detail", args=base),
        "scores": reverse("scorecard:api-scores", args=base) + "?period=2027-03",
        "perspectives": reverse("scorecard:api-perspective-list", args=base),
        "perspective": reverse("scorecard:api-perspective-detail", args=[*base, objects["perspective"].pk]),
        "kpis": reverse("scorecard:api-kpi-list", args=base),
        "kpi": reverse("scorecard:api-kpi-detail", args=[*base, kpi.pk]),
        "targets": reverse("scorecard:api-target-list", args=[*base, kpi.pk]),
        "target": reverse("scorecard:api-target-detail", args=[*base, kpi.pk, objects["target"].pk]),
        "actions": reverse("scorecard:api-action-list", args=base),
        "action": reverse("scorecard:api-action-detail", args=[*base, objects["action"].pk]),
    }


API_NAMES = ["scorecards", "scorecard", "scores", "perspectives", "perspective", "kpis", "kpi", "targets", "target"]
API_NAMES += ["actions", "action"]
WRITES = [("post", "scorecards"), ("patch", "scorecard"), ("delete", "scorecard"), ("patch", "perspective")]
WRITES += [("post", "kpis"), ("patch", "kpi"), ("delete", "kpi"), ("post", "targets"), ("patch", "target")]
WRITES += [("delete", "target"), ("post", "actions"), ("patch", "action"), ("delete", "action")]


@pytest.mark.parametrize("name", API_NAMES)
def test_api_reads(api_client, api_key_for, users, team, org, objects, name):
    url = api_urls(objects)[name]
    assert api_client.get(url).status_code in (401, 403)
    api_client.force_authenticate(users["outsider"])
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(users["viewer"])
    assert api_client.get(url).status_code == 200
    api_client.force_authenticate(None)
    assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {api_key_for(team, 'read')}").status_code == 200
    other_key = api_key_for(org["other"], "read", "write")
    assert api_client.get(url, HTTP_AUTHORIZATION=f"Api-Key {other_key}").status_code == 404


@pytest.mark.parametrize(("method", "name"), WRITES)
def test_api_writes_need_an_editor_or_a_write_key(api_client, api_key_for, users, team, objects, method, name):
    url = api_urls(objects)[name]
    assert getattr(api_client, method)(url, {}, format="json").status_code in (401, 403)
    api_client.force_authenticate(users["viewer"])
    assert getattr(api_client, method)(url, {}, format="json").status_code == 403
    api_client.force_authenticate(users["outsider"])
    assert getattr(api_client, method)(url, {}, format="json").status_code == 404
    api_client.force_authenticate(None)
    read_key = api_key_for(team, "read", "ingest")
    response = getattr(api_client, method)(url, {}, format="json", HTTP_AUTHORIZATION=f"Api-Key {read_key}")
    assert response.status_code == 403
    assert Action.objects.count() == 1 and Target.objects.count() == 1
    api_client.force_authenticate(users["editor"])
    assert getattr(api_client, method)(url, {}, format="json").status_code in (200, 204, 400)


def test_perspectives_cannot_be_added_or_deleted(api_client, users, objects):
    api_client.force_authenticate(users["editor"])
    urls = api_urls(objects)
    assert api_client.post(urls["perspectives"], {"name": "Fifth"}, format="json").status_code == 405
    assert api_client.delete(urls["perspective"]).status_code == 405
    assert objects["scorecard"].perspectives.count() == 4

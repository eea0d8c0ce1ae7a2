"""KPI and action owners are people of the team: nobody else is listed, and nobody else is accepted."""

import pytest
from django.urls import reverse

from scorecard import services
from scorecard.models import KPI, Action
from teams.errors import ApplicationError

pytestmark = pytest.mark.django_db

# Members of Social, and the viewer of Acme above it; not the superuser, not the outsider of Other.
OWNERS = ["editor", "owner", "parent_viewer", "viewer"]
# A KPI's owner keeps its values up to date: only those who may edit (the editor and the admin "owner").
KPI_OWNERS = ["editor", "owner"]


def owner_choices(response) -> list[str]:
    return [user.username for user in response.context["form"].fields["owner"].queryset]


def test_the_kpi_and_action_forms_list_only_members_of_the_team_and_the_teams_above(
    client_for, team, perspective, scorecard
):
    client = client_for("editor")
    kpi_page = client.get(reverse("scorecard:kpi-create", args=[team.slug, perspective.pk]))
    action_page = client.get(reverse("scorecard:action-create", args=[team.slug, scorecard.pk]))
    assert owner_choices(kpi_page) == KPI_OWNERS
    assert owner_choices(action_page) == OWNERS
    for page in (kpi_page, action_page):
        assert ">root<" not in page.content.decode()
        assert ">outsider<" not in page.content.decode()


@pytest.mark.parametrize("stranger", ["superuser", "outsider"])
def test_an_owner_from_outside_is_refused_on_the_forms_with_a_clear_message(
    client_for, team, users, perspective, scorecard, stranger
):
    client = client_for("editor")
    kpi = {"perspective": perspective.pk, "name": "Leads", "aggregation": "sum", "decimals": 0}
    kpi |= {"frequency": "month", "scoring_type": "goal_red_flag", "weight": 1, "owner": users[stranger].pk}
    action = {"perspective": perspective.pk, "title": "Reply", "status": "planned", "progress": 0}
    action["owner"] = users[stranger].pk
    for url, data, message in [
        (
            reverse("scorecard:kpi-create", args=[team.slug, perspective.pk]),
            kpi,
            "Choose an editor or admin of this team or of a team above it.",
        ),
        (
            reverse("scorecard:action-create", args=[team.slug, scorecard.pk]),
            action,
            "Choose a member of this team or of a team above it.",
        ),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors["owner"] == [message]
    assert not KPI.objects.exists()
    assert not Action.objects.exists()


@pytest.mark.parametrize("stranger", ["root", "outsider", "nobody"])
def test_an_owner_from_outside_is_refused_by_the_api_with_the_same_message_for_everyone(
    api_client, users, team, scorecard, stranger
):
    api_client.force_authenticate(users["editor"])
    perspective = scorecard.perspectives.first().pk
    for name, body in [
        ("api-kpi-list", {"perspective": perspective, "name": "x", "owner": stranger}),
        ("api-action-list", {"perspective": perspective, "title": "x", "owner": stranger}),
    ]:
        response = api_client.post(reverse(f"scorecard:{name}", args=[team.slug, scorecard.pk]), body, format="json")
        assert response.status_code == 400
        assert response.json()["owner"] == [f"No member of this team or of a team above it is called “{stranger}”."]
    assert not KPI.objects.exists()
    assert not Action.objects.exists()


def test_a_member_of_a_team_above_may_own_a_kpi_through_the_api(api_client, users, team, scorecard):
    api_client.force_authenticate(users["editor"])
    body = {"perspective": scorecard.perspectives.first().pk, "name": "x", "owner": "parent_viewer"}
    response = api_client.post(reverse("scorecard:api-kpi-list", args=[team.slug, scorecard.pk]), body, format="json")
    assert response.status_code == 201
    assert KPI.objects.get().owner == users["parent_viewer"]


def test_a_superuser_who_is_not_a_member_cannot_be_made_owner_by_the_services(perspective, users):
    with pytest.raises(ApplicationError, match="not a member"):
        services.kpi_create(perspective=perspective, name="x", owner=users["superuser"])
    with pytest.raises(ApplicationError, match="not a member"):
        services.action_create(perspective=perspective, title="x", owner=users["superuser"])

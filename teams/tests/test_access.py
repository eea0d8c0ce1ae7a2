"""Who may open which teams page: the access matrix of DESIGN.md section 7."""

import pytest
from django.urls import reverse

from teams.access import role_for, visible_team_roles
from teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client, team):
    for url in [reverse("teams:team-list"), reverse("teams:team-home", args=[team.slug])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_team_list_shows_only_the_teams_a_user_may_see(client_for, org):
    response = client_for("viewer").get(reverse("teams:team-list"))
    assert [row.team for row in response.context["rows"]] == [org["social"]]

    response = client_for("parent_viewer").get(reverse("teams:team-list"))
    assert [row.team for row in response.context["rows"]] == [org["acme"], org["social"]]


def test_superuser_sees_every_team(client_for, org):
    response = client_for("superuser").get(reverse("teams:team-list"))
    assert {row.team for row in response.context["rows"]} == set(org.values())


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("viewer", 200), ("editor", 200), ("admin", 200), ("parent_viewer", 200), ("superuser", 200)],
)
def test_team_home_access(client_for, team, who, status):
    assert client_for(who).get(reverse("teams:team-home", args=[team.slug])).status_code == status


def test_unknown_team_is_404_like_a_foreign_one(client_for):
    assert client_for("viewer").get(reverse("teams:team-home", args=["no-such-team"])).status_code == 404


ADMIN_PAGES = ["teams:team-members", "teams:api-keys"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("viewer", 403), ("editor", 403), ("parent_viewer", 403), ("admin", 200), ("superuser", 200)],
)
def test_team_settings_pages_are_for_admins(client_for, team, page, who, status):
    assert client_for(who).get(reverse(page, args=[team.slug])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("viewer", 403), ("editor", 403)])
def test_non_admins_cannot_change_members_or_keys(client_for, team, users, api_key_for, who, status):
    from teams.models import TeamApiKey

    api_key_for(team, "read")
    prefix = TeamApiKey.objects.get().prefix
    membership = Membership.objects.get(user=users["viewer"])
    client = client_for(who)
    posts = [
        (reverse("teams:team-members", args=[team.slug]), {"who": "outsider", "role": "admin"}),
        (reverse("teams:membership-update", args=[team.slug, membership.pk]), {"role": "admin"}),
        (reverse("teams:membership-update", args=[team.slug, membership.pk]), {"remove": "1"}),
        (reverse("teams:api-keys", args=[team.slug]), {"name": "mine", "scopes": ["write"]}),
        (reverse("teams:api-key-revoke", args=[team.slug, prefix]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    assert Membership.objects.get(pk=membership.pk).role == Role.VIEWER
    assert not Membership.objects.filter(user=users["outsider"], team=team).exists()
    assert TeamApiKey.objects.get().revoked is False
    assert TeamApiKey.objects.count() == 1


def test_membership_on_a_parent_reaches_child_teams_with_the_highest_role(users, org):
    user = users["parent_viewer"]
    assert role_for(user, org["acme"]) == Role.VIEWER
    assert role_for(user, org["social"]) == Role.VIEWER
    Membership.objects.create(user=user, team=org["social"], role=Role.EDITOR)
    user.__dict__.pop("_team_roles_cache", None)
    assert role_for(user, org["social"]) == Role.EDITOR
    assert role_for(user, org["other"]) is None
    assert set(visible_team_roles(user)) == {org["acme"].pk, org["social"].pk}


def test_child_membership_does_not_reach_the_parent(users, org):
    assert role_for(users["viewer"], org["acme"]) is None


def test_the_team_list_does_not_query_more_for_more_memberships(client_for, users, django_assert_max_num_queries):
    def add_region(n: int) -> None:
        parent = Team.objects.create(name=f"Region {n}", slug=f"region-{n}")
        Team.objects.create(name=f"Shop {n}", slug=f"shop-{n}", parent=parent)
        Membership.objects.create(user=users["outsider"], team=parent, role=Role.VIEWER)

    client = client_for("outsider")
    add_region(0)
    client.get(reverse("teams:team-list"))  # warm the session
    with django_assert_max_num_queries(20) as one_region:
        client.get(reverse("teams:team-list"))
    for n in range(1, 6):
        add_region(n)
    with django_assert_max_num_queries(len(one_region)):
        response = client.get(reverse("teams:team-list"))
    assert len(response.context["rows"]) == 1 + 12

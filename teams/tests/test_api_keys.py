"""Team API keys: hashed, shown once, scoped to one team, revocable."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from teams.models import TeamApiKey

pytestmark = pytest.mark.django_db


def team_api_url(team):
    return reverse("teams:api-team-detail", args=[team.slug])


def test_admin_creates_a_key_that_is_shown_once_and_stored_only_as_a_hash(client_for, team):
    client = client_for("admin")
    response = client.post(
        reverse("teams:api-keys", args=[team.slug]), {"name": "Webshop", "scopes": ["read", "ingest"]}, follow=True
    )
    raw_key = response.context["new_key"]
    assert raw_key in response.content.decode()
    reloaded = client.get(reverse("teams:api-keys", args=[team.slug])).content.decode()
    assert raw_key not in reloaded, "the key is shown only once"
    api_key = TeamApiKey.objects.get()
    assert api_key.scopes == ["ingest", "read"]
    stored = [str(getattr(api_key, f.attname)) for f in TeamApiKey._meta.concrete_fields]
    assert not any(raw_key in value for value in stored)
    assert raw_key.split(".")[1] not in "".join(stored)

    listing = client.get(reverse("teams:api-keys", args=[team.slug])).content.decode()
    assert api_key.prefix in listing
    assert raw_key not in listing


def test_a_key_without_scopes_is_refused(client_for, team):
    response = client_for("admin").post(reverse("teams:api-keys", args=[team.slug]), {"name": "x", "scopes": []})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TeamApiKey.objects.exists()


def test_a_key_reads_its_own_team_and_records_when_it_was_used(api_client, team, api_key_for):
    raw = api_key_for(team, "read")
    response = api_client.get(team_api_url(team), HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 200
    assert response.json()["slug"] == team.slug
    assert TeamApiKey.objects.get().last_used_at is not None


def test_a_key_of_team_a_cannot_touch_team_b(api_client, org, api_key_for):
    raw = api_key_for(org["other"], "read", "ingest", "write")
    assert api_client.get(team_api_url(org["social"]), HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 404


def test_a_key_of_a_parent_team_does_not_reach_child_teams(api_client, org, api_key_for):
    raw = api_key_for(org["acme"], "read")
    assert api_client.get(team_api_url(org["social"]), HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 404


def test_a_revoked_key_is_refused(api_client, client_for, team, api_key_for):
    raw = api_key_for(team, "read")
    prefix = TeamApiKey.objects.get().prefix
    client_for("admin").post(reverse("teams:api-key-revoke", args=[team.slug, prefix]))
    assert TeamApiKey.objects.get().revoked
    response = api_client.get(team_api_url(team), HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_wrong_key_is_refused(api_client, team, api_key_for):
    raw = api_key_for(team, "read")
    response = api_client.get(team_api_url(team), HTTP_AUTHORIZATION=f"Api-Key {raw[:-2]}xx")
    assert response.status_code == 401


def test_a_key_in_the_query_string_is_ignored(api_client, team, api_key_for):
    raw = api_key_for(team, "read")
    for param in ("api_key", "key", "Api-Key"):
        assert api_client.get(team_api_url(team), {param: raw}).status_code in (401, 403)


def test_a_key_without_the_needed_scope_gets_403(api_client, team, api_key_for):
    raw = api_key_for(team, "ingest")
    response = api_client.get(team_api_url(team), HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_signed_in_outsider_gets_404_and_member_gets_the_team(api_client, team, users):
    api_client.force_login(users["outsider"])
    assert api_client.get(team_api_url(team)).status_code == 404
    api_client.force_login(users["viewer"])
    assert api_client.get(team_api_url(team)).status_code == 200


def test_create_api_key_command_prints_the_key_on_its_last_line(team, api_client, capsys):
    call_command("create_api_key", team.slug, "Nightly import", "--scopes", "read,ingest")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    api_key = TeamApiKey.objects.get(name="Nightly import")
    assert api_key.scopes == ["ingest", "read"]
    assert api_client.get(team_api_url(team), HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [(["no-such-team", "x"], "No team"), (["social", "x", "--scopes", "read,admin"], "Scopes must be")],
)
def test_create_api_key_command_explains_bad_input(team, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", *args)
    assert not TeamApiKey.objects.exists()


def test_an_api_url_that_matches_no_route_answers_json_404(api_client, team, api_key_for):
    raw = api_key_for(team, "read")
    response = api_client.get("/api/v1/teams/social/no-such-thing/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_that_does_not_exist_is_the_html_404_page(client_for):
    response = client_for("viewer").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()

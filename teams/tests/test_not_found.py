"""A link to a team or an object the user may not see answers the application's own 404 page, DEBUG or not."""

import pytest
from django.urls import reverse

from teams.tests.test_tenant_isolation import kpi_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_a_member_following_a_link_to_a_team_they_may_not_see_gets_the_apps_404_page(
    client_for, org, users, settings, debug
):
    settings.DEBUG = debug
    kpi = kpi_of(org["acme"])
    client = client_for("viewer")  # a member of Social, below Acme
    for url in [org["acme"].get_absolute_url(), kpi.get_absolute_url(), reverse("teams:team-home", args=["nope"])]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.templates[0].name == "404.html"
        page = response.content.decode()
        assert "This page does not exist, or you do not have access to it." in page
        assert "URLconf" not in page
        assert "scorecard_site.urls" not in page


def test_the_api_still_answers_404_as_json_with_debug_on(api_client, users, org, settings):
    settings.DEBUG = True
    api_client.force_authenticate(users["viewer"])
    response = api_client.get(reverse("teams:api-team-detail", args=[org["acme"].slug]))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such team."}

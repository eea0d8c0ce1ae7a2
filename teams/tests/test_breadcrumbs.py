"""Every page below a team shows where the reader is: a breadcrumb trail that starts with the team and does not
repeat its last crumb. The pages come from the URL resolver, like the access walks."""

import pytest
from lxml import html

from teams.tests import test_tenant_isolation as walk

pytestmark = pytest.mark.django_db

url_for = walk.url_for  # the walk's fixture that fills a URL's arguments with the team's objects

# The team's home is the top of the trail itself.
PAGES_BELOW_THE_TEAM = [(name, args) for name, args in walk.TEAM_PATTERNS if name != "teams:team-home"]


def crumbs_of(content: bytes) -> list[str]:
    navs = html.fromstring(content).xpath('//nav[@aria-label="Breadcrumb" or @aria-label="breadcrumb"]')
    assert len(navs) == 1, "one breadcrumb trail"
    return [" ".join(item.text_content().split()) for item in navs[0].xpath(".//li")]


@pytest.mark.parametrize(("name", "args"), PAGES_BELOW_THE_TEAM)
def test_every_team_page_shows_a_breadcrumb_trail_from_the_team(client_for, url_for, team, name, args):
    url = url_for(name, args)
    if walk.is_api(url):
        pytest.skip("API")
    response = client_for("admin").get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        pytest.skip(f"{response.status_code} {response['Content-Type']}: not a page")
    crumbs = crumbs_of(response.content)
    assert crumbs[0] == team.name, url
    assert len(crumbs) >= 2, url
    assert crumbs[-1] != crumbs[-2], url

"""Every link the application shows a member leads somewhere they may go: no 403, no 404 behind a link.

The walk starts on the team list, follows every link on every page it reaches, and notes each link that answers
403 or 404: as viewer, editor and admin of the child team Social (who cannot see its parent Acme), and as a
viewer of Acme.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from metrics.channel_services import channel_create
from teams.tests.test_tenant_isolation import import_job_of, kpi_of

pytestmark = pytest.mark.django_db
MAX_PAGES = 400


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href)


def broken_links(client, start: str) -> list[tuple[str, str, int]]:
    """(page, link, status) of every link reached from `start` that answers 403 or 404."""
    queue, seen_paths, broken = deque([("", start)]), set(), []
    while queue and len(seen_paths) < MAX_PAGES:
        page, url = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths:  # by path: the period pickers link on and on
            continue
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code in (403, 404):
            broken.append((page, url, response.status_code))
        if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        queue.extend((url, href) for href in parser.hrefs)
    assert len(seen_paths) < MAX_PAGES, "the walk did not finish"
    return broken


@pytest.mark.parametrize("who", ["viewer", "editor", "admin", "parent_viewer"])
def test_no_page_shows_a_member_a_link_they_cannot_follow(client_for, team, users, who):
    kpi_of(team)
    import_job_of(team, users)
    channel_create(team=team, platform="demo", name="Demo channel", account_ref="demo")
    assert broken_links(client_for(who), reverse("teams:team-list")) == []


def test_the_team_home_names_the_parent_team_only_to_those_who_can_open_it(client_for, team):
    assert "Part of" not in client_for("viewer").get(team.get_absolute_url()).content.decode()
    page = client_for("parent_viewer").get(team.get_absolute_url()).content.decode()
    assert f'Part of <a href="{team.parent.get_absolute_url()}">Acme</a>' in page

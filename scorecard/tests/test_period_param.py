"""Every page and endpoint that reads `?period=`, found by walking the URL resolver, answers a year outside
1900-2200 (teams.time_bounds) exactly as it answers any bad period: the same status, the same kind of message,
never a 500."""

import pytest
from django.urls import reverse

from teams.tests.test_tenant_isolation import TEAM_PATTERNS
from teams.tests.test_tenant_isolation import url_for as team_url  # noqa: F401  (its fixture, named team_url here)
from teams.tests.url_walk import app_pages_without_arguments

pytestmark = pytest.mark.django_db

NOT_A_PERIOD = "is not a period"
BAD_PERIOD = "2027-13"  # a month that does not exist: the page's answer to a bad period
OUT_OF_RANGE = ["0001-01", "9999-12", "99999", "0001", "1899-W52", "2201-Q1", "0001-W01"]
# Pages known to read ?period=; the walk must find each of them (and any new one) by its answer.
KNOWN_READERS = {
    "scorecard:scorecard-detail",
    "scorecard:perspective-dashboard",
    "scorecard:portfolio",
    "scorecard:scorecard-export-xlsx",
    "scorecard:scorecard-export-csv",
    "scorecard:scorecard-report",
    "scorecard:api-scores",
}


PAGES = TEAM_PATTERNS + app_pages_without_arguments()


def answer(client, url: str, period: str) -> tuple[int, str]:
    response = client.get(url, {"period": period}, follow=True)
    assert response.status_code < 500, f"{url}?period={period} answered {response.status_code}"
    return response.status_code, response.content.decode(errors="replace")


@pytest.fixture
def admin_client(client_for):
    return client_for("admin")


def test_the_walk_finds_every_known_reader_of_the_period():
    assert {name for name, _args in PAGES} >= KNOWN_READERS


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_a_year_outside_the_accepted_range_is_answered_like_any_bad_period(request, admin_client, name, args):
    url = request.getfixturevalue("team_url")(name, args) if args else reverse(name)
    bad_status, bad_body = answer(admin_client, url, BAD_PERIOD)
    reads_period = NOT_A_PERIOD in bad_body
    if name in KNOWN_READERS:
        assert reads_period, f"{name} no longer says what is wrong with ?period={BAD_PERIOD}"
    for period in OUT_OF_RANGE:
        status, body = answer(admin_client, url, period)
        assert status == bad_status, f"{url}?period={period}"
        if reads_period:
            assert NOT_A_PERIOD in body, f"{url}?period={period} does not say the period is wrong"

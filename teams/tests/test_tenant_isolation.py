"""Every team-scoped URL, found from the URL resolver (not a hand list), keeps teams apart.

For each pattern with a `team_slug`: anonymous visitors are sent to the login page (web) or
refused (API); a member of another team gets 404 for reads and writes; a viewer who writes
gets 403 (or 405 where the method does not exist). A new URL is covered automatically; if it
takes an argument this file cannot fill yet, the test fails and names it: add a factory below.
"""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from metrics.channel_services import channel_create
from metrics.import_services import import_job_create
from metrics.models import Channel, DataPoint
from metrics.services import PointIn, datapoints_upsert
from scorecard.models import KPI
from scorecard.services import action_create, kpi_create, scorecard_create, target_create
from strategy.models import Objective, ObjectiveLink, StrategyMap, SuccessFactor
from teams.models import Membership, Team, TeamApiKey

pytestmark = pytest.mark.django_db

KwargFactory = Callable[[Team, dict[str, Any]], Any]


def strategy_map_of(team: Team) -> StrategyMap:
    """A small map of the team: two objectives, a success factor each, one link."""
    strategy_map = StrategyMap.objects.filter(team=team).first()
    if strategy_map is None:
        strategy_map = StrategyMap.objects.create(
            team=team, title="Map", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
        )
        cause, effect = (Objective.objects.create(strategy_map=strategy_map, title=t) for t in ("Cause", "Effect"))
        for objective in (cause, effect):
            SuccessFactor.objects.create(objective=objective, title=f"Factor of {objective.title}")
        ObjectiveLink.objects.create(cause=cause, effect=effect)
    return strategy_map


def kpi_of(team: Team) -> KPI:
    """A scorecard on the team's map with one KPI (manual metric, a point), a target and an action."""
    kpi = KPI.objects.filter(perspective__scorecard__team=team).first()
    if kpi is None:
        scorecard = scorecard_create(team=team, strategy_map=strategy_map_of(team), title="Card", frequency="month")
        perspective = scorecard.perspectives.first()
        kpi = kpi_create(perspective=perspective, name="Leads")
        target_create(kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=10, red_flag=5)
        action_create(perspective=perspective, title="Post more", kpi=kpi)
        datapoints_upsert(points=[PointIn(kpi.metric_id, datetime(2027, 1, 5, tzinfo=UTC), 7.0)], source="manual")
    return kpi


def import_job_of(team: Team, users: dict[str, Any]) -> int:
    data = f"metric,ts,value\n{kpi_of(team).metric.key},2027-01-06,3\n".encode()
    job = import_job_create(team=team, created_by=users["editor"], filename="points.csv", data=data)
    return job.pk


# One factory per URL argument: an object of `team` that the URL can address.
KWARG_FACTORIES: dict[str, KwargFactory] = {
    "membership_id": lambda team, users: Membership.objects.get(team=team, user=users["viewer"]).pk,
    "prefix": lambda team, users: TeamApiKey.objects.filter(team=team).first().prefix,
    "map_id": lambda team, users: strategy_map_of(team).pk,
    "objective_id": lambda team, users: Objective.objects.filter(strategy_map=strategy_map_of(team)).first().pk,
    "factor_id": lambda team, users: (
        SuccessFactor.objects.filter(objective__strategy_map=strategy_map_of(team)).first().pk
    ),
    "link_id": lambda team, users: ObjectiveLink.objects.filter(cause__strategy_map=strategy_map_of(team)).first().pk,
    "channel_id": lambda team, users: (
        (
            Channel.objects.filter(team=team).first()
            or channel_create(team=team, platform="demo", name="Demo channel", account_ref="demo")
        ).pk
    ),
    "key": lambda team, users: kpi_of(team).metric.key,
    "pk": lambda team, users: DataPoint.objects.filter(metric=kpi_of(team).metric).first().pk,
    # The OpenAPI schema calls a `pk` path argument `id`.
    "id": lambda team, users: DataPoint.objects.filter(metric=kpi_of(team).metric).first().pk,
    "job_id": import_job_of,
    # "Connect with …": a provider key, and a sign-in id (unknown here: access is checked before it is looked up).
    "provider": lambda team, users: "x",
    "flow_id": lambda team, users: "no-such-sign-in",
    "scorecard_id": lambda team, users: kpi_of(team).perspective.scorecard_id,
    "perspective_id": lambda team, users: kpi_of(team).perspective_id,
    "perspective_key": lambda team, users: kpi_of(team).perspective.key,
    "kpi_id": lambda team, users: kpi_of(team).pk,
    "target_id": lambda team, users: kpi_of(team).targets.first().pk,
    "action_id": lambda team, users: kpi_of(team).actions.first().pk,
}


def fill_api_path(path: str, team: Team, users: dict[str, Any]) -> str:
    """An OpenAPI path (`/api/v1/teams/{team_slug}/.../{kpi_id}/`) with the team's objects filled in."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "team_slug":
            return team.slug
        if name not in KWARG_FACTORIES:
            pytest.fail(f"{path} takes “{name}”: add a factory to KWARG_FACTORIES in test_tenant_isolation.py")
        return str(KWARG_FACTORIES[name](team, users))

    return re.sub(r"\{(\w+)\}", value, path)


def team_patterns() -> Iterator[tuple[str, tuple[str, ...]]]:
    """(URL name, argument names) of every named pattern that takes a team slug."""

    def walk(patterns: list, namespace: str | None) -> Iterator[tuple[str, tuple[str, ...]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = tuple(pattern.pattern.converters)
                if "team_slug" in converters:
                    yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), converters

    yield from sorted(set(walk(get_resolver().url_patterns, None)), key=lambda item: item[0])


TEAM_PATTERNS = list(team_patterns())


def is_api(url: str) -> bool:
    return url.startswith("/api/")


@pytest.fixture
def url_for(team, users, api_key_for):
    api_key_for(team, "read")

    def build(name: str, args: tuple[str, ...]) -> str:
        kwargs: dict[str, Any] = {"team_slug": team.slug}
        for arg in args:
            if arg == "team_slug":
                continue
            if arg not in KWARG_FACTORIES:
                pytest.fail(f"URL {name} takes “{arg}”: add a factory for it to KWARG_FACTORIES in {__file__}")
            kwargs[arg] = KWARG_FACTORIES[arg](team, users)
        return reverse(name, kwargs=kwargs)

    return build


def test_the_walk_finds_the_team_pages():
    names = {name for name, _ in TEAM_PATTERNS}
    assert {"teams:team-home", "teams:team-members", "teams:api-keys", "teams:api-team-detail"} <= names


@pytest.mark.parametrize(("name", "args"), TEAM_PATTERNS)
def test_anonymous_visitor_is_sent_to_login_or_refused(client, url_for, name, args):
    url = url_for(name, args)
    response = client.get(url)
    if is_api(url):
        assert response.status_code in (401, 403), url
    else:
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize(("name", "args"), TEAM_PATTERNS)
def test_member_of_another_team_gets_404_for_reads_and_writes(client_for, url_for, name, args):
    url = url_for(name, args)
    client = client_for("outsider")
    assert client.get(url).status_code in (404, 405), url
    assert client.post(url, {}).status_code in (404, 405), url
    if is_api(url):
        for method in (client.put, client.patch, client.delete):
            assert method(url, {}, content_type="application/json").status_code in (404, 405), url


@pytest.mark.parametrize(("name", "args"), TEAM_PATTERNS)
def test_viewer_who_writes_gets_403(client_for, url_for, name, args):
    url = url_for(name, args)
    client = client_for("viewer")
    assert client.post(url, {}).status_code in (403, 405), url
    if is_api(url):
        for method in (client.put, client.patch, client.delete):
            assert method(url, {}, content_type="application/json").status_code in (403, 405), url

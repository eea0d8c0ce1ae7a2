"""Domain rules of strategy maps, checked on the services every form and API call goes through."""

import datetime

import pytest

from strategy import services
from strategy.models import Objective, ObjectiveLink, StrategyMap
from teams.errors import ApplicationError

pytestmark = pytest.mark.django_db

D = datetime.date


def objectives_of(strategy_map):
    return list(strategy_map.objectives.all())


def test_a_second_active_map_for_an_overlapping_period_is_refused(team, make_map):
    make_map(team, status=StrategyMap.Status.ACTIVE, title="Current")
    with pytest.raises(ApplicationError) as refused:
        services.strategy_map_create(
            team=team, title="Also current", period_start=D(2026, 7, 1), period_end=D(2027, 6, 30), status="active"
        )
    assert "“Current” is already active" in refused.value.message
    assert refused.value.field == "status"
    assert StrategyMap.objects.filter(team=team).count() == 1


def test_active_maps_may_follow_each_other_and_drafts_may_overlap(team, make_map):
    make_map(team, status=StrategyMap.Status.ACTIVE)
    services.strategy_map_create(
        team=team, title="Next year", period_start=D(2027, 1, 1), period_end=D(2027, 12, 31), status="active"
    )
    services.strategy_map_create(team=team, title="Draft", period_start=D(2026, 3, 1), period_end=D(2026, 9, 30))
    assert StrategyMap.objects.filter(team=team).count() == 3


def test_another_teams_active_map_does_not_count(org, make_map):
    make_map(org["other"], status=StrategyMap.Status.ACTIVE)
    services.strategy_map_create(
        team=org["social"], title="Ours", period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), status="active"
    )


def test_activating_a_draft_that_overlaps_the_active_map_is_refused_until_that_one_is_archived(team, make_map):
    current = make_map(team, status=StrategyMap.Status.ACTIVE, title="Current")
    draft = make_map(team, title="Draft")
    with pytest.raises(ApplicationError):
        services.strategy_map_update(strategy_map=draft, status="active")
    assert StrategyMap.objects.get(pk=draft.pk).status == "draft"
    services.strategy_map_update(strategy_map=current, status="archived")
    services.strategy_map_update(strategy_map=draft, status="active")
    assert StrategyMap.objects.get(pk=current.pk).objectives.count() == 3  # archived stays whole


def test_a_period_that_ends_before_it_starts_is_refused(team):
    with pytest.raises(ApplicationError) as refused:
        services.strategy_map_create(team=team, title="x", period_start=D(2026, 2, 1), period_end=D(2026, 1, 1))
    assert refused.value.field == "period_end"


def test_a_link_from_an_objective_to_itself_is_refused(team, make_map):
    first = objectives_of(make_map(team))[0]
    with pytest.raises(ApplicationError, match="cannot be linked to itself"):
        services.objective_link_create(cause=first, effect=first)


def test_a_duplicate_link_is_refused(team, make_map):
    first, second, _ = objectives_of(make_map(team, links=[(0, 1)]))
    with pytest.raises(ApplicationError, match="“Objective 0” is already linked to “Objective 1”"):
        services.objective_link_create(cause=first, effect=second)
    assert ObjectiveLink.objects.count() == 1


def test_a_link_between_two_maps_is_refused(team, make_map):
    ours = objectives_of(make_map(team))[0]
    theirs = objectives_of(make_map(team, year=2027))[0]
    with pytest.raises(ApplicationError, match="same strategy map"):
        services.objective_link_create(cause=ours, effect=theirs)


def test_a_link_that_closes_a_cycle_is_refused_naming_the_objectives_on_it_in_order(team, make_map):
    o = objectives_of(make_map(team, objectives=4, links=[(0, 1), (1, 2), (2, 3)]))
    with pytest.raises(ApplicationError) as refused:
        services.objective_link_create(cause=o[3], effect=o[0])
    assert refused.value.message == (
        "This link would create a cycle: Objective 3 → Objective 0 → Objective 1 → Objective 2 → Objective 3."
    )
    assert ObjectiveLink.objects.count() == 3


def test_a_link_that_only_joins_two_branches_is_allowed(team, make_map):
    o = objectives_of(make_map(team, objectives=4, links=[(0, 1), (2, 1), (1, 3)]))
    services.objective_link_create(cause=o[0], effect=o[3])
    assert ObjectiveLink.objects.count() == 4


def test_copy_to_a_new_period_keeps_objectives_factors_and_links_as_a_draft(team, make_map):
    original = make_map(team, objectives=4, links=[(0, 1), (1, 2), (3, 2)], status=StrategyMap.Status.ACTIVE)
    copy = services.strategy_map_copy(
        strategy_map=original, period_start=D(2027, 1, 1), period_end=D(2027, 12, 31), title="Strategy 2027"
    )
    assert copy.status == "draft" and copy.mission == original.mission and copy.pk != original.pk

    def structure(strategy_map):
        return [
            (o.title, o.order, [(f.title, f.order) for f in o.success_factors.all()])
            for o in strategy_map.objectives.all()
        ]

    def links(strategy_map):
        return sorted(
            ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).values_list("cause__title", "effect__title")
        )

    assert structure(copy) == structure(original)
    assert links(copy) == links(original)
    assert not ObjectiveLink.objects.filter(cause__strategy_map=copy, effect__strategy_map=original).exists()
    assert Objective.objects.filter(strategy_map=original).count() == 4


def test_new_objectives_and_factors_go_to_the_end(team, make_map):
    strategy_map = make_map(team, objectives=2)
    objective = services.objective_create(strategy_map=strategy_map, title="Third")
    assert objective.order == 2
    factor = services.success_factor_create(objective=objective, title="First factor")
    assert factor.order == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [(datetime.date(1, 1, 1), datetime.date(2026, 12, 31)), (datetime.date(2026, 1, 1), datetime.date(9999, 12, 31))],
)
def test_a_map_period_outside_the_years_1900_to_2200_is_refused(team, start, end):
    with pytest.raises(ApplicationError, match="between the years 1900 and 2200"):
        services.strategy_map_create(team=team, title="Far away", period_start=start, period_end=end)
    assert not StrategyMap.objects.exists()

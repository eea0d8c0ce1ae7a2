"""The demo strategy maps: realistic, active, and the same after a second run."""

import pytest

from strategy import demo
from strategy.models import Objective, ObjectiveLink, StrategyMap, SuccessFactor
from teams.demo import DemoContext
from teams.demo import seed as seed_teams

pytestmark = pytest.mark.django_db


def seed_all() -> DemoContext:
    context = DemoContext()
    seed_teams(context, password="demo-password")
    demo.seed(context)
    return context


def counts():
    return tuple(model.objects.count() for model in (StrategyMap, Objective, SuccessFactor, ObjectiveLink))


def test_acme_social_media_gets_an_active_two_year_map_with_six_objectives_and_six_links():
    context = seed_all()
    strategy_map = StrategyMap.objects.get(team=context.teams["acme-social"], status=StrategyMap.Status.ACTIVE)
    assert (str(strategy_map.period_start), str(strategy_map.period_end)) == ("2026-01-01", "2027-12-31")
    assert "social media" in strategy_map.mission
    objectives = list(strategy_map.objectives.prefetch_related("success_factors"))
    assert len(objectives) == 6
    assert all(2 <= len(o.success_factors.all()) <= 3 for o in objectives)
    assert ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).count() == 6
    assert StrategyMap.objects.get(team=context.teams["bakery"]).objectives.count() == 3


def test_seeding_twice_leaves_the_same_rows():
    seed_all()
    first = counts()
    seed_all()
    assert counts() == first

import datetime

import pytest

from strategy.models import Objective, ObjectiveLink, StrategyMap, SuccessFactor


@pytest.fixture
def make_map():
    """A strategy map with `objectives` objectives (two success factors each) and the given links by index."""

    def make(team, *, objectives: int = 3, links=(), status=StrategyMap.Status.DRAFT, year: int = 2026, title=None):
        strategy_map = StrategyMap.objects.create(
            team=team,
            title=title or f"Strategy {year}",
            mission="We help customers where they are.",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            status=status,
        )
        made = []
        for i in range(objectives):
            objective = Objective.objects.create(strategy_map=strategy_map, title=f"Objective {i}", order=i)
            for j in range(2):
                SuccessFactor.objects.create(objective=objective, title=f"Factor {i}.{j}", order=j)
            made.append(objective)
        for cause, effect in links:
            ObjectiveLink.objects.create(cause=made[cause], effect=made[effect])
        return strategy_map

    return make

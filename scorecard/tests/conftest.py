"""Scorecard fixtures: a strategy map, a scorecard with its four perspectives, metrics with points."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from metrics.models import Metric, Source
from metrics.services import PointIn, datapoints_upsert
from scorecard import services
from strategy.models import Objective, StrategyMap, SuccessFactor

AMS = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(date(year, month, day), time(hour, minute), tzinfo=AMS)


@pytest.fixture
def strategy_map(team):
    return StrategyMap.objects.create(
        team=team, title="Social 2027", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), status="active"
    )


@pytest.fixture
def success_factor(strategy_map):
    objective = Objective.objects.create(strategy_map=strategy_map, title="Be known")
    return SuccessFactor.objects.create(objective=objective, title="Visible every week")


@pytest.fixture
def scorecard(team, strategy_map):
    return services.scorecard_create(team=team, strategy_map=strategy_map, title="Scorecard 2027", frequency="month")


@pytest.fixture
def perspective(scorecard):
    return scorecard.perspectives.get(key="customer")


@pytest.fixture
def make_metric(team):
    def make(key: str, **extra):
        return Metric.objects.create(team=team, key=key, name=key.title(), source=Source.IMPORT, **extra)

    return make


@pytest.fixture
def put_points():
    def put(metric, points):
        datapoints_upsert(
            points=[PointIn(metric_id=metric.pk, ts=ts, value=value) for ts, value in points], source=Source.IMPORT
        )

    return put

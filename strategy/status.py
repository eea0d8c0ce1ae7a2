"""What the strategy map needs from the scorecard app, behind two settings (strategy may not import it).

* `STRATEGY_MAP_STATUSES`: a function `(*, strategy_map, period: str) -> MapStatuses` giving each
  objective's and each success factor's status in the period asked for (`?period=`, "" for the default).
* `STRATEGY_OBJECTIVE_SERIES`: a function `(*, strategy_map, months: int) -> {objective id: {month: score}}`
  giving each objective's monthly score over the last `months` complete months, for the evidence of the links.

Without a provider the map shows every objective grey and every link without evidence.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string

from .models import StrategyMap


@dataclass(frozen=True)
class MapStatuses:
    objectives: Mapping[int, str] = field(default_factory=dict)  # objective id -> green / amber / red / grey
    factors: Mapping[int, Sequence[str]] = field(default_factory=dict)  # success factor id -> its KPIs' statuses
    period: str = ""  # the period shown ("2027-03"), "" when there is no scorecard to score
    choices: Sequence[tuple[str, str]] = ()  # (value, label) for the period picker, newest first
    error: str = ""  # why the period asked for was not used
    source: str = ""  # the scorecard the statuses come from


def map_statuses(*, strategy_map: StrategyMap, period: str = "") -> MapStatuses:
    provider = getattr(settings, "STRATEGY_MAP_STATUSES", "")
    return import_string(provider)(strategy_map=strategy_map, period=period) if provider else MapStatuses()


def objective_monthly_series(*, strategy_map: StrategyMap, months: int) -> dict[int, dict[date, float | None]]:
    provider = getattr(settings, "STRATEGY_OBJECTIVE_SERIES", "")
    return import_string(provider)(strategy_map=strategy_map, months=months) if provider else {}

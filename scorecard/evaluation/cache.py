"""Results of closed periods, cached per (scorecard, period), so a trend of many periods costs one period's work.

A period is *closed* once it has ended more than `SCORECARD_LATE_DATA_DAYS` (default 7) days ago in the team's time
zone: data may still arrive late until then. A closed period's result does not depend on today, only on the
points, the targets and the KPI definitions, so it is kept under a key that names a version of each:
* the team's data version, bumped (after commit) by every write or delete of data points (`metrics.aggregates`);
* the scorecard's structure version, bumped by every save or delete of the scorecard, its perspectives, KPIs and
  targets (signals below);
* `RULES_VERSION`, raised by hand when a scoring rule changes.
A missing version (a cold or evicted cache) starts at a new random value, so an old entry is never read again.
A running or recent period is cached too, for the team's current date only (its pace moves by the day), when
no forecast is asked for (forecasts move by the minute: dashboards, the API and exports always compute afresh).
Only the compact numbers are stored; the KPI objects are the caller's live ones; staleness is recomputed.
"""

import secrets
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from metrics.aggregates import data_version_key

from ..models import KPI, Perspective, Scorecard, Target
from ..periods import Period
from ..scoring import is_stale
from .results import KpiResult, PerspectiveResult, ScorecardResult
from .targets import Bar

RULES_VERSION = 1
TIMEOUT = 7 * 24 * 3600


def late_data_days() -> int:
    return int(getattr(settings, "SCORECARD_LATE_DATA_DAYS", 7))


def _versions(keys: list[str]) -> dict[str, str]:
    found = cache.get_many(keys)
    missing = {key: secrets.token_hex(4) for key in keys if key not in found}
    if missing:
        cache.set_many(missing, TIMEOUT)
        found.update(missing)
    return found


def structure_version_key(scorecard_id: int) -> str:
    return f"sc-structure-v:{scorecard_id}"


def _bump_structure(scorecard_id: int | None) -> None:
    if scorecard_id is not None:
        key = structure_version_key(scorecard_id)
        transaction.on_commit(lambda: cache.delete(key))


def result_keys(scorecards_periods: list[tuple[Scorecard, Period, str]]) -> dict[tuple[int, Period], str]:
    """The cache key of each (scorecard, period, variant): two cache round trips for the versions. The variant
    names what else the result depends on: nothing for a closed period, the team's date (and whether progress
    is in it) for a running or recent one."""
    version_keys = {data_version_key(s.team_id) for s, _p, _v in scorecards_periods}
    version_keys |= {structure_version_key(s.pk) for s, _p, _v in scorecards_periods}
    versions = _versions(sorted(version_keys))
    return {
        (s.pk, p): f"sc-result:{RULES_VERSION}:{s.pk}:{p.kind}:{p.start}:{variant}:"
        f"{versions[data_version_key(s.team_id)]}:{versions[structure_version_key(s.pk)]}"
        for s, p, variant in scorecards_periods
    }


def shape(perspectives: list[tuple[Perspective, list[KPI]]]) -> tuple:
    """The perspective and KPI ids in order: a cached result fits only the structure it was made for."""
    return tuple((perspective.id, tuple(kpi.id for kpi in kpis)) for perspective, kpis in perspectives)


def pack(result: ScorecardResult) -> dict[str, Any]:
    return {
        "shape": tuple((p.perspective.id, tuple(i.kpi.id for i in p.kpis)) for p in result.perspectives),
        "score": result.score,
        "status": result.status,
        "perspectives": [
            (p.perspective.pk, p.score, p.status,
             [(i.kpi.pk, i.period.kind, i.period.start, i.period.end, i.actual, i.bar.goal, i.bar.red_flag,
               i.bar.goal_high, i.bar.red_flag_high, i.score, i.status, i.period_goal, i.progress, i.newest,
               i.in_progress) for i in p.kpis], p.in_progress)
            for p in result.perspectives
        ],
        "in_progress": result.in_progress,
    }  # fmt: skip


def unpack(
    packed: dict[str, Any],
    scorecard: Scorecard,
    period: Period,
    perspectives: list[tuple[Perspective, list[KPI]]],
    *,
    now: datetime,
    details: bool,
    board_shape: tuple,
) -> ScorecardResult | None:
    """The cached result with the caller's live objects; None when the structure no longer matches. Staleness is
    worked out again from the cached newest point: it depends on the moment, not only on the data."""
    stored = packed["perspectives"]
    if packed.get("shape") != board_shape:
        return None
    result = ScorecardResult(scorecard, period, packed["score"], packed["status"], in_progress=packed["in_progress"])
    for (perspective, kpis), (_pk, score, status, items, running) in zip(perspectives, stored, strict=True):
        kpi_results = [_kpi_result(kpi, item, now=now, details=details) for kpi, item in zip(kpis, items, strict=True)]
        result.perspectives.append(PerspectiveResult(perspective, score, status, kpi_results, running))
    return result


@lru_cache(maxsize=4096)
def _period(kind: str, start: date, end: date) -> Period:
    return Period(kind, start, end)


def _kpi_result(kpi: KPI, item: tuple, *, now: datetime, details: bool) -> KpiResult:
    (_pk, kind, start, end, actual, goal, red_flag, goal_high, high_flag, score, status, period_goal, progress,
     newest, in_progress) = item  # fmt: skip
    return KpiResult(
        kpi=kpi,
        period=_period(kind, start, end),
        actual=actual,
        bar=Bar(goal, red_flag, goal_high, high_flag),
        score=score,
        status=status,
        progress=progress,
        forecast=None,
        forecast_status="grey",
        stale=details and is_stale(newest, frequency=kpi.frequency, now=now),
        newest=newest,
        metric=kpi.metric if kpi.metric_id else None,
        in_progress=in_progress,
        period_goal=period_goal,
    )


def _on_structure_change(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Scorecard):
        _bump_structure(instance.pk)
    elif isinstance(instance, Perspective):
        _bump_structure(instance.scorecard_id)
    elif isinstance(instance, KPI):
        _bump_structure(
            Perspective.objects.filter(pk=instance.perspective_id).values_list("scorecard_id", flat=True).first()
        )
    elif isinstance(instance, Target):
        _bump_structure(
            KPI.objects.filter(pk=instance.kpi_id).values_list("perspective__scorecard_id", flat=True).first()
        )


def connect() -> None:
    for model in (Scorecard, Perspective, KPI, Target):
        post_save.connect(_on_structure_change, sender=model, dispatch_uid=f"eval-cache-save-{model.__name__}")
        post_delete.connect(_on_structure_change, sender=model, dispatch_uid=f"eval-cache-delete-{model.__name__}")

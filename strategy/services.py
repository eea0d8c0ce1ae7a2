"""Writes for strategy maps: every domain rule of DESIGN.md section 3 (strategy) lives here."""

import datetime
from collections import deque

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from teams.errors import ApplicationError
from teams.models import Team
from teams.time_bounds import MAX_YEAR, MIN_YEAR, date_in_range

from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor
from .perspectives import PERSPECTIVE_KEYS

MAP_FIELDS = ("title", "mission", "vision", "period_start", "period_end", "status")
UNCHANGED = "unchanged"  # objective_update's perspective default: None there means "not placed"


def same_map_message() -> str:
    return _("Both objectives must belong to the same strategy map.")


def _check_period(period_start: datetime.date, period_end: datetime.date) -> None:
    for field, day in (("period_start", period_start), ("period_end", period_end)):
        if not date_in_range(day):
            raise ApplicationError(
                _("Choose a date between the years %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                field=field,
            )
    if period_end < period_start:
        raise ApplicationError(_("The period must end on or after its start."), field="period_end")


def _check_one_active_map(
    *, team: Team, period_start: datetime.date, period_end: datetime.date, exclude_pk: int | None
) -> None:
    """One active map per team per period: two active maps whose periods overlap are refused.

    The team row is locked first so two requests cannot both activate overlapping maps.
    """
    Team.objects.select_for_update().filter(pk=team.pk).first()
    overlapping = StrategyMap.objects.filter(
        team=team, status=StrategyMap.Status.ACTIVE, period_start__lte=period_end, period_end__gte=period_start
    )
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.first()
    if clash is not None:
        raise ApplicationError(
            _(
                "“%(title)s” is already active for an overlapping period (%(start)s – %(end)s). "
                "Archive it or choose another period first."
            )
            % {"title": clash.title, "start": clash.period_start, "end": clash.period_end},
            field="status",
        )


@transaction.atomic
def strategy_map_create(
    *,
    team: Team,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    mission: str = "",
    vision: str = "",
    status: str = StrategyMap.Status.DRAFT,
) -> StrategyMap:
    _check_period(period_start, period_end)
    if status == StrategyMap.Status.ACTIVE:
        _check_one_active_map(team=team, period_start=period_start, period_end=period_end, exclude_pk=None)
    return StrategyMap.objects.create(
        team=team,
        title=title,
        mission=mission,
        vision=vision,
        period_start=period_start,
        period_end=period_end,
        status=status,
    )


@transaction.atomic
def strategy_map_update(*, strategy_map: StrategyMap, **changes: object) -> StrategyMap:
    """Change any of title, mission, vision, period and status (unknown names are refused)."""
    unknown = set(changes) - set(MAP_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changes = {name: value for name, value in changes.items() if getattr(strategy_map, name) != value}
    if not changes:
        return strategy_map  # nothing changed: nothing saved (updated_at and the audit trail stay)
    for name, value in changes.items():
        setattr(strategy_map, name, value)
    _check_period(strategy_map.period_start, strategy_map.period_end)
    if strategy_map.status == StrategyMap.Status.ACTIVE:
        _check_one_active_map(
            team=strategy_map.team,
            period_start=strategy_map.period_start,
            period_end=strategy_map.period_end,
            exclude_pk=strategy_map.pk,
        )
    strategy_map.save()
    return strategy_map


@transaction.atomic
def strategy_map_delete(*, strategy_map: StrategyMap) -> None:
    try:
        strategy_map.delete()
    except ProtectedError as error:
        raise ApplicationError(
            _("A scorecard is built on this strategy map, so it cannot be deleted. Archive it instead.")
        ) from error


@transaction.atomic
def strategy_map_copy(
    *, strategy_map: StrategyMap, period_start: datetime.date, period_end: datetime.date, title: str
) -> StrategyMap:
    """A draft copy of the map for another period, with its objectives, success factors and links."""
    _check_period(period_start, period_end)
    copy = StrategyMap.objects.create(
        team=strategy_map.team,
        title=title,
        mission=strategy_map.mission,
        vision=strategy_map.vision,
        period_start=period_start,
        period_end=period_end,
        status=StrategyMap.Status.DRAFT,
    )
    # One save per object rather than bulk_create: the audit trail hears of each copied objective, factor and link.
    new_id: dict[int, int] = {}
    for old in strategy_map.objectives.prefetch_related("success_factors"):
        objective = Objective.objects.create(
            strategy_map=copy,
            title=old.title,
            description=old.description,
            order=old.order,
            perspective=old.perspective,
        )
        new_id[old.pk] = objective.pk
        for factor in old.success_factors.all():
            SuccessFactor.objects.create(
                objective=objective, title=factor.title, description=factor.description, order=factor.order
            )
    links = ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).values_list("cause_id", "effect_id")
    for cause_id, effect_id in links:
        ObjectiveLink.objects.create(cause_id=new_id[cause_id], effect_id=new_id[effect_id])
    return copy


def _next_order(values: dict[str, int | None]) -> int:
    highest = values.get("highest")
    return 0 if highest is None else highest + 1


def _check_perspective(perspective: str | None) -> None:
    if perspective is not None and perspective not in PERSPECTIVE_KEYS:
        raise ApplicationError(
            _("“%(value)s” is not a perspective; choose one of %(keys)s, or none.")
            % {"value": perspective, "keys": ", ".join(PERSPECTIVE_KEYS)},
            field="perspective",
        )


@transaction.atomic
def objective_create(
    *,
    strategy_map: StrategyMap,
    title: str,
    description: str = "",
    order: int | None = None,
    perspective: str | None = None,
) -> Objective:
    """A new objective; `perspective` is one of the four keys, or None for "not placed"."""
    _check_perspective(perspective)
    if order is None:
        order = _next_order(strategy_map.objectives.aggregate(highest=Max("order")))
    return Objective.objects.create(
        strategy_map=strategy_map, title=title, description=description, order=order, perspective=perspective
    )


@transaction.atomic
def objective_update(
    *,
    objective: Objective,
    title: str | None = None,
    description: str | None = None,
    order: int | None = None,
    perspective: str | None = UNCHANGED,
) -> Objective:
    """Change the given fields; `perspective=None` takes the objective out of its perspective."""
    if title is not None:
        objective.title = title
    if description is not None:
        objective.description = description
    if order is not None:
        objective.order = order
    if perspective != UNCHANGED:
        _check_perspective(perspective)
        objective.perspective = perspective
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, objective: Objective) -> None:
    """Deleting an objective also deletes its success factors and links (KPIs keep existing, unlinked)."""
    objective.delete()


@transaction.atomic
def success_factor_create(
    *, objective: Objective, title: str, description: str = "", order: int | None = None
) -> SuccessFactor:
    if order is None:
        order = _next_order(objective.success_factors.aggregate(highest=Max("order")))
    return SuccessFactor.objects.create(objective=objective, title=title, description=description, order=order)


@transaction.atomic
def success_factor_update(
    *,
    success_factor: SuccessFactor,
    title: str | None = None,
    description: str | None = None,
    order: int | None = None,
) -> SuccessFactor:
    if title is not None:
        success_factor.title = title
    if description is not None:
        success_factor.description = description
    if order is not None:
        success_factor.order = order
    success_factor.save()
    return success_factor


@transaction.atomic
def success_factor_delete(*, success_factor: SuccessFactor) -> None:
    success_factor.delete()


def _path_between(start_id: int, goal_id: int, links: list[tuple[int, int]]) -> list[int] | None:
    """The shortest chain of cause -> effect links from start to goal, as objective ids."""
    effects: dict[int, list[int]] = {}
    for cause_id, effect_id in links:
        effects.setdefault(cause_id, []).append(effect_id)
    previous: dict[int, int | None] = {start_id: None}
    queue = deque([start_id])
    while queue:
        current = queue.popleft()
        if current == goal_id:
            path = [current]
            while (step := previous[path[-1]]) is not None:
                path.append(step)
            return path[::-1]
        for nxt in effects.get(current, []):
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    return None


@transaction.atomic
def objective_link_create(*, cause: Objective, effect: Objective) -> ObjectiveLink:
    """Reaching `cause` helps reach `effect`: same map, no self links, no duplicates, no cycles."""
    if cause.strategy_map_id != effect.strategy_map_id:
        raise ApplicationError(same_map_message())
    if cause.pk == effect.pk:
        raise ApplicationError(_("An objective cannot be linked to itself (“%(title)s”).") % {"title": cause.title})
    # Lock the map so two simultaneous links cannot close a cycle together.
    StrategyMap.objects.select_for_update().filter(pk=cause.strategy_map_id).first()
    links = list(
        ObjectiveLink.objects.filter(cause__strategy_map_id=cause.strategy_map_id).values_list("cause", "effect")
    )
    if (cause.pk, effect.pk) in links:
        raise ApplicationError(
            _("“%(cause)s” is already linked to “%(effect)s”.") % {"cause": cause.title, "effect": effect.title}
        )
    path_back = _path_between(effect.pk, cause.pk, links)
    if path_back is not None:
        titles = dict(Objective.objects.filter(pk__in=path_back).values_list("pk", "title"))
        cycle = " → ".join(titles[pk] for pk in [cause.pk, *path_back])
        raise ApplicationError(_("This link would create a cycle: %(cycle)s.") % {"cycle": cycle})
    return ObjectiveLink.objects.create(cause=cause, effect=effect)


@transaction.atomic
def objective_link_delete(*, link: ObjectiveLink) -> None:
    link.delete()

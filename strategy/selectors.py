"""Reads for strategy maps, with a query count that does not grow with the size of the map."""

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils.module_loading import import_string

from teams.models import Team

from .diagram import FactorBox, ObjectiveBox, build_figure
from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor


def strategy_maps_of_team(*, team: Team) -> QuerySet[StrategyMap]:
    return (
        StrategyMap.objects.filter(team=team)
        .select_related("team")
        .annotate(objective_count=Count("objectives", distinct=True))
    )


def objectives_of_team(*, team: Team) -> QuerySet[Objective]:
    return Objective.objects.filter(strategy_map__team=team)


def links_of_map(*, strategy_map: StrategyMap) -> QuerySet[ObjectiveLink]:
    return (
        ObjectiveLink.objects.filter(cause__strategy_map=strategy_map)
        .select_related("cause", "effect")
        .order_by("effect__order", "effect_id", "cause__order", "cause_id")
    )


def strategy_map_full_queryset(*, team: Team) -> QuerySet[StrategyMap]:
    """Maps with their objectives, success factors (with `kpi_count`, the KPIs measuring each) and links."""
    factors = SuccessFactor.objects.annotate(kpi_count=Count("kpis"))
    objectives = Objective.objects.prefetch_related(Prefetch("success_factors", queryset=factors))
    links = ObjectiveLink.objects.select_related("cause", "effect").order_by("effect__order", "cause__order", "pk")
    return (
        StrategyMap.objects.filter(team=team)
        .select_related("team")
        .prefetch_related(
            Prefetch("objectives", queryset=objectives),
            Prefetch("objectives__effect_links", queryset=links, to_attr="links_out"),
        )
    )


def map_links(strategy_map: StrategyMap) -> list[ObjectiveLink]:
    """The links of a map fetched with strategy_map_full_queryset (no extra queries)."""
    return [link for objective in strategy_map.objectives.all() for link in getattr(objective, "links_out", [])]


def factor_statuses_of(strategy_map: StrategyMap) -> Mapping[int, Sequence[str]]:
    """The colours of the KPIs measuring each success factor, from the provider named in the
    STRATEGY_FACTOR_STATUSES setting (the scorecard app); none when it is not set."""
    provider = getattr(settings, "STRATEGY_FACTOR_STATUSES", "")
    return import_string(provider)(strategy_map=strategy_map) if provider else {}


def strategy_map_figure(
    strategy_map: StrategyMap, *, factor_statuses: Mapping[int, Sequence[str]] | None = None
) -> go.Figure:
    """The diagram of a map fetched with strategy_map_full_queryset."""
    objectives = [
        ObjectiveBox(
            id=o.pk,
            title=o.title,
            description=o.description,
            factors=tuple(
                FactorBox(id=f.pk, title=f.title, kpi_count=getattr(f, "kpi_count", 0)) for f in o.success_factors.all()
            ),
        )
        for o in strategy_map.objectives.all()
    ]
    links = [(link.cause_id, link.effect_id) for link in map_links(strategy_map)]
    return build_figure(
        mission=strategy_map.mission, objectives=objectives, links=links, factor_statuses=factor_statuses
    )

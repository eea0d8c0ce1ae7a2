"""Reads for strategy maps, with a query count that does not grow with the size of the map."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from teams.models import Team

from .diagram import PERSPECTIVE_TEXTS, UNPLACED, UNPLACED_TEXTS, FactorBox, MapLayout, ObjectiveBox, layout_map
from .evidence import Evidence, link_evidence
from .models import Objective, ObjectiveLink, StrategyMap, SuccessFactor
from .perspectives import MAP_ORDER
from .status import MapStatuses, objective_monthly_series

EVIDENCE_MONTHS = 36  # the links are judged on the objectives' scores of the last three years


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


def map_evidence(strategy_map: StrategyMap) -> dict[tuple[int, int], Evidence]:
    """The evidence for every link of a map fetched with strategy_map_full_queryset (one series read)."""
    links = map_links(strategy_map)
    if not links:
        return {}
    series = objective_monthly_series(strategy_map=strategy_map, months=EVIDENCE_MONTHS)
    return {
        (link.cause_id, link.effect_id): link_evidence(series.get(link.cause_id, {}), series.get(link.effect_id, {}))
        for link in links
    }


def strategy_map_layout(
    strategy_map: StrategyMap, *, statuses: MapStatuses, evidence: Mapping[tuple[int, int], Evidence]
) -> MapLayout:
    """The drawn map of a map fetched with strategy_map_full_queryset."""
    objectives = [
        ObjectiveBox(
            id=o.pk,
            title=o.title,
            perspective=o.perspective,
            description=o.description,
            status=statuses.objectives.get(o.pk, "grey"),
            factors=tuple(
                FactorBox(
                    id=f.pk,
                    title=f.title,
                    kpi_count=getattr(f, "kpi_count", 0),
                    statuses=tuple(statuses.factors.get(f.pk, ())),
                )
                for f in o.success_factors.all()
            ),
        )
        for o in strategy_map.objectives.all()
    ]
    links = [(link.cause_id, link.effect_id) for link in map_links(strategy_map)]
    return layout_map(
        mission=strategy_map.mission,
        objectives=objectives,
        links=links,
        evidence={key: found.label for key, found in evidence.items()},
    )


@dataclass(frozen=True)
class BandOfObjectives:
    key: str
    name: str
    question: str
    objectives: list[tuple[Objective, str]]  # with each objective's status


def objectives_by_band(strategy_map: StrategyMap, *, statuses: MapStatuses) -> list[BandOfObjectives]:
    """The map as text, band by band as drawn (the band "not placed" only when needed)."""
    bands = {
        key: BandOfObjectives(key, _(name), _(question), []) for key, (name, question) in PERSPECTIVE_TEXTS.items()
    }
    unplaced = BandOfObjectives(UNPLACED, _(UNPLACED_TEXTS[0]), _(UNPLACED_TEXTS[1]), [])
    for objective in strategy_map.objectives.all():
        band = bands.get(objective.perspective or "", unplaced)
        band.objectives.append((objective, statuses.objectives.get(objective.pk, "grey")))
    return [bands[key] for key in MAP_ORDER] + ([unplaced] if unplaced.objectives else [])

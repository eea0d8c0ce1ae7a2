"""The strategy map drawn as a plotly figure: the mission on top, objectives as boxes below it.

A pure function of plain data (no database): objectives are laid out in layers by link depth,
so every cause sits below its effects and the cause-effect arrows point upwards, towards the
mission. Boxes are shapes, texts and arrows are annotations; coordinates are pixels, and the
figure has a fixed size so texts never overlap (the page scrolls sideways on narrow screens).
"""

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecard_site.charts import plotly_text

BOX_WIDTH = 230
GAP_X = 40
GAP_Y = 70
MARGIN = 20
PADDING = 10
TITLE_LINE = 18
FACTOR_LINE = 16
TITLE_CHARS = 28
FACTOR_CHARS = 32
MISSION_LINE = 18

PRIMARY = "#0d6efd"
STATUS_STYLE = {
    # status: (colour, symbol) - never colour alone
    "green": ("#198754", "✔"),
    "amber": ("#cc8a00", "▲"),
    "red": ("#dc3545", "✖"),
    "grey": ("#6c757d", "○"),
}


@dataclass(frozen=True)
class FactorBox:
    id: int
    title: str
    kpi_count: int = 0


@dataclass(frozen=True)
class ObjectiveBox:
    id: int
    title: str
    factors: Sequence[FactorBox] = field(default_factory=tuple)
    description: str = ""


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    def overlaps(self, other: "Rect") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


def link_depths(objective_ids: Sequence[int], links: Sequence[tuple[int, int]]) -> dict[int, int]:
    """0 for objectives that cause nothing (nearest the mission), else 1 + the deepest of their effects."""
    effects: dict[int, list[int]] = {pk: [] for pk in objective_ids}
    for cause, effect in links:
        if cause in effects and effect in effects:
            effects[cause].append(effect)
    depth: dict[int, int] = {}
    visiting: set[int] = set()

    def visit(pk: int) -> int:
        if pk in depth:
            return depth[pk]
        if pk in visiting:  # a cycle cannot be saved, but never loop forever on bad data
            return 0
        visiting.add(pk)
        depth[pk] = 1 + max((visit(e) for e in effects[pk]), default=-1)
        visiting.discard(pk)
        return depth[pk]

    for pk in objective_ids:
        visit(pk)
    return depth


def _title_lines(objective: ObjectiveBox) -> list[str]:
    return textwrap.wrap(objective.title, TITLE_CHARS) or [""]


def _factor_lines(factor: FactorBox) -> list[str]:
    return textwrap.wrap(factor.title, FACTOR_CHARS - 2) or [""]


def _box_height(objective: ObjectiveBox) -> float:
    factor_lines = sum(len(_factor_lines(f)) + 1 for f in objective.factors)  # + 1 for the KPI line
    return 2 * PADDING + len(_title_lines(objective)) * TITLE_LINE + factor_lines * FACTOR_LINE


def _mission_lines(mission: str, width: float) -> list[str]:
    return textwrap.wrap(mission, max(20, int(width / 7.5))) or [_("No mission yet.")]


def layout_boxes(
    objectives: Sequence[ObjectiveBox], links: Sequence[tuple[int, int]], *, mission: str = ""
) -> tuple[Rect, dict[int, Rect], float, float]:
    """The mission box, one box per objective, and the figure's width and height (pixels, y up)."""
    depths = link_depths([o.id for o in objectives], links)
    layers: list[list[ObjectiveBox]] = [[] for _ in range(max(depths.values(), default=0) + 1)]
    for objective in objectives:
        layers[depths[objective.id]].append(objective)
    columns = max((len(layer) for layer in layers), default=1) or 1
    width = 2 * MARGIN + columns * BOX_WIDTH + (columns - 1) * GAP_X
    mission_height = 2 * PADDING + len(_mission_lines(mission, width - 2 * MARGIN)) * MISSION_LINE + TITLE_LINE

    # Lay out top-down (y grows downwards here), then flip.
    order = {o.id: i for i, o in enumerate(objectives)}
    effects_of: dict[int, list[int]] = {}
    for cause, effect in links:
        effects_of.setdefault(cause, []).append(effect)
    down: dict[int, tuple[float, float, float, float]] = {}
    top: float = MARGIN + mission_height + GAP_Y
    for layer in layers:
        if not layer:
            continue

        # Put each objective under the effects it feeds, to keep arrows short and few crossings.
        def barycentre(o: ObjectiveBox) -> tuple[float, int]:
            xs = [(down[e][0] + down[e][2]) / 2 for e in effects_of.get(o.id, []) if e in down]
            return (sum(xs) / len(xs) if xs else float("inf"), order[o.id])

        layer.sort(key=barycentre)
        layer_width = len(layer) * BOX_WIDTH + (len(layer) - 1) * GAP_X
        left = (width - layer_width) / 2
        height = max(_box_height(o) for o in layer)
        for i, objective in enumerate(layer):
            x0 = left + i * (BOX_WIDTH + GAP_X)
            down[objective.id] = (x0, top, x0 + BOX_WIDTH, top + _box_height(objective))
        top += height + GAP_Y
    total_height = top - GAP_Y + MARGIN if objectives else MARGIN * 2 + mission_height

    def flip(x0: float, y0: float, x1: float, y1: float) -> Rect:
        return Rect(x0, total_height - y1, x1, total_height - y0)

    mission_rect = flip(MARGIN, MARGIN, width - MARGIN, MARGIN + mission_height)
    boxes = {pk: flip(*coords) for pk, coords in down.items()}
    return mission_rect, boxes, width, total_height


def _factor_text(factor: FactorBox, statuses: Sequence[str]) -> str:
    lines = _factor_lines(factor)
    text = "• " + "<br>  ".join(plotly_text(line) for line in lines)
    kpis = ngettext("%(count)d KPI", "%(count)d KPIs", factor.kpi_count) % {"count": factor.kpi_count}
    marks = " ".join(
        f"<span style='color:{STATUS_STYLE[s][0]}'>{STATUS_STYLE[s][1]}</span>" for s in statuses if s in STATUS_STYLE
    )
    return f"{text}<br>  <span style='color:#6c757d'>{kpis}</span> {marks}".rstrip()


def build_figure(
    *,
    mission: str,
    objectives: Sequence[ObjectiveBox],
    links: Sequence[tuple[int, int]],
    factor_statuses: Mapping[int, Sequence[str]] | None = None,
) -> go.Figure:
    """The strategy map figure. `factor_statuses` maps a success factor id to its KPIs' colours
    ("green", "amber", "red", "grey"), shown as coloured symbols beside the KPI count."""
    factor_statuses = factor_statuses or {}
    mission_rect, boxes, width, height = layout_boxes(objectives, links, mission=mission)
    shapes: list[dict] = [
        {
            "type": "rect",
            "name": "mission",
            **_coords(mission_rect),
            "line": {"color": PRIMARY, "width": 2},
            "fillcolor": "#e7f1ff",
            "layer": "below",
        }
    ]
    mission_text = "<br>".join(plotly_text(line) for line in _mission_lines(mission, mission_rect.x1 - mission_rect.x0))
    annotations: list[dict] = [
        _text(
            "mission-text",
            mission_rect.centre_x,
            mission_rect.y1 - PADDING,
            f"<b>{plotly_text(_('Social media mission'))}</b><br>{mission_text}",
            anchor="center",
        )
    ]
    for objective in objectives:
        rect = boxes[objective.id]
        shapes.append(
            {
                "type": "rect",
                "name": f"objective-{objective.id}",
                **_coords(rect),
                "line": {"color": PRIMARY, "width": 1.5},
                "fillcolor": "white",
                "layer": "below",
            }
        )
        parts = ["<b>" + "<br>".join(plotly_text(line) for line in _title_lines(objective)) + "</b>"]
        parts += [_factor_text(f, factor_statuses.get(f.id, ())) for f in objective.factors]
        annotations.append(
            _text(f"objective-text-{objective.id}", rect.x0 + PADDING, rect.y1 - PADDING, "<br>".join(parts))
        )
    annotations += _arrows(links, boxes)
    fig = go.Figure()
    described = [o for o in objectives if o.description]
    if described:
        # Invisible markers in the boxes show an objective's description on hover.
        fig.add_trace(
            go.Scatter(
                x=[boxes[o.id].centre_x for o in described],
                y=[(boxes[o.id].y0 + boxes[o.id].y1) / 2 for o in described],
                mode="markers",
                marker={"size": 40, "opacity": 0},
                hovertext=[
                    "<br>".join(plotly_text(line) for line in textwrap.wrap(o.description, 50)) for o in described
                ],
                hoverinfo="text",
                name="",
            )
        )
    axis = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    fig.update_layout(
        width=width,
        height=height,
        autosize=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={**axis, "range": [0, width]},
        yaxis={**axis, "range": [0, height]},
        plot_bgcolor="white",
        paper_bgcolor="white",
        shapes=shapes,
        annotations=annotations,
        showlegend=False,
    )
    return fig


def _coords(rect: Rect) -> dict[str, float | str]:
    return {"xref": "x", "yref": "y", "x0": rect.x0, "y0": rect.y0, "x1": rect.x1, "y1": rect.y1}


def _text(name: str, x: float, y: float, text: str, *, anchor: str = "left") -> dict:
    return {
        "name": name,
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "xanchor": anchor,
        "yanchor": "top",
        "align": anchor,
        "font": {"size": 12, "color": "#212529"},
    }


def _arrows(links: Sequence[tuple[int, int]], boxes: Mapping[int, Rect]) -> list[dict]:
    """One arrow per link from the top of the cause to the bottom of the effect, spread along the edges."""
    drawn = [(c, e) for c, e in links if c in boxes and e in boxes]
    leaving: dict[int, list[tuple[int, int]]] = {}
    arriving: dict[int, list[tuple[int, int]]] = {}
    for link in drawn:
        leaving.setdefault(link[0], []).append(link)
        arriving.setdefault(link[1], []).append(link)
    for group in leaving.values():
        group.sort(key=lambda link: boxes[link[1]].centre_x)
    for group in arriving.values():
        group.sort(key=lambda link: boxes[link[0]].centre_x)

    def spread(rect: Rect, index: int, count: int) -> float:
        return rect.x0 + (rect.x1 - rect.x0) * (index + 1) / (count + 1)

    arrows = []
    for cause, effect in drawn:
        start, end = boxes[cause], boxes[effect]
        arrows.append(
            {
                "name": f"link-{cause}-{effect}",
                "x": spread(end, arriving[effect].index((cause, effect)), len(arriving[effect])),
                "y": end.y0,
                "ax": spread(start, leaving[cause].index((cause, effect)), len(leaving[cause])),
                "ay": start.y1,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "text": "",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.2,
                "arrowwidth": 1.5,
                "arrowcolor": "#495057",
            }
        )
    return arrows

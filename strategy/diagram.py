"""The strategy map laid out as a Balanced Scorecard map: a pure function of plain data (no database).

The mission sits on top; below it one horizontal band per perspective in the causal order of the
Social Media Scorecard (financial, customer, social media, organisation, top to bottom), each with
its name and guiding question on the left, and a band "not placed" at the bottom while some
objectives have no perspective. Objectives are boxes in their band (rows of at most `COLUMNS`),
ordered so that each sits near the objectives it is linked with; arrows run from cause to effect.
Coordinates are SVG user units with y growing downwards; `map_svg.render_svg` draws the layout.
"""

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from .perspectives import MAP_ORDER, PERSPECTIVES

WIDTH = 1200
MARGIN = 16
LABEL_WIDTH = 200  # the band's name and question
BOX_WIDTH = 220
GAP_X = 24
GAP_Y = 28
BAND_PADDING = 22  # room above and below the boxes of a band, where arrows enter and leave
PADDING = 10
TITLE_LINE = 18
LINE = 16
TITLE_CHARS = 23
FACTOR_CHARS = 30
QUESTION_CHARS = 28
MISSION_CHARS = 140
COLUMNS = (WIDTH - 2 * MARGIN - LABEL_WIDTH + GAP_X) // (BOX_WIDTH + GAP_X)
LEGEND_HEIGHT = 44

UNPLACED = "unplaced"
UNPLACED_TEXTS = (gettext_noop("Not placed"), gettext_noop("Objectives not yet placed in a perspective."))
PERSPECTIVE_TEXTS = {key: (name, question) for key, name, question in PERSPECTIVES}


@dataclass(frozen=True)
class FactorBox:
    id: int
    title: str
    kpi_count: int = 0
    statuses: Sequence[str] = ()  # the status of each KPI measuring it


@dataclass(frozen=True)
class ObjectiveBox:
    id: int
    title: str
    perspective: str | None = None
    factors: Sequence[FactorBox] = field(default_factory=tuple)
    description: str = ""
    status: str = "grey"  # the roll-up of its KPIs in the chosen period


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def centre_y(self) -> float:
        return (self.y0 + self.y1) / 2

    def overlaps(self, other: "Rect") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def contains(self, other: "Rect") -> bool:
        return self.x0 <= other.x0 and other.x1 <= self.x1 and self.y0 <= other.y0 and other.y1 <= self.y1

    def on_edge(self, x: float, y: float) -> bool:
        inside = self.x0 - 0.5 <= x <= self.x1 + 0.5 and self.y0 - 0.5 <= y <= self.y1 + 0.5
        edge = min(abs(x - self.x0), abs(x - self.x1), abs(y - self.y0), abs(y - self.y1)) <= 0.5
        return inside and edge


@dataclass(frozen=True)
class Band:
    key: str  # a perspective key, or UNPLACED
    rect: Rect
    name: str  # English source strings; the renderer translates them
    question: str


@dataclass(frozen=True)
class Arrow:
    cause: int
    effect: int
    start: tuple[float, float]  # on the cause's box
    end: tuple[float, float]  # on the effect's box
    evidence: str = ""  # an evidence label (strategy.evidence), "" when none was computed

    @property
    def path(self) -> str:
        """A smooth SVG path: vertical at both ends between bands, horizontal inside one row."""
        (sx, sy), (ex, ey) = self.start, self.end
        if sy == ey:
            mid = (sx + ex) / 2
            return f"M{sx:.1f},{sy:.1f} C{mid:.1f},{sy:.1f} {mid:.1f},{ey:.1f} {ex:.1f},{ey:.1f}"
        mid = (sy + ey) / 2
        return f"M{sx:.1f},{sy:.1f} C{sx:.1f},{mid:.1f} {ex:.1f},{mid:.1f} {ex:.1f},{ey:.1f}"


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    mission: Rect
    mission_lines: list[str]
    bands: list[Band]
    boxes: dict[int, Rect]
    arrows: list[Arrow]
    legend: Rect
    objectives: dict[int, ObjectiveBox]


def title_lines(objective: ObjectiveBox) -> list[str]:
    return textwrap.wrap(objective.title, TITLE_CHARS) or [""]


def factor_lines(factor: FactorBox) -> list[str]:
    return textwrap.wrap(factor.title, FACTOR_CHARS) or [""]


def question_lines(question: str) -> list[str]:
    return textwrap.wrap(question, QUESTION_CHARS)


def box_height(objective: ObjectiveBox) -> float:
    """Title lines, the status line, and per success factor its lines plus one for its KPIs."""
    factor_count = sum(len(factor_lines(f)) + 1 for f in objective.factors)
    return 2 * PADDING + len(title_lines(objective)) * TITLE_LINE + LINE + 4 + factor_count * LINE


def band_key(objective: ObjectiveBox) -> str:
    return objective.perspective if objective.perspective in PERSPECTIVE_TEXTS else UNPLACED


def layout_map(
    *,
    mission: str,
    objectives: Sequence[ObjectiveBox],
    links: Sequence[tuple[int, int]],
    evidence: Mapping[tuple[int, int], str] | None = None,
) -> MapLayout:
    """Where everything goes. `evidence` maps (cause, effect) to the link's evidence label."""
    evidence = evidence or {}
    mission_lines = textwrap.wrap(mission, MISSION_CHARS) or [""]
    mission_rect = Rect(MARGIN, MARGIN, WIDTH - MARGIN, MARGIN + 2 * PADDING + TITLE_LINE + len(mission_lines) * LINE)
    in_band: dict[str, list[ObjectiveBox]] = {key: [] for key in [*MAP_ORDER, UNPLACED]}
    for objective in objectives:
        in_band[band_key(objective)].append(objective)
    keys = [*MAP_ORDER, *([UNPLACED] if in_band[UNPLACED] else [])]

    neighbours: dict[int, list[int]] = {o.id: [] for o in objectives}
    for cause, effect in links:
        if cause in neighbours and effect in neighbours:
            neighbours[cause].append(effect)
            neighbours[effect].append(cause)
    order = {o.id: i for i, o in enumerate(objectives)}
    boxes: dict[int, Rect] = {}
    bands: list[Band] = []
    top = mission_rect.y1 + GAP_Y
    content_left = MARGIN + LABEL_WIDTH
    content_width = WIDTH - MARGIN - content_left
    for key in keys:
        members = in_band[key]

        # Near the objectives it is linked with that are already placed (in the bands above), so arrows stay short.
        def barycentre(objective: ObjectiveBox) -> tuple[float, int]:
            xs = [boxes[n].centre_x for n in neighbours[objective.id] if n in boxes]
            return (sum(xs) / len(xs) if xs else float("inf"), order[objective.id])

        members.sort(key=barycentre)
        name, question = PERSPECTIVE_TEXTS.get(key, UNPLACED_TEXTS)
        label_height = 2 * PADDING + TITLE_LINE + len(question_lines(question)) * LINE
        y = top + BAND_PADDING
        for row_start in range(0, len(members), COLUMNS):
            row = members[row_start : row_start + COLUMNS]
            row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
            left = content_left + (content_width - row_width) / 2
            for i, objective in enumerate(row):
                x0 = left + i * (BOX_WIDTH + GAP_X)
                boxes[objective.id] = Rect(x0, y, x0 + BOX_WIDTH, y + box_height(objective))
            y += max(box_height(o) for o in row) + GAP_Y
        bottom = max(y - GAP_Y + BAND_PADDING if members else top, top + label_height)
        bands.append(Band(key=key, rect=Rect(MARGIN, top, WIDTH - MARGIN, bottom), name=name, question=question))
        top = bottom
    legend = Rect(MARGIN, top + PADDING, WIDTH - MARGIN, top + PADDING + LEGEND_HEIGHT)
    arrows = _arrows(links, boxes, evidence)
    return MapLayout(
        width=WIDTH,
        height=legend.y1 + MARGIN,
        mission=mission_rect,
        mission_lines=mission_lines,
        bands=bands,
        boxes=boxes,
        arrows=arrows,
        legend=legend,
        objectives={o.id: o for o in objectives},
    )


def _side(cause: Rect, effect: Rect) -> tuple[str, str]:
    """Which edge of the cause the arrow leaves and which edge of the effect it enters."""
    if effect.y1 <= cause.y0:
        return "top", "bottom"
    if effect.y0 >= cause.y1:
        return "bottom", "top"
    return ("right", "left") if effect.centre_x > cause.centre_x else ("left", "right")


def _arrows(
    links: Sequence[tuple[int, int]], boxes: Mapping[int, Rect], evidence: Mapping[tuple[int, int], str]
) -> list[Arrow]:
    """One arrow per link, its ends spread along the box edges so that arrows do not start in one point."""
    drawn = [(c, e) for c, e in links if c in boxes and e in boxes]
    ends: dict[tuple[int, str], list[tuple[float, tuple[int, int], str]]] = {}
    for cause, effect in drawn:
        leaves, enters = _side(boxes[cause], boxes[effect])
        other_of_cause, other_of_effect = boxes[effect], boxes[cause]
        ends.setdefault((cause, leaves), []).append((_along(other_of_cause, leaves), (cause, effect), "start"))
        ends.setdefault((effect, enters), []).append((_along(other_of_effect, enters), (cause, effect), "end"))
    points: dict[tuple[tuple[int, int], str], tuple[float, float]] = {}
    for (box_id, side), group in ends.items():
        group.sort(key=lambda item: item[0])
        rect = boxes[box_id]
        for index, (_key, link, which) in enumerate(group):
            share = (index + 1) / (len(group) + 1)
            if side in ("top", "bottom"):
                points[(link, which)] = (rect.x0 + (rect.x1 - rect.x0) * share, rect.y0 if side == "top" else rect.y1)
            else:
                points[(link, which)] = (rect.x0 if side == "left" else rect.x1, rect.y0 + (rect.y1 - rect.y0) * share)
    return [
        Arrow(
            cause=c,
            effect=e,
            start=points[((c, e), "start")],
            end=points[((c, e), "end")],
            evidence=evidence.get((c, e), ""),
        )
        for c, e in drawn
    ]


def _along(other: Rect, side: str) -> float:
    """Sort key for the arrow ends on one edge: where the box at the other end lies along that edge."""
    return other.centre_x if side in ("top", "bottom") else other.centre_y

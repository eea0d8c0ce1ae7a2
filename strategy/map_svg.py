"""The strategy map layout (diagram.layout_map) drawn as SVG, for the page and for download.

Built with ElementTree, which escapes every text and attribute, so user strings (titles, the
mission) can never become markup. Statuses show as colour plus a symbol and a word; arrows show
their evidence as colour plus a line style, explained in the legend.
"""

import xml.etree.ElementTree as ET  # building only: nothing untrusted is parsed

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .diagram import (
    LABEL_WIDTH,
    LINE,
    PADDING,
    TITLE_LINE,
    Arrow,
    MapLayout,
    Rect,
    factor_lines,
    question_lines,
    title_lines,
)
from .evidence import CONTRADICTED, LABELS, NO_DATA, SUPPORTED, WEAK

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#212529"
MUTED = "#595f64"
PRIMARY = "#0a58ca"
BAND_FILLS = ["#f1f6fd", "#ffffff"]
# status: (stroke, text colour with 4.5:1 contrast on white, symbol) - never colour alone
STATUS_STYLE = {
    "green": ("#198754", "#146c43", "✔"),
    "amber": ("#e0a800", "#7a5300", "▲"),
    "red": ("#dc3545", "#b02a37", "✖"),
    "grey": ("#adb5bd", "#595f64", "○"),
}
# evidence label: (colour, dash pattern, width)
ARROW_STYLE = {
    SUPPORTED: ("#146c43", "", 2.6),
    WEAK: ("#595f64", "7 5", 1.6),
    CONTRADICTED: ("#b02a37", "2 4", 2.6),
    NO_DATA: ("#8a9096", "10 4 2 4", 1.4),
    "": ("#495057", "", 1.6),
}


def status_word(status: str) -> str:
    words = {"green": _("On target"), "amber": _("Below goal"), "red": _("Red flag")}
    return words.get(status, _("No score"))


def _el(parent: ET.Element, tag: str, **attributes: object) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attributes.items()})


def _text(parent: ET.Element, x: float, y: float, lines: list[str], **style: object) -> ET.Element:
    text = _el(parent, "text", x=f"{x:.1f}", y=f"{y:.1f}", **style)
    for i, line in enumerate(lines):
        span = _el(text, "tspan", x=f"{x:.1f}", dy="0" if i == 0 else str(style.get("line_height", LINE)))
        span.text = line
    text.attrib.pop("line-height", None)
    return text


def _rect(parent: ET.Element, rect: Rect, **style: object) -> ET.Element:
    return _el(
        parent,
        "rect",
        x=f"{rect.x0:.1f}",
        y=f"{rect.y0:.1f}",
        width=f"{rect.x1 - rect.x0:.1f}",
        height=f"{rect.y1 - rect.y0:.1f}",
        **style,
    )


def render_svg(layout: MapLayout, *, title: str, standalone: bool = False) -> str:
    """The map as an SVG document (`standalone`: with the XML declaration, for download)."""
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {layout.width:.0f} {layout.height:.0f}",
            "font-family": FONT,
            "font-size": "13",
            "role": "img",
            "aria-labelledby": "strategy-map-svg-title",
            "class": "sc-strategy-map",
        },
    )
    if standalone:
        root.set("width", f"{layout.width:.0f}")
        root.set("height", f"{layout.height:.0f}")
    heading = _el(root, "title", id="strategy-map-svg-title")
    heading.text = _(
        "Strategy map “%(title)s”: the mission on top, the perspectives as bands, objectives as boxes, "
        "arrows from cause to effect."
    ) % {"title": title}
    _markers(_el(root, "defs"))
    _rect(root, Rect(0, 0, layout.width, layout.height), fill="#ffffff")
    _mission(root, layout)
    for index, band in enumerate(layout.bands):
        group = _el(root, "g", class_=f"band band-{band.key}")
        _rect(group, band.rect, fill=BAND_FILLS[index % 2], stroke="#dee2e6")
        _text(
            group,
            band.rect.x0 + PADDING,
            band.rect.y0 + PADDING + 13,
            [_(band.name)],
            font_weight="bold",
            font_size="15",
            fill=PRIMARY,
        )
        _text(
            group,
            band.rect.x0 + PADDING,
            band.rect.y0 + PADDING + 13 + TITLE_LINE,
            question_lines(_(band.question)),
            fill=MUTED,
            font_size="12",
        )
    for arrow in layout.arrows:
        _arrow(root, arrow)
    for objective_id, rect in layout.boxes.items():
        _objective(root, layout, objective_id, rect)
    _legend(root, layout)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n' if standalone else body


def _mission(root: ET.Element, layout: MapLayout) -> None:
    group = _el(root, "g", class_="mission")
    _rect(group, layout.mission, fill="#e7f1ff", stroke=PRIMARY, stroke_width="2", rx="6")
    x = layout.mission.centre_x
    y = layout.mission.y0 + PADDING + 13
    _text(
        group, x, y, [_("Social media mission")], font_weight="bold", font_size="14", text_anchor="middle", fill=PRIMARY
    )
    lines = layout.mission_lines if layout.mission_lines != [""] else [_("No mission yet.")]
    _text(group, x, y + TITLE_LINE, lines, text_anchor="middle", fill=TEXT)


def _objective(root: ET.Element, layout: MapLayout, objective_id: int, rect: Rect) -> None:
    objective = layout.objectives[objective_id]
    stroke, colour, symbol = STATUS_STYLE.get(objective.status, STATUS_STYLE["grey"])
    group = _el(root, "g", class_=f"objective status-{objective.status}", id=f"objective-{objective_id}")
    if objective.description:
        tip = _el(group, "title")
        tip.text = objective.description
    _rect(group, rect, fill="#ffffff", stroke=stroke, stroke_width="2.5", rx="6")
    _rect(group, Rect(rect.x0, rect.y0, rect.x0 + 6, rect.y1), fill=stroke, rx="3")
    x = rect.x0 + PADDING + 4
    y = rect.y0 + PADDING + 13
    titles = title_lines(objective)
    _text(group, x, y, titles, font_weight="bold", font_size="14", fill=TEXT, line_height=TITLE_LINE)
    y += len(titles) * TITLE_LINE
    _text(group, x, y, [f"{symbol} {status_word(objective.status)}"], fill=colour, font_weight="bold", font_size="12")
    y += LINE + 4
    for factor in objective.factors:
        lines = factor_lines(factor)
        _text(group, x, y, [f"• {lines[0]}", *(f"  {line}" for line in lines[1:])], fill=TEXT, font_size="12")
        y += len(lines) * LINE
        kpis = ngettext("%(count)d KPI", "%(count)d KPIs", factor.kpi_count) % {"count": factor.kpi_count}
        line = _el(group, "text", x=f"{x + 10:.1f}", y=f"{y:.1f}", font_size="12", fill=MUTED)
        line.text = kpis
        for status in factor.statuses:
            mark = _el(line, "tspan", fill=STATUS_STYLE.get(status, STATUS_STYLE["grey"])[1], dx="4")
            mark.text = STATUS_STYLE.get(status, STATUS_STYLE["grey"])[2]
            hidden = _el(mark, "title")
            hidden.text = status_word(status)
        y += LINE


def _markers(defs: ET.Element) -> None:
    for key, (colour, _dash, _width) in ARROW_STYLE.items():
        marker = _el(
            defs,
            "marker",
            id=f"arrowhead-{key or 'plain'}",
            viewBox="0 0 10 10",
            refX="9",
            refY="5",
            markerWidth="11",
            markerHeight="11",
            markerUnits="userSpaceOnUse",  # the same head on thin and thick lines
            orient="auto-start-reverse",
        )
        _el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=colour)


def _arrow(root: ET.Element, arrow: Arrow) -> None:
    colour, dash, width = ARROW_STYLE[arrow.evidence if arrow.evidence in ARROW_STYLE else ""]
    style: dict[str, object] = {"stroke": colour, "stroke_width": width, "fill": "none"}
    if dash:
        style["stroke_dasharray"] = dash
    path = _el(
        root,
        "path",
        d=arrow.path,
        class_=f"link link-{arrow.evidence or 'plain'}",
        id=f"link-{arrow.cause}-{arrow.effect}",
        marker_end=f"url(#arrowhead-{arrow.evidence or 'plain'})",
        **style,
    )
    if arrow.evidence:
        tip = _el(path, "title")
        tip.text = _(LABELS[arrow.evidence])


def _legend(root: ET.Element, layout: MapLayout) -> None:
    group = _el(root, "g", class_="legend")
    rect = layout.legend
    y = rect.y0 + 16
    _text(group, rect.x0 + PADDING, y, [_("Arrows: cause → effect.")], fill=TEXT, font_weight="bold", font_size="12")
    x = rect.x0 + LABEL_WIDTH
    for key, source in LABELS.items():
        colour, dash, width = ARROW_STYLE[key]
        style: dict[str, object] = {"stroke": colour, "stroke_width": width}
        if dash:
            style["stroke_dasharray"] = dash
        _el(group, "line", x1=f"{x:.1f}", y1=f"{y - 4:.1f}", x2=f"{x + 36:.1f}", y2=f"{y - 4:.1f}", **style)
        _text(group, x + 42, y, [_(source)], fill=TEXT, font_size="12")
        x += 230
    x = rect.x0 + LABEL_WIDTH
    y += 22
    _text(group, rect.x0 + PADDING, y, [_("Objectives:")], fill=TEXT, font_weight="bold", font_size="12")
    for status in ("green", "amber", "red", "grey"):
        _stroke, colour, symbol = STATUS_STYLE[status]
        _text(group, x, y, [f"{symbol} {status_word(status)}"], fill=colour, font_size="12", font_weight="bold")
        x += 230

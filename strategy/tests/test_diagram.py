"""The drawn strategy map: bands in the Social Media Scorecard's order, boxes in their band, arrows between the
right boxes (checked on the layout's data, which is what the SVG draws), and the SVG escapes user text."""

import itertools
import xml.etree.ElementTree as ET

from strategy.diagram import UNPLACED, FactorBox, ObjectiveBox, layout_map
from strategy.map_svg import render_svg

KEYS = ["financial", "customer", "social_media", "organisation"]
SIXTEEN = [
    ObjectiveBox(
        id=i,
        title=f"Objective number {i} with a fairly long title that must wrap",
        perspective=KEYS[i % 4],
        status=["green", "amber", "red", "grey"][i % 3],
        factors=tuple(
            FactorBox(id=100 * i + j, title=f"Success factor {j} of objective {i}", kpi_count=j, statuses=("green",))
            for j in range(i % 4)
        ),
    )
    for i in range(16)
]
# 24 links, each from a lower band to the band above it, or inside one band.
TWENTY_FOUR = [(c, e) for c in range(16) for e in range(16) if c % 4 == e % 4 + 1 and (c + e) % 2 == 1]
TWENTY_FOUR += [(c, e) for c in range(16) for e in range(16) if c % 4 == e % 4 == 3 and c < e][:24]
TWENTY_FOUR = TWENTY_FOUR[:24]
SVG = "{http://www.w3.org/2000/svg}"


def test_there_are_twenty_four_links_for_the_big_map_test():
    assert len(set(TWENTY_FOUR)) == 24


def test_the_four_perspectives_are_bands_from_financial_at_the_top_to_organisation_at_the_bottom():
    layout = layout_map(mission="Be helpful", objectives=SIXTEEN, links=TWENTY_FOUR)
    assert [band.key for band in layout.bands] == KEYS
    assert [band.name for band in layout.bands] == ["Financial", "Customer", "Social media", "Organisation"]
    assert "financial result" in layout.bands[0].question
    tops = [layout.mission.y1, *(band.rect.y0 for band in layout.bands)]
    assert tops == sorted(tops)
    for upper, lower in itertools.pairwise(layout.bands):
        assert upper.rect.y1 <= lower.rect.y0


def test_every_objective_is_a_box_inside_its_own_band():
    layout = layout_map(mission="Be helpful", objectives=SIXTEEN, links=TWENTY_FOUR)
    band_of = {band.key: band.rect for band in layout.bands}
    assert sorted(layout.boxes) == [o.id for o in SIXTEEN]
    for objective in SIXTEEN:
        assert band_of[objective.perspective].contains(layout.boxes[objective.id]), objective.id


def test_sixteen_objectives_and_twenty_four_links_give_no_overlapping_boxes_within_the_width():
    layout = layout_map(mission="Our mission " * 30, objectives=SIXTEEN, links=TWENTY_FOUR)
    rects = [*layout.boxes.values(), layout.mission]
    for a, b in itertools.combinations(rects, 2):
        assert not a.overlaps(b)
    for rect in rects:
        assert rect.x0 >= 0 and rect.x1 <= layout.width and rect.y0 >= 0 and rect.y1 <= layout.height


def test_each_arrow_leaves_its_cause_and_reaches_its_effect():
    layout = layout_map(mission="", objectives=SIXTEEN, links=TWENTY_FOUR)
    assert sorted((a.cause, a.effect) for a in layout.arrows) == sorted(TWENTY_FOUR)
    for arrow in layout.arrows:
        cause, effect = layout.boxes[arrow.cause], layout.boxes[arrow.effect]
        assert cause.on_edge(*arrow.start) and effect.on_edge(*arrow.end), (arrow.cause, arrow.effect)
        others = [r for pk, r in layout.boxes.items() if pk not in (arrow.cause, arrow.effect)]
        assert not any(r.on_edge(*arrow.start) or r.on_edge(*arrow.end) for r in others)
    upward = next(a for a in layout.arrows if a.cause % 4 == a.effect % 4 + 1)
    assert upward.start[1] == layout.boxes[upward.cause].y0  # leaves the top of the cause
    assert upward.end[1] == layout.boxes[upward.effect].y1  # enters the bottom of the effect above


def test_arrows_leaving_one_box_start_at_different_points():
    layout = layout_map(mission="", objectives=SIXTEEN, links=TWENTY_FOUR)
    starts = [(a.cause, a.start) for a in layout.arrows]
    assert len(set(starts)) == len(starts)


def test_objectives_not_placed_get_their_own_band_at_the_bottom_only_when_there_are_some():
    placed = layout_map(mission="", objectives=SIXTEEN[:4], links=[])
    assert UNPLACED not in [band.key for band in placed.bands]
    loose = ObjectiveBox(id=99, title="Somewhere")
    layout = layout_map(mission="", objectives=[*SIXTEEN[:4], loose], links=[])
    assert layout.bands[-1].key == UNPLACED and layout.bands[-1].name == "Not placed"
    assert layout.bands[-1].rect.contains(layout.boxes[99])


def test_empty_perspectives_still_show_as_bands_with_their_question():
    layout = layout_map(mission="", objectives=[ObjectiveBox(id=1, title="Revenue", perspective="financial")], links=[])
    assert [band.key for band in layout.bands] == KEYS
    assert all(band.rect.y1 > band.rect.y0 for band in layout.bands)


def test_the_svg_draws_every_box_arrow_status_and_evidence_and_escapes_user_text():
    objectives = [
        ObjectiveBox(id=1, title="<script>x</script> & co", perspective="customer", status="green"),
        ObjectiveBox(id=2, title="Revenue", perspective="financial", status="red", description='"quoted" <b>'),
    ]
    layout = layout_map(mission="<img src=x onerror=alert(1)>", objectives=objectives, links=[(1, 2)],
                        evidence={(1, 2): "supported"})  # fmt: skip
    svg = render_svg(layout, title="<Map>")
    assert "<script>" not in svg and "<img" not in svg and "<Map>" not in svg
    root = ET.fromstring(svg)  # noqa: S314  # parses our own output: checks it is well-formed
    texts = " ".join(root.itertext())
    assert "<script>x</script> & co" in texts  # shown as text, not markup
    assert "✔ On target" in texts and "✖ Red flag" in texts  # colour plus symbol and word
    assert "Supported by the data" in texts and "Not enough data" in texts  # the legend
    link = root.find(f".//{SVG}path[@id='link-1-2']")
    assert link is not None and "link-supported" in link.get("class")


def test_a_standalone_svg_has_a_size_and_the_xml_declaration():
    layout = layout_map(mission="M", objectives=SIXTEEN[:2], links=[])
    svg = render_svg(layout, title="Map", standalone=True)
    assert svg.startswith("<?xml")
    root = ET.fromstring(svg.split("\n", 1)[1])  # noqa: S314  # our own output, not untrusted input
    assert root.get("width") == "1200" and float(root.get("height")) == layout.height

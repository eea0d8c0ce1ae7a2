"""The strategy map diagram: a pure function from plain data to a plotly figure."""

import itertools

from strategy.diagram import FactorBox, ObjectiveBox, Rect, build_figure, link_depths

TWELVE = [
    ObjectiveBox(
        id=i,
        title=f"Objective number {i} with a fairly long title that must wrap",
        factors=tuple(FactorBox(id=100 * i + j, title=f"Success factor {j} of objective {i}") for j in range(i % 4)),
    )
    for i in range(12)
]
# 20 acyclic links (cause -> effect, always from a higher to a lower number).
TWENTY_LINKS = [
    (11, 0), (10, 0), (9, 1), (8, 1), (7, 2), (6, 2), (5, 3), (4, 3), (3, 0), (2, 0),
    (1, 0), (11, 5), (10, 4), (9, 6), (8, 7), (7, 3), (6, 1), (5, 2), (4, 1), (11, 9),
]  # fmt: skip


def boxes_of(fig):
    return {s.name: Rect(s.x0, s.y0, s.x1, s.y1) for s in fig.layout.shapes if s.name.startswith("objective-")}


def arrows_of(fig):
    return [a for a in fig.layout.annotations if a.showarrow]


def test_one_box_per_objective_and_one_arrow_per_link():
    fig = build_figure(mission="Our mission", objectives=TWELVE, links=TWENTY_LINKS)
    assert sorted(boxes_of(fig)) == sorted(f"objective-{o.id}" for o in TWELVE)
    assert sorted(a.name for a in arrows_of(fig)) == sorted(f"link-{c}-{e}" for c, e in TWENTY_LINKS)


def test_twelve_objectives_and_twenty_links_give_no_overlapping_boxes_inside_the_figure():
    fig = build_figure(mission="Our mission " * 20, objectives=TWELVE, links=TWENTY_LINKS)
    boxes = list(boxes_of(fig).values())
    mission = next(Rect(s.x0, s.y0, s.x1, s.y1) for s in fig.layout.shapes if s.name == "mission")
    for a, b in itertools.combinations([*boxes, mission], 2):
        assert not a.overlaps(b)
    for box in [*boxes, mission]:
        assert 0 <= box.x0 < box.x1 <= fig.layout.width
        assert 0 <= box.y0 < box.y1 <= fig.layout.height


def test_every_arrow_points_upwards_towards_the_mission_on_top():
    fig = build_figure(mission="Our mission", objectives=TWELVE, links=TWENTY_LINKS)
    boxes = boxes_of(fig)
    mission_bottom = next(s.y0 for s in fig.layout.shapes if s.name == "mission")
    assert all(box.y1 < mission_bottom for box in boxes.values())
    for arrow in arrows_of(fig):
        assert arrow.y > arrow.ay  # the head is above the tail
    for cause, effect in TWENTY_LINKS:
        assert boxes[f"objective-{cause}"].y1 < boxes[f"objective-{effect}"].y0


def test_objectives_without_effects_sit_in_the_top_layer():
    depths = link_depths([1, 2, 3, 4], [(3, 2), (2, 1), (4, 1)])
    assert depths == {1: 0, 2: 1, 3: 2, 4: 1}


def test_titles_and_success_factors_with_their_kpi_count_are_written_in_the_boxes():
    objective = ObjectiveBox(
        id=1, title="Loyal <customers>", factors=(FactorBox(id=7, title="Fast service", kpi_count=2),)
    )
    fig = build_figure(mission="Be helpful", objectives=[objective], links=[])
    text = next(a.text for a in fig.layout.annotations if a.name == "objective-text-1")
    assert "Loyal &lt;customers&gt;" in text  # titles are escaped
    assert "Fast service" in text and "2 KPIs" in text
    assert "Be helpful" in next(a.text for a in fig.layout.annotations if a.name == "mission-text")


def test_kpi_colours_of_a_success_factor_are_shown_with_a_symbol_as_well():
    objective = ObjectiveBox(id=1, title="Reach", factors=(FactorBox(id=7, title="Ads", kpi_count=3),))
    fig = build_figure(mission="", objectives=[objective], links=[], factor_statuses={7: ["green", "red", "grey"]})
    text = next(a.text for a in fig.layout.annotations if a.name == "objective-text-1")
    assert "✔" in text and "✖" in text and "○" in text and "▲" not in text
    assert "#198754" in text


def test_an_empty_map_still_draws_the_mission():
    fig = build_figure(mission="", objectives=[], links=[])
    assert [s.name for s in fig.layout.shapes] == ["mission"]
    assert not arrows_of(fig)


def test_an_objective_description_shows_on_hover():
    objectives = [ObjectiveBox(id=1, title="Reach", description="Find new customers"), ObjectiveBox(id=2, title="Sell")]
    fig = build_figure(mission="", objectives=objectives, links=[(1, 2)])
    (hover,) = fig.data
    assert list(hover.hovertext) == ["Find new customers"]
    assert hover.marker.opacity == 0

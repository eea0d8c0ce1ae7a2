import json

import pytest

from scorecard import figures
from scorecard.figures import (
    kpi_period_chart,
    score_gauge,
    score_trend,
    sparkline,
    team_perspective_heatmap,
)
from scorecard.scoring import status_for_score
from scorecard_site.charts import figure_payload

CARTESIAN_TRACES = {"scatter", "bar", "heatmap", "box", "histogram"}
LABELS = ["2027-01", "2027-02", "2027-03", "2027-04"]


def payload_size(fig) -> int:
    return len(json.dumps(figure_payload(fig)).encode())


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, got {[t.name for t in fig.data]}"
    return matches[0]


def band(fig, status):
    matches = [t for t in fig.data if t.meta == status and t.fill == "tonexty"]
    assert len(matches) == 1
    return matches[0]


def leads_chart(**overrides):
    values = {
        "labels": LABELS,
        "actuals": [80.0, 95.0, 110.0, None],
        "goals": [100.0, 100.0, 100.0, 100.0],
        "red_flags": [70.0, 70.0, 70.0, 70.0],
        "higher_is_better": True,
        "unit": "leads",
    }
    return kpi_period_chart(**(values | overrides))


def test_kpi_chart_draws_actual_goal_and_red_flag_with_distinct_dash_styles():
    fig = leads_chart()

    assert list(trace(fig, "Actual").y) == [80.0, 95.0, 110.0, None]
    assert list(trace(fig, "Goal").y) == [100.0] * 4
    assert list(trace(fig, "Red flag").y) == [70.0] * 4
    dashes = {trace(fig, name).line.dash for name in ("Actual", "Goal", "Red flag")}
    assert len(dashes) == 3, "lines must differ by more than colour"


def test_higher_is_better_bands_are_red_below_the_red_flag_amber_up_to_the_goal_and_green_above():
    fig = leads_chart()
    low, high = fig.layout.yaxis.range

    assert list(band(fig, "red").y) == [70.0] * 4
    assert list(band(fig, "amber").y) == [100.0] * 4
    assert list(band(fig, "green").y) == [high] * 4
    assert low <= 70.0 and high >= 110.0
    stacked = [t.meta for t in fig.data if t.fill == "tonexty"]
    assert stacked == ["red", "amber", "green"], "bands stack upwards from the bottom of the chart"
    assert band(fig, "green").fillcolor == "rgba(25,135,84,0.14)"


def test_lower_is_better_bands_are_mirrored():
    fig = leads_chart(goals=[4.0] * 4, red_flags=[8.0] * 4, actuals=[5.0, 9.0, 3.0, None], higher_is_better=False)

    stacked = [(t.meta, t.y[0]) for t in fig.data if t.fill == "tonexty"]
    assert stacked[:2] == [("green", 4.0), ("amber", 8.0)]
    assert stacked[2][0] == "red"


def test_without_a_direction_the_newest_target_says_which_way_is_up():
    # The KPI was higher-is-better (goal 100 over red flag 70) and is now lower-is-better (4 under 8).
    goals, red_flags = [100.0, 100.0, 4.0, None], [70.0, 70.0, 8.0, None]
    fig = kpi_period_chart(labels=LABELS, actuals=[80.0, 95.0, 5.0, None], goals=goals, red_flags=red_flags, unit="")
    assert [t.meta for t in fig.data if t.fill == "tonexty"] == ["green", "amber", "red"]

    without_targets = kpi_period_chart(labels=LABELS, actuals=[1.0, 2.0, 3.0, 4.0], goals=[None] * 4,
                                       red_flags=[None] * 4, unit="")  # fmt: skip
    assert [t.name for t in without_targets.data] == ["Actual"]


def test_pacing_draws_a_sloped_goal_line():
    fig = leads_chart(goals=[2500.0, 5000.0, 7500.0, 10000.0], red_flags=[2000.0, 4000.0, 6000.0, 8000.0])

    goal = trace(fig, "Goal")
    assert list(goal.y) == [2500.0, 5000.0, 7500.0, 10000.0]
    assert goal.line.shape in (None, "linear"), "a stepped line would hide the pacing"
    assert list(band(fig, "amber").y) == list(goal.y)


def test_forecast_is_a_dashed_line_from_the_last_actual_to_the_period_end():
    fig = leads_chart(forecast=("2027-04", 125.0))

    forecast = trace(fig, "Forecast")
    assert forecast.line.dash == "dash"
    assert list(forecast.x) == ["2027-03", "2027-04"]
    assert list(forecast.y) == [110.0, 125.0]
    assert fig.layout.yaxis.range[1] > 125.0, "the forecast stays inside the chart"


def test_forecast_without_any_actual_is_a_single_point():
    fig = leads_chart(actuals=[None] * 4, forecast=("2027-04", 40.0))

    assert list(trace(fig, "Forecast").y) == [40.0]


def test_periods_without_a_target_leave_gaps_in_goal_and_bands():
    fig = leads_chart(goals=[None, 100.0, 100.0, None], red_flags=[None, 70.0, 70.0, None])

    assert list(trace(fig, "Goal").y) == [None, 100.0, 100.0, None]
    assert band(fig, "green").y[0] is None


def test_goal_only_kpi_has_no_red_flag_line_and_an_empty_amber_band():
    fig = leads_chart(red_flags=[None] * 4)

    assert "Red flag" not in [t.name for t in fig.data]
    assert list(band(fig, "red").y) == list(band(fig, "amber").y) == [100.0] * 4


def test_kpi_without_targets_shows_only_its_actuals():
    fig = leads_chart(goals=[None] * 4, red_flags=[None] * 4)

    assert [t.name for t in fig.data] == ["Actual"]


def test_kpi_chart_without_any_value_still_builds():
    fig = leads_chart(actuals=[None] * 4, goals=[None] * 4, red_flags=[None] * 4)

    assert list(fig.layout.yaxis.range) == [0.0, 1.0]


def test_kpi_chart_refuses_series_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        leads_chart(actuals=[1.0])


def test_kpi_chart_title_and_unit_are_shown():
    fig = leads_chart(title="Leads per month")

    assert fig.layout.title.text == "Leads per month"
    assert fig.layout.yaxis.title.text == "leads"
    assert trace(fig, "Actual").hovertemplate == "%{y:,.2~f} leads"


def test_legend_and_band_names_go_through_gettext(monkeypatch):
    monkeypatch.setattr(figures, "_", lambda text: f"<{text}>")

    fig = leads_chart(forecast=("2027-04", 1.0))

    names = {t.name for t in fig.data}
    assert {"<Actual>", "<Goal>", "<Red flag>", "<Forecast>", "<Green zone>", "<Amber zone>", "<Red zone>"} <= names


def test_sparkline_is_tiny_without_axes_and_small_on_the_wire():
    fig = sparkline([3.0, None, 5.0, 4.0, 6.0, 7.0, 6.5, 8.0, 7.5, 9.0, 8.5, 9.5], status="green")

    assert fig.layout.height <= 40
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.data[0].line.color == figures.GREEN
    assert list(fig.data[-1].y) == [9.5], "the last value is marked"
    assert payload_size(fig) < 3_000


def test_sparkline_of_only_gaps_has_no_last_value_marker():
    fig = sparkline([None, None], status="grey")

    assert len(fig.data) == 1
    assert fig.data[0].line.color == figures.GREY


def test_figures_leave_out_plotly_default_template_to_stay_small():
    payload = figure_payload(leads_chart(forecast=("2027-04", 1.0)))

    assert payload["layout"].get("template", {}) == {}
    assert payload_size(leads_chart()) < 6_000


@pytest.mark.parametrize(
    ("score", "status", "text"),
    [(7.5, "green", "7.5"), (5.0, "amber", "5.0"), (1.24, "red", "1.2"), (0.0, "red", "0.0")],
)
def test_gauge_shows_the_score_as_text_in_the_status_colour(score, status, text):
    fig = score_gauge(score, status=status, label="Overall")

    bar = fig.data[-1]
    assert list(bar.x) == [score]
    assert list(bar.text) == [text]
    assert bar.marker.color == figures.STATUS_COLOURS[status]
    assert fig.layout.xaxis.range == (0, 10)
    assert fig.layout.title.text == "Overall"


def test_gauge_without_a_score_is_grey_and_says_no_data():
    fig = score_gauge(None, status="grey", label="Financial")

    bar = fig.data[-1]
    assert list(bar.text) == ["No data"]
    assert bar.marker.color == figures.GREY


def test_gauge_marks_where_amber_and_green_begin():
    fig = score_gauge(5.0, status="amber", label="Overall")

    assert sorted(round(shape.x0, 2) for shape in fig.layout.shapes) == [3.33, 6.67]


@pytest.mark.parametrize(
    ("score", "status"),
    [(None, "grey"), (0.0, "red"), (3.33, "red"), (10 / 3, "amber"), (6.66, "amber"), (20 / 3, "green"), (10, "green")],
)
def test_score_status_follows_the_rollup_thresholds(score, status):
    assert status_for_score(score) == status


def test_heatmap_cells_show_scores_or_a_dash_and_are_coloured_by_threshold():
    fig = team_perspective_heatmap(
        teams=["Social", "Webshop"],
        perspectives=["Customer", "Financial"],
        scores=[[7.5, None], [20 / 3 - 1e-12, 2.0]],
    )

    cells = fig.data[0]
    assert [list(row) for row in cells.text] == [["7.5", "–"], ["6.7", "2.0"]]
    levels = {"grey": 0, "red": 1, "amber": 2, "green": 3}
    assert [list(row) for row in cells.z] == [[levels["green"], levels["grey"]], [levels["green"], levels["red"]]]
    assert [list(row) for row in cells.customdata] == [["On target", "No score"], ["On target", "Red flag"]]
    assert list(cells.y) == ["Social", "Webshop"] and list(cells.x) == ["Customer", "Financial"]
    assert fig.layout.yaxis.autorange == "reversed", "the first team is on top"


def test_heatmap_colour_scale_uses_the_status_colours_for_each_level():
    cells = team_perspective_heatmap(teams=["A"], perspectives=["P"], scores=[[5.0]]).data[0]

    def colour_at(level: int) -> str:
        position = level / (cells.zmax - cells.zmin)
        return next(colour for stop, colour in reversed(cells.colorscale) if stop <= position)

    assert [colour_at(z) for z in range(4)] == [figures.GREY, figures.RED, figures.AMBER, figures.GREEN]


def test_heatmap_refuses_a_ragged_score_table():
    with pytest.raises(ValueError, match="one row per team"):
        team_perspective_heatmap(teams=["A", "B"], perspectives=["P"], scores=[[1.0]])


def test_score_trend_draws_one_line_per_team_on_a_0_to_10_scale():
    fig = score_trend(labels=LABELS[:3], series={"Social": [5.0, 6.0, 7.0], "Webshop": [None, 2.0, 3.5]})

    assert [t.name for t in fig.data] == ["Social", "Webshop"]
    assert list(fig.data[1].y) == [None, 2.0, 3.5]
    assert fig.data[0].line.dash != fig.data[1].line.dash
    assert fig.layout.yaxis.range == (0, 10)
    assert len(fig.layout.shapes) == 3, "red, amber and green zones behind the lines"


def test_score_trend_refuses_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="Webshop"):
        score_trend(labels=LABELS, series={"Webshop": [1.0]})


def test_every_figure_uses_only_traces_of_the_cartesian_bundle():
    built = [
        leads_chart(forecast=("2027-04", 1.0)),
        sparkline([1.0, 2.0], status="red"),
        score_gauge(4.0, status="amber", label="x"),
        team_perspective_heatmap(teams=["A"], perspectives=["P"], scores=[[1.0]]),
        score_trend(labels=["a"], series={"A": [1.0]}),
    ]

    used = {t.type for fig in built for t in fig.data}
    assert used <= CARTESIAN_TRACES

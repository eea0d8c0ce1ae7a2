"""Names and units that users typed are shown as text in every chart, never as markup, links or placeholders.

plotly.js draws titles, axis and tick labels, legends, annotations and hover text as a subset of HTML (links
included) and fills `%{...}` into hover templates. Each page with a chart is fetched with hostile names on
every object it charts; the figure JSON in the page may carry the names only escaped.
"""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from metrics.models import Metric, Source
from scorecard import services
from scorecard.tests.conftest import local
from strategy.models import Objective, SuccessFactor

pytestmark = pytest.mark.django_db

HOSTILE = '<a href="//x">Evil</a><b>bold</b>%{x}'  # 37 characters: fits a unit (40)
RAW_MARKUP = re.compile(r"<a\b|</a>|<b>bold|%\{x\}")
FIGURE_JSON = re.compile(r'<script id="[^"]*" type="application/json">(.*?)</script>', re.S)


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def figure_texts(page: str) -> list[str]:
    """Every text of every figure in the page that comes from a hostile name."""
    figures = [json.loads(found) for found in FIGURE_JSON.findall(page)]
    return [text for figure in figures if "data" in figure for text in strings_in(figure) if "Evil" in text]


@pytest.fixture
def hostile(team, scorecard, strategy_map, put_points):
    team.name = HOSTILE
    team.save()
    strategy_map.mission = HOSTILE
    strategy_map.save()
    objective = Objective.objects.create(strategy_map=strategy_map, title=HOSTILE, description=HOSTILE)
    SuccessFactor.objects.create(objective=objective, title=HOSTILE)
    perspective = scorecard.perspectives.get(key="customer")
    perspective.name = HOSTILE
    perspective.save()
    metric = Metric.objects.create(team=team, key="reach", name=HOSTILE, unit=HOSTILE, source=Source.IMPORT)
    put_points(metric, [(local(2027, 2, 10), 40.0), (local(2027, 3, 10), 60.0)])
    kpi = services.kpi_create(perspective=perspective, name=HOSTILE, unit=HOSTILE, metric=metric, aggregation="sum")
    services.target_create(kpi=kpi, period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), goal=50, red_flag=30)
    return {"metric": metric, "kpi": kpi, "perspective": perspective}


def chart_page(page, team, scorecard, strategy_map, hostile) -> str:
    slug = team.slug
    return {
        "perspective dashboard": lambda: reverse(
            "scorecard:perspective-dashboard", args=[slug, scorecard.pk, "customer"]
        ),
        "KPI page": lambda: reverse("scorecard:kpi-detail", args=[slug, hostile["kpi"].pk]),
        "print report": lambda: reverse("scorecard:scorecard-report", args=[slug, scorecard.pk]),
        "portfolio": lambda: reverse("scorecard:portfolio"),
        "metric page": lambda: reverse("metrics:metric-detail", args=[slug, hostile["metric"].key]),
    }[page]()


@pytest.mark.parametrize("page", ["perspective dashboard", "KPI page", "print report", "portfolio", "metric page"])
def test_charts_show_names_that_look_like_markup_as_text(client_for, team, scorecard, strategy_map, hostile, page):
    response = client_for("viewer").get(chart_page(page, team, scorecard, strategy_map, hostile) + "?period=2027-03")
    assert response.status_code == 200
    texts = figure_texts(response.content.decode())
    assert texts, f"the {page} charts no hostile name: the test does not test it"
    for text in texts:
        assert not RAW_MARKUP.search(text), text


def test_the_strategy_map_drawing_shows_names_that_look_like_markup_as_text(client_for, team, strategy_map, hostile):
    """The map is an SVG (strategy.map_svg), in the page and as a download: names are escaped text there too."""
    for name in ["strategy:map-detail", "strategy:map-svg"]:
        response = client_for("viewer").get(reverse(name, args=[team.slug, strategy_map.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Evil" in page, f"{name} shows no hostile name: the test does not test it"
        assert '<a href="//x"' not in page and "<b>bold" not in page, name
        assert "&lt;a href=" in page

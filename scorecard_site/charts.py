"""Plotly figures built server-side, drawn by the plotly.js bundle the app serves itself.

Views put `figure_payload(fig)` in the context; templates render it with
`{% include "components/chart.html" with figure=... chart_id="..." label="..." %}` and load
`components/chart_scripts.html` once in the `scripts` block. No inline scripts (CSP).

plotly.js reads every text of a figure (titles, axis titles and tick labels, legends, annotations, hover
text) as a small subset of HTML, links included, and fills `%{...}` placeholders into hover templates. So a
team, KPI, metric or perspective name or a unit goes into a figure only through `plotly_text`, which makes
plotly show it literally.
"""

import json
from html import escape
from typing import Any

import plotly.graph_objects as go

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def plotly_text(text: str) -> str:
    """User text as plotly shows it literally: no tags (`<a href>`, `<b>`, `<br>`), no `%{...}` placeholders.

    Only `&`, `<` and `>` are escaped, and `%` before `{` becomes its character reference: plotly decodes
    `&amp;`, `&lt;`, `&gt;` and numeric references when it draws a text, but shows `&quot;` as it is.
    """
    return escape(text, quote=False).replace("%{", "&#37;{")


def figure_payload(fig: go.Figure) -> dict[str, Any]:
    """Plain JSON-ready data for json_script: {"data": [...], "layout": {...}, "config": {...}}."""
    plain = json.loads(fig.to_json())
    return {"data": plain.get("data", []), "layout": plain.get("layout", {}), "config": CONFIG}

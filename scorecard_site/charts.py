"""Plotly figures built server-side, drawn by the plotly.js bundle the app serves itself.

Views put `figure_payload(fig)` in the context; templates render it with
`{% include "components/chart.html" with figure=... chart_id="..." label="..." %}` and load
`components/chart_scripts.html` once in the `scripts` block. No inline scripts (CSP).
"""

import json
from typing import Any

import plotly.graph_objects as go

CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def figure_payload(fig: go.Figure) -> dict[str, Any]:
    """Plain JSON-ready data for json_script: {"data": [...], "layout": {...}, "config": {...}}."""
    plain = json.loads(fig.to_json())
    return {"data": plain.get("data", []), "layout": plain.get("layout", {}), "config": CONFIG}

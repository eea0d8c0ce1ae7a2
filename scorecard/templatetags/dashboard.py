"""Template filters of the dashboards and every other page that shows a measured number."""

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from ..evaluation.labels import status_label

register = template.Library()

# A metric has no decimals of its own: it shows the places its value has, up to this many.
METRIC_MAX_DECIMALS = 4


@register.filter
def kpi_value(value: float | None, decimals: int | None = 0) -> str:
    """A number with its decimals and thousands grouped for the reader's language; "–" for no value."""
    if value is None or value == "":
        return "–"
    return floatformat(value, f"{int(decimals or 0)}g")


@register.simple_tag
def status_text(status: str, in_progress: bool = False) -> str:
    """The one vocabulary for statuses (evaluation.labels): "On pace" / "Behind pace" while a period runs."""
    return status_label(status or "grey", in_progress=bool(in_progress))


@register.filter
def amount(value: float | None, measure: Any) -> str:
    """A value of a KPI or metric as the reader sees it everywhere: grouped, with the KPI's decimals, and its unit
    ("35,300 followers" in English, "35.300 followers" in Dutch); "–" for no value."""
    decimals = getattr(measure, "decimals", None)
    if decimals is None and value is not None:
        decimals = len(f"{float(value):.{METRIC_MAX_DECIMALS}f}".rstrip("0").partition(".")[2])
    unit = getattr(measure, "unit", "")
    number = kpi_value(value, decimals)
    return f"{number} {unit}" if unit and value is not None else number

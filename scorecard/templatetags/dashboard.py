"""Template filters of the dashboards."""

from django import template
from django.template.defaultfilters import floatformat

from ..evaluation.labels import status_label

register = template.Library()


@register.filter
def kpi_value(value: float | None, decimals: int = 0) -> str:
    """A KPI's number with its decimals and thousands grouped for the reader's language; "–" for no value."""
    if value is None:
        return "–"
    return floatformat(value, f"{int(decimals)}g")


@register.simple_tag
def status_text(status: str, in_progress: bool = False) -> str:
    """The one vocabulary for statuses (evaluation.labels): "On pace" / "Behind pace" while a period runs."""
    return status_label(status or "grey", in_progress=bool(in_progress))


@register.filter
def with_unit(text: str, unit: str) -> str:
    """A formatted number followed by its unit ("1,200 leads"); "–" stays bare. Goals read like their actuals."""
    return text if text == "–" or not unit else f"{text} {unit}"

"""Template filters of the dashboards."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def kpi_value(value: float | None, decimals: int = 0) -> str:
    """A KPI's number with its decimals and thousands grouped for the reader's language; "–" for no value."""
    if value is None:
        return "–"
    return floatformat(value, f"{int(decimals)}g")

"""The breadcrumb trail of every page below a team: one component, fed by the page's template."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: dict[str, Any], *items: Any) -> dict[str, Any]:
    """`{% breadcrumbs label url label url ... current %}`: the team first, then each (label, url) pair, then the
    current page's label (without a link). A crumb that repeats the one before it is dropped, so a page never
    reads "Metrics / Metrics"."""
    team = context["team"]
    pairs = list(items[: len(items) // 2 * 2])
    crumbs: list[tuple[str, str | None]] = [(team.name, team.get_absolute_url())]
    crumbs += [(str(pairs[i]), str(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    if len(items) % 2:
        crumbs.append((str(items[-1]), None))
    trail = [crumb for index, crumb in enumerate(crumbs) if index == 0 or crumb[0] != crumbs[index - 1][0]]
    return {"ancestors": trail[:-1], "current": trail[-1][0]}

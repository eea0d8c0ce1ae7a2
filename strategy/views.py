"""Web pages of strategy maps: viewers read, editors build (access through teams.access)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from scorecard_site.charts import figure_payload
from teams.access import can, team_for_member
from teams.errors import ApplicationError
from teams.history import history_of
from teams.models import Role, Team

from . import services
from .evidence import LABELS, MIN_MONTHS, evidence_sentence, link_evidence
from .forms import PERSPECTIVE_PROMPTS, ObjectiveLinkForm, ObjectivesEditor, StrategyMapCopyForm, StrategyMapForm
from .link_chart import link_figure, paired_rows
from .map_svg import render_svg
from .models import ObjectiveLink, StrategyMap
from .selectors import (
    EVIDENCE_MONTHS,
    links_of_map,
    map_evidence,
    map_links,
    objectives_by_band,
    strategy_map_full_queryset,
    strategy_map_layout,
    strategy_maps_of_team,
)
from .status import map_statuses, objective_monthly_series

HISTORY_LIMIT = 30  # latest changes on the map page


def _map_of(team: Team, map_id: int) -> StrategyMap:
    return get_object_or_404(StrategyMap.objects.filter(team=team).select_related("team"), pk=map_id)


def _add_error(form: StrategyMapForm | StrategyMapCopyForm, error: ApplicationError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def a_year_later(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@login_required
@require_safe
def map_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    context = {
        "team": team,
        "maps": strategy_maps_of_team(team=team),
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "strategy/map_list.html", context)


@login_required
def map_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    year = timezone.localdate().year
    initial = {"period_start": datetime.date(year, 1, 1), "period_end": datetime.date(year, 12, 31)}
    form = StrategyMapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_map = services.strategy_map_create(team=team, **form.cleaned_data)
        except ApplicationError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The strategy map was created. Now add its objectives."))
            return redirect("strategy:map-objectives", team.slug, strategy_map.pk)
    context = {"team": team, "form": form, "prompts": PERSPECTIVE_PROMPTS}
    return render(request, "strategy/map_form.html", context)


def _drawn_map(request: HttpRequest, team: Team, map_id: int) -> dict:
    """The map with its statuses for ?period=, the evidence of its links and its drawing (SVG markup)."""
    strategy_map = get_object_or_404(strategy_map_full_queryset(team=team), pk=map_id)
    statuses = map_statuses(strategy_map=strategy_map, period=request.GET.get("period", ""))
    evidence = map_evidence(strategy_map)
    layout = strategy_map_layout(strategy_map, statuses=statuses, evidence=evidence)
    return {"strategy_map": strategy_map, "statuses": statuses, "evidence": evidence, "layout": layout}


@login_required
@require_safe
def map_detail(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    drawn = _drawn_map(request, team, map_id)
    strategy_map, statuses, evidence = drawn["strategy_map"], drawn["statuses"], drawn["evidence"]
    if statuses.error:
        messages.error(request, statuses.error)
    links = map_links(strategy_map)
    svg = render_svg(drawn["layout"], title=strategy_map.title)
    context = {
        "team": team,
        "strategy_map": strategy_map,
        "bands": objectives_by_band(strategy_map, statuses=statuses),
        "links": [(link, evidence.get((link.cause_id, link.effect_id))) for link in links],
        "map_svg": mark_safe(svg),  # noqa: S308  # ElementTree escaped every text and attribute (map_svg.py)
        "statuses": statuses,
        "evidence_labels": [(key, _(text)) for key, text in LABELS.items()],
        "min_months": MIN_MONTHS,
        "evidence_months": EVIDENCE_MONTHS,
        "can_edit": can(request.user, team, Role.EDITOR),
        "history": history_of(strategy_map, limit=HISTORY_LIMIT),
        "history_limit": HISTORY_LIMIT,
    }
    return render(request, "strategy/map_detail.html", context)


@login_required
@require_safe
def map_svg(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    """The drawn map as an SVG file, for the period asked for."""
    team = team_for_member(request.user, team_slug)
    drawn = _drawn_map(request, team, map_id)
    strategy_map = drawn["strategy_map"]
    svg = render_svg(drawn["layout"], title=strategy_map.title, standalone=True)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    period = drawn["statuses"].period
    name = slugify(f"{strategy_map.title} {period}") or "strategy-map"
    response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
    return response


@login_required
@require_safe
def link_detail(request: HttpRequest, team_slug: str, map_id: int, link_id: int) -> HttpResponse:
    """The evidence for one arrow: both objectives' monthly scores drawn together at the best lag."""
    team = team_for_member(request.user, team_slug)
    strategy_map = _map_of(team, map_id)
    queryset = ObjectiveLink.objects.filter(cause__strategy_map=strategy_map).select_related("cause", "effect")
    link = get_object_or_404(queryset, pk=link_id)
    series = objective_monthly_series(strategy_map=strategy_map, months=EVIDENCE_MONTHS)
    cause, effect = series.get(link.cause_id, {}), series.get(link.effect_id, {})
    evidence = link_evidence(cause, effect)
    context = {
        "team": team,
        "strategy_map": strategy_map,
        "link": link,
        "evidence": evidence,
        "sentence": evidence_sentence(evidence, cause=link.cause.title, effect=link.effect.title),
        "figure": figure_payload(
            link_figure(cause, effect, evidence=evidence, cause_title=link.cause.title, effect_title=link.effect.title)
        ),
        "rows": paired_rows(cause, effect, lag=evidence.lag or 0),
        "min_months": MIN_MONTHS,
        "evidence_months": EVIDENCE_MONTHS,
    }
    return render(request, "strategy/link_detail.html", context)


@login_required
def map_edit(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    form = StrategyMapForm(request.POST or None, instance=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_map_update(strategy_map=strategy_map, **form.cleaned_data)
        except ApplicationError as error:
            strategy_map.refresh_from_db()
            _add_error(form, error)
        else:
            messages.success(request, _("The strategy map was saved."))
            return redirect(strategy_map)
    context = {"team": team, "form": form, "strategy_map": strategy_map, "prompts": PERSPECTIVE_PROMPTS}
    return render(request, "strategy/map_form.html", context)


@login_required
def map_delete(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    if request.method == "POST":
        try:
            services.strategy_map_delete(strategy_map=strategy_map)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(strategy_map)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": strategy_map.title})
        return redirect("strategy:map-list", team.slug)
    return render(request, "strategy/map_delete.html", {"team": team, "strategy_map": strategy_map})


@login_required
def map_copy(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    initial = {
        "title": _("%(title)s (copy)") % {"title": strategy_map.title},
        "period_start": strategy_map.period_end + datetime.timedelta(days=1),
        "period_end": a_year_later(strategy_map.period_end),
    }
    form = StrategyMapCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.strategy_map_copy(strategy_map=strategy_map, **form.cleaned_data)
        except ApplicationError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The copy was created as a draft."))
            return redirect(copy)
    return render(request, "strategy/map_copy.html", {"team": team, "form": form, "strategy_map": strategy_map})


@login_required
def map_objectives(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    editor = ObjectivesEditor(strategy_map, request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        try:
            editor.save()
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The objectives and success factors were saved."))
            if "save_and_view" in request.POST:
                return redirect(strategy_map)
            return redirect("strategy:map-objectives", team.slug, strategy_map.pk)
    context = {"team": team, "strategy_map": strategy_map, "editor": editor, "prompts": PERSPECTIVE_PROMPTS}
    return render(request, "strategy/map_objectives.html", context)


@login_required
def map_links_page(request: HttpRequest, team_slug: str, map_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    form = ObjectiveLinkForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_link_create(cause=form.cleaned_data["cause"], effect=form.cleaned_data["effect"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The link was added."))
            return redirect("strategy:map-links", team.slug, strategy_map.pk)
    context = {
        "team": team,
        "strategy_map": strategy_map,
        "form": form,
        "links": links_of_map(strategy_map=strategy_map),
    }
    return render(request, "strategy/map_links.html", context)


@login_required
@require_POST
def link_delete(request: HttpRequest, team_slug: str, map_id: int, link_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    strategy_map = _map_of(team, map_id)
    link = get_object_or_404(ObjectiveLink.objects.filter(cause__strategy_map=strategy_map), pk=link_id)
    services.objective_link_delete(link=link)
    messages.success(request, _("The link was removed."))
    return redirect("strategy:map-links", team.slug, strategy_map.pk)

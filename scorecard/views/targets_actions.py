from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from scorecard_site.charts import figure_payload
from teams.access import can, team_for_member
from teams.models import Role

from .. import figures, services
from ..forms import ActionForm, TargetForm
from ..selectors import actions_of_team, kpis_of_team, scorecards_of_team, targets_of_team
from ..selectors.actions import action_on_kpi
from .common import call_service, confirm_page, form_page


@login_required
def target_create(request: HttpRequest, team_slug: str, kpi_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    kpi = get_object_or_404(kpis_of_team(team), pk=kpi_id)
    form = TargetForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, lambda: services.target_create(kpi=kpi, **form.cleaned_data)) is not None
    ):
        messages.success(request, _("The target was added."))
        return redirect(kpi)
    heading = _("New target for “%(name)s”") % {"name": kpi.name}
    return form_page(request, form=form, heading=heading, back=kpi.get_absolute_url(), team=team, kpi=kpi)


@login_required
def target_edit(request: HttpRequest, team_slug: str, target_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    target = get_object_or_404(targets_of_team(team), pk=target_id)
    form = TargetForm(request.POST or None, instance=target)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, lambda: services.target_update(target=target, **form.cleaned_data)) is not None
    ):
        messages.success(request, _("The target was saved."))
        return redirect(target.kpi)
    heading = _("Edit target for “%(name)s”") % {"name": target.kpi.name}
    return form_page(request, form=form, heading=heading, back=target.kpi.get_absolute_url(), team=team, kpi=target.kpi)


@login_required
def target_delete(request: HttpRequest, team_slug: str, target_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    target = get_object_or_404(targets_of_team(team), pk=target_id)
    kpi = target.kpi
    if request.method == "POST":
        services.target_delete(target=target)
        messages.success(request, _("The target was deleted."))
        return redirect(kpi)
    question = _("Delete the target from %(start)s until %(end)s?") % {
        "start": target.period_start,
        "end": target.period_end,
    }
    return confirm_page(request, question=question, back=kpi.get_absolute_url(), team=team, kpi=kpi)


def _action_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name not in {"perspective", "title"}}


@login_required
def action_create(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    kpi_id = request.GET.get("kpi", "")
    kpi = kpis_of_team(team).filter(perspective__scorecard=scorecard, pk=kpi_id).first() if kpi_id.isdigit() else None
    initial = {"kpi": kpi, "perspective": kpi.perspective if kpi else request.GET.get("perspective")}
    form = ActionForm(request.POST or None, scorecard=scorecard, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = call_service(
            form,
            lambda: services.action_create(
                perspective=data["perspective"], title=data["title"], **_action_fields(data)
            ),
        )
        if action is not None:
            messages.success(request, _("The action was added."))
            return redirect(action.kpi or scorecard)
    return form_page(
        request, form=form, heading=_("New action"), back=scorecard.get_absolute_url(), team=team, scorecard=scorecard
    )


@login_required
@require_safe
def action_detail(request: HttpRequest, team_slug: str, action_id: int) -> HttpResponse:
    """The action, its KPI's chart with the due and completion dates, and the KPI before and after it was done."""
    team = team_for_member(request.user, team_slug)
    queryset = actions_of_team(team).select_related("kpi__metric").prefetch_related("kpi__targets")
    action = get_object_or_404(queryset, pk=action_id)
    on_kpi = action_on_kpi(action=action)
    chart = None
    if on_kpi is not None and action.kpi is not None:
        chart = figures.kpi_period_chart(
            labels=[point.period.label for point in on_kpi.series],
            actuals=[point.actual for point in on_kpi.series],
            goals=[point.bar.goal for point in on_kpi.series],
            red_flags=[point.bar.red_flag for point in on_kpi.series],
            unit=action.kpi.unit,
            marks=on_kpi.marks,
        )
    context = {
        "team": team,
        "action": action,
        "scorecard": action.perspective.scorecard,
        "on_kpi": on_kpi,
        "chart": figure_payload(chart) if chart is not None else None,
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "scorecard/action_detail.html", context)


@login_required
def action_edit(request: HttpRequest, team_slug: str, action_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    action = get_object_or_404(actions_of_team(team), pk=action_id)
    scorecard = action.perspective.scorecard
    form = ActionForm(request.POST or None, instance=action, scorecard=scorecard)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(form, lambda: services.action_update(action=action, **form.cleaned_data)) is not None
    ):
        messages.success(request, _("The action was saved."))
        return redirect(action.kpi or scorecard)
    heading = _("Edit action “%(title)s”") % {"title": action.title}
    return form_page(
        request, form=form, heading=heading, back=scorecard.get_absolute_url(), team=team, scorecard=scorecard
    )


@login_required
def action_delete(request: HttpRequest, team_slug: str, action_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    action = get_object_or_404(actions_of_team(team), pk=action_id)
    scorecard = action.perspective.scorecard
    if request.method == "POST":
        services.action_delete(action=action)
        messages.success(request, _("The action was deleted."))
        return redirect(scorecard)
    question = _("Delete the action “%(title)s”?") % {"title": action.title}
    return confirm_page(request, question=question, back=scorecard.get_absolute_url(), team=team, scorecard=scorecard)

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from metrics.channel_selectors import metric_definition_changes
from metrics.models import DataPoint
from teams.access import can, team_for_member
from teams.errors import ApplicationError
from teams.history import history_of
from teams.models import Role

from .. import services
from ..evaluation import kpi_current, kpi_series, team_today
from ..forms import KpiForm, ValueEntryForm
from ..models import KPI
from ..selectors import kpis_of_team, perspectives_of_team
from ..selectors.actions import action_marks
from ..selectors.dashboards import KpiRow, kpi_sources, with_overdue
from .common import call_service, confirm_page, form_page
from .dashboards import kpi_chart

RECENT_VALUES = 10


def _kpi_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != "perspective"}


@login_required
def kpi_create(request: HttpRequest, team_slug: str, perspective_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    perspective = get_object_or_404(perspectives_of_team(team), pk=perspective_id)
    scorecard = perspective.scorecard
    form = KpiForm(request.POST or None, scorecard=scorecard, initial={"perspective": perspective})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kpi = call_service(form, lambda: services.kpi_create(perspective=data["perspective"], **_kpi_fields(data)))
        if kpi is not None:
            messages.success(request, _("The KPI “%(name)s” was added.") % {"name": kpi.name})
            return redirect(kpi)
    heading = _("New KPI in “%(perspective)s”") % {"perspective": perspective.label}
    return form_page(
        request, form=form, heading=heading, back=scorecard.get_absolute_url(), team=team, scorecard=scorecard
    )


@login_required
@require_safe
def kpi_detail(request: HttpRequest, team_slug: str, kpi_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    kpi = get_object_or_404(kpis_of_team(team).prefetch_related("targets"), pk=kpi_id)
    return render(request, "scorecard/kpi_detail.html", _kpi_context(request, kpi, ValueEntryForm()))


HISTORY_LIMIT = 30  # latest changes of the KPI and its targets on the KPI page


def _kpi_context(request: HttpRequest, kpi: KPI, value_form: ValueEntryForm) -> dict[str, Any]:
    team = kpi.perspective.scorecard.team
    recent = DataPoint.objects.filter(metric_id=kpi.metric_id).order_by("-ts")[:RECENT_VALUES] if kpi.metric_id else []
    now = timezone.now()
    item = kpi_current(kpi=kpi, now=now)
    series = kpi_series(kpis=[kpi], ends={kpi.pk: item.period}, team_id=team.pk, team_timezone=team.timezone, now=now)[
        kpi.pk
    ]
    row = KpiRow(item, series)
    actions = with_overdue(kpi.actions.select_related("owner", "perspective"), team_today(team.timezone, now))
    return {
        "team": team,
        "kpi": kpi,
        "scorecard": kpi.perspective.scorecard,
        "targets": kpi.targets.all(),
        "actions": actions,
        "item": item,
        "series": list(reversed(series)),
        "chart": kpi_chart(
            row,
            with_forecast=True,
            height=420,
            changes=metric_definition_changes(metric=kpi.metric) if kpi.metric else (),
            marks=action_marks(actions, series),
        ),
        "sources": kpi_sources(kpi=kpi),
        "recent": recent,
        "value_form": value_form,
        "can_edit": can(request.user, team, Role.EDITOR),
        "history": history_of(kpi, limit=HISTORY_LIMIT),
        "history_limit": HISTORY_LIMIT,
    }


@login_required
@require_POST
def kpi_value_enter(request: HttpRequest, team_slug: str, kpi_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    kpi = get_object_or_404(kpis_of_team(team).prefetch_related("targets"), pk=kpi_id)
    form = ValueEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(form, lambda: services.kpi_value_enter(kpi=kpi, day=data["day"], value=data["value"]))
        if done is not None:
            messages.success(request, _("The value was saved."))
            return redirect(kpi)
    return render(request, "scorecard/kpi_detail.html", _kpi_context(request, kpi, form), status=400)


@login_required
def kpi_edit(request: HttpRequest, team_slug: str, kpi_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    kpi = get_object_or_404(kpis_of_team(team), pk=kpi_id)
    form = KpiForm(request.POST or None, instance=kpi, scorecard=kpi.perspective.scorecard)
    if request.method == "POST" and form.is_valid():
        done = call_service(form, lambda: services.kpi_update(kpi=kpi, **form.cleaned_data))
        if done is not None:
            messages.success(request, _("The KPI was saved."))
            return redirect(kpi)
        kpi.refresh_from_db()
    heading = _("Edit KPI “%(name)s”") % {"name": kpi.name}
    return form_page(request, form=form, heading=heading, back=kpi.get_absolute_url(), team=team, kpi=kpi)


@login_required
def kpi_delete(request: HttpRequest, team_slug: str, kpi_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    kpi = get_object_or_404(kpis_of_team(team), pk=kpi_id)
    scorecard = kpi.perspective.scorecard
    if request.method == "POST":
        try:
            services.kpi_delete(kpi=kpi)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(kpi)
        messages.success(request, _("The KPI was deleted; its metric and values are kept."))
        return redirect(scorecard)
    question = _("Delete the KPI “%(name)s” with its targets?") % {"name": kpi.name}
    return confirm_page(request, question=question, back=kpi.get_absolute_url(), team=team, kpi=kpi)

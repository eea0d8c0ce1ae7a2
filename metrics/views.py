"""Web pages of the metrics app: metric management, manual entry and the CSV import."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from scorecard_site.charts import figure_payload, plotly_text
from teams.access import can, team_for_member
from teams.errors import ApplicationError
from teams.models import Role, Team

from . import import_services, selectors, services
from .csv_import import preview
from .forms import DataPointForm, ImportUploadForm, MetricForm
from .models import DataPoint, ImportJob, Metric


def _metric(team: Team, key: str) -> Metric:
    return get_object_or_404(selectors.metrics_of_team(team=team), key=key)


@login_required
@require_safe
def metric_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    context = {
        "team": team,
        "metrics": selectors.metric_rows(team=team),
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "metrics/metric_list.html", context)


@login_required
def metric_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    form = MetricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            metric = services.metric_create(team=team, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Metric “%(name)s” was created.") % {"name": metric.name})
            return redirect(metric)
    return render(request, "metrics/metric_form.html", {"team": team, "form": form})


@login_required
def metric_edit(request: HttpRequest, team_slug: str, key: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    metric = _metric(team, key)
    form = MetricForm(request.POST or None, instance=metric)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.metric_update(metric=metric, name=data["name"], unit=data["unit"], source=data["source"])
        messages.success(request, _("Metric “%(name)s” was saved.") % {"name": metric.name})
        return redirect(metric)
    return render(request, "metrics/metric_form.html", {"team": team, "form": form, "metric": metric})


@login_required
def metric_delete(request: HttpRequest, team_slug: str, key: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    metric = _metric(team, key)
    if request.method == "POST":
        try:
            points = services.metric_delete(metric=metric)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(metric)
        messages.success(
            request,
            _("Metric “%(name)s” and its %(points)s data points were deleted.")
            % {"name": metric.name, "points": points},
        )
        return redirect("metrics:metric-list", team.slug)
    context = {"team": team, "metric": metric, "point_count": metric.datapoints.count()}
    return render(request, "metrics/metric_confirm_delete.html", context)


def _chart(metric: Metric) -> dict[str, Any] | None:
    x, y = selectors.series(metric=metric)
    if not x:
        return None
    # plotly.js has no time zones: give it wall-clock times of the team.
    tz = ZoneInfo(metric.team.timezone)
    x = [ts.astimezone(tz).replace(tzinfo=None) for ts in x]
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines+markers", name=plotly_text(metric.name), marker={"size": 4}))
    fig.update_layout(
        height=300,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        yaxis_title=plotly_text(metric.unit) or None,
        showlegend=False,
        template="plotly_white",
    )
    return figure_payload(fig)


@login_required
def metric_detail(request: HttpRequest, team_slug: str, key: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR if request.method == "POST" else Role.VIEWER)
    metric = _metric(team, key)
    form = DataPointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.datapoint_enter(
                metric=metric, day=form.cleaned_data["day"], value=form.cleaned_data["value"]
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            if result.created:
                messages.success(request, _("The value was added."))
            elif result.updated:
                messages.success(request, _("The value was corrected."))
            else:
                messages.info(request, _("That value was already stored; nothing changed."))
            return redirect(metric)
    context = {
        "team": team,
        "metric": metric,
        "form": form,
        "points": selectors.latest_datapoints(metric=metric),
        "chart": _chart(metric),
        "can_edit": can(request.user, team, Role.EDITOR),
    }
    return render(request, "metrics/metric_detail.html", context)


@login_required
@require_POST
def datapoint_delete(request: HttpRequest, team_slug: str, key: str, pk: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    metric = _metric(team, key)
    services.datapoint_delete(datapoint=get_object_or_404(DataPoint, metric=metric, pk=pk))
    messages.success(request, _("The data point was deleted."))
    return redirect(metric)


# --- CSV import ---------------------------------------------------------------------------------


def _job(team: Team, job_id: int) -> ImportJob:
    # The file text stays deferred: only the preview of an unconfirmed upload reads it.
    return get_object_or_404(selectors.import_jobs_of_team(team=team), pk=job_id)


@login_required
def import_upload(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_services.import_job_create(
                team=team, created_by=cast(User, request.user), filename=upload.name, data=upload.read()
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            return redirect("metrics:import-detail", team.slug, job.pk)
    context = {"team": team, "form": form, "jobs": selectors.import_jobs_of_team(team=team)[:10]}
    return render(request, "metrics/import_upload.html", context)


@login_required
def import_detail(request: HttpRequest, team_slug: str, job_id: int) -> HttpResponse:
    """Preview before confirmation, a progress bar while running, the outcome afterwards."""
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    job = _job(team, job_id)
    context: dict[str, Any] = {"team": team, "job": job, "progress": import_services.import_job_progress(job=job)}
    if job.status == ImportJob.Status.UPLOADED:
        layout, rows = preview(job.content)
        context.update(preview_rows=rows, delimiter=layout.delimiter)
    return render(request, "metrics/import_detail.html", context)


@login_required
@require_POST
def import_start(request: HttpRequest, team_slug: str, job_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    try:
        import_services.import_job_start(job=_job(team, job_id))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("metrics:import-detail", team.slug, job_id)


@login_required
@require_GET
def import_status(request: HttpRequest, team_slug: str, job_id: int) -> JsonResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    job = get_object_or_404(selectors.import_jobs_of_team(team=team), pk=job_id)
    return JsonResponse(import_services.import_job_progress(job=job))

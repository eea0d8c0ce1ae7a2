"""Spreadsheet migration: the .xlsx template, a scorecard exported in that format, and the import
(upload -> preview -> confirm). The uploaded file waits in the session between preview and
confirmation and is read and checked again when confirmed, so a changed team cannot slip through."""

import base64
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from strategy.models import StrategyMap
from teams.access import team_for_member
from teams.models import Role, Team

from ..forms import WorkbookUploadForm
from ..selectors import scorecards_of_team
from ..selectors.workbook import scorecard_workbook_rows, template_workbook_rows
from ..services.workbook_import import scorecard_import
from ..spreadsheet import KPIS, MAX_LISTED_ERRORS, WorkbookErrors, build_workbook, max_bytes, read_workbook
from .exports import XLSX_TYPE


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def workbook_template(request: HttpRequest, team_slug: str) -> HttpResponse:
    team_for_member(request.user, team_slug)
    return _xlsx(build_workbook(template_workbook_rows()), "scorecard-template.xlsx")


@login_required
@require_safe
def workbook_export(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    filename = f"{slugify(scorecard.title) or 'scorecard'}-workbook.xlsx"
    return _xlsx(build_workbook(scorecard_workbook_rows(scorecard)), filename)


def _session_key(team: Team) -> str:
    return f"scorecard-workbook-import-{team.pk}"


def _page(request: HttpRequest, team: Team, form: WorkbookUploadForm, **extra: Any) -> HttpResponse:
    errors = extra.pop("errors", [])
    context = {
        "team": team,
        "form": form,
        "errors": [str(error) for error in errors[:MAX_LISTED_ERRORS]],
        "error_count": len(errors),
        "max_mb": max_bytes() // 2**20,
        **extra,
    }
    return render(request, "scorecard/workbook_import.html", context, status=200)


class _SizeLimit(FileUploadHandler):
    """Stops storing an upload once it passes the limit, so a huge file never fills the disk."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_bytes():
            if self.request is not None:
                self.request.workbook_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the size limit must be in place before the CSRF check reads the body; checked below
@login_required
def workbook_import(request: HttpRequest, team_slug: str) -> HttpResponse:
    """GET: the upload form. POST: read and check the file, then show the preview or every problem."""
    request.upload_handlers.insert(0, _SizeLimit(request))
    return _workbook_import(request, team_slug)


@csrf_protect
def _workbook_import(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None, team=team)
    if getattr(request, "workbook_too_large", False):
        form.add_error("workbook", _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // 2**20})
    if request.method != "POST" or not form.is_valid():
        return _page(request, team, form)
    upload = form.cleaned_data["workbook"]
    strategy_map = form.cleaned_data["strategy_map"]
    data = upload.read(max_bytes() + 1)
    try:
        workbook = read_workbook(data)
        summary = scorecard_import(team=team, strategy_map=strategy_map, workbook=workbook, dry_run=True)
    except WorkbookErrors as problems:
        return _page(request, team, form, errors=problems.errors)
    token = secrets.token_urlsafe(16)
    request.session[_session_key(team)] = {
        "token": token,
        "data": base64.b64encode(data).decode(),
        "strategy_map": strategy_map.pk,
        "filename": upload.name,
    }
    kpis = [
        {
            "number": row.number,
            "perspective": row.values["Perspective"],
            "name": row.values["Name"],
            "unit": row.values["Unit"],
            "source": row.values["Formula"] or row.values["Metric key"],
            "weight": row.values["Weight"],
        }
        for row in workbook.sheets[KPIS]
    ]
    return _page(request, team, form, summary=summary, token=token, kpis=kpis, filename=upload.name)


@login_required
@require_POST
def workbook_import_confirm(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    pending = request.session.get(_session_key(team))
    if not pending or not secrets.compare_digest(str(pending.get("token")), request.POST.get("token", "")):
        messages.error(request, _("This upload is no longer waiting for confirmation; upload the file again."))
        return redirect("scorecard:workbook-import", team.slug)
    strategy_map = StrategyMap.objects.filter(team=team, pk=pending["strategy_map"]).first()
    form = WorkbookUploadForm(team=team, initial={"strategy_map": strategy_map})
    if strategy_map is None:
        messages.error(request, _("The strategy map was deleted; upload the file again."))
        return redirect("scorecard:workbook-import", team.slug)
    try:
        workbook = read_workbook(base64.b64decode(pending["data"]))
        summary = scorecard_import(team=team, strategy_map=strategy_map, workbook=workbook)
    except WorkbookErrors as problems:
        return _page(request, team, form, errors=problems.errors)
    del request.session[_session_key(team)]
    messages.success(
        request,
        _("Imported “%(title)s”: %(kpis)s KPIs, %(targets)s targets and %(values)s values.")
        % {"title": summary.title, "kpis": summary.kpis, "targets": summary.targets, "values": summary.values},
    )
    scorecard = get_object_or_404(scorecards_of_team(team), pk=summary.scorecard_id)
    return redirect(scorecard)

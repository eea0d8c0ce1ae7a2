from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from teams.access import can, team_for_member
from teams.errors import ApplicationError
from teams.models import Role

from .. import services
from ..forms import PerspectiveForm, ScorecardCreateForm, ScorecardEditForm
from ..selectors import perspectives_of_team, scorecards_of_team
from .common import call_service, confirm_page, form_page


@login_required
@require_safe
def scorecard_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    context = {"team": team, "scorecards": scorecards_of_team(team), "can_edit": can(request.user, team, Role.EDITOR)}
    return render(request, "scorecard/scorecard_list.html", context)


@login_required
def scorecard_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    initial = {"strategy_map": request.GET.get("strategy_map")}
    form = ScorecardCreateForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scorecard = call_service(
            form,
            lambda: services.scorecard_create(
                team=team, strategy_map=data["strategy_map"], title=data["title"], frequency=data["frequency"]
            ),
        )
        if scorecard is not None:
            messages.success(request, _("The scorecard was created with its four perspectives."))
            return redirect(scorecard)
    back = f"/t/{team.slug}/scorecards/"
    return form_page(request, form=form, heading=_("New scorecard"), back=back, team=team)


@login_required
def scorecard_edit(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    form = ScorecardEditForm(request.POST or None, instance=scorecard)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.scorecard_update(scorecard=scorecard, title=data["title"], frequency=data["frequency"]),
        )
        if done is not None:
            return redirect(scorecard)
    return form_page(
        request,
        form=form,
        heading=_("Edit scorecard"),
        back=scorecard.get_absolute_url(),
        team=team,
        scorecard=scorecard,
    )


@login_required
def scorecard_delete(request: HttpRequest, team_slug: str, scorecard_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    scorecard = get_object_or_404(scorecards_of_team(team), pk=scorecard_id)
    if request.method == "POST":
        try:
            services.scorecard_delete(scorecard=scorecard)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(scorecard)
        messages.success(request, _("The scorecard was deleted."))
        return redirect("scorecard:scorecard-list", team.slug)
    question = _("Delete the scorecard “%(title)s” with all its KPIs, targets and actions?") % {
        "title": scorecard.title
    }
    return confirm_page(request, question=question, back=scorecard.get_absolute_url(), team=team, scorecard=scorecard)


@login_required
def perspective_edit(request: HttpRequest, team_slug: str, perspective_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    perspective = get_object_or_404(perspectives_of_team(team), pk=perspective_id)
    initial = {"name": perspective.label, "question": perspective.guiding_question}
    form = PerspectiveForm(request.POST or None, instance=perspective, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.perspective_update(
                perspective=perspective,
                name=data["name"],
                question=data["question"],
                order=data["order"],
                weight=data["weight"],
            ),
        )
        if done is not None:
            return redirect(perspective.scorecard)
    heading = _("Edit perspective “%(name)s”") % {"name": perspective.label}
    return form_page(
        request,
        form=form,
        heading=heading,
        back=perspective.scorecard.get_absolute_url(),
        team=team,
        scorecard=perspective.scorecard,
    )

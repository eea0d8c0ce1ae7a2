"""New scorecard from the Social Media Scorecard template: tick KPIs from the library per perspective."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from metrics.connectors.base import all_connectors
from teams.access import team_for_member
from teams.models import Role

from ..forms import ScorecardFromLibraryForm
from ..library import library_of
from ..models import ScoringType
from ..services.library import channel_feeds, library_source, scorecard_create_from_library
from .common import call_service


@login_required
def scorecard_from_library(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.EDITOR)
    initial = {"strategy_map": request.GET.get("strategy_map"), "title": _("Social Media Scorecard")}
    form = ScorecardFromLibraryForm(request.POST or None, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scorecard = call_service(
            form,
            lambda: scorecard_create_from_library(
                team=team,
                strategy_map=data["strategy_map"],
                title=data["title"],
                frequency=data["frequency"],
                kpi_keys=form.kpi_keys(),
            ),
        )
        if scorecard is not None:
            messages.success(request, _("The scorecard was created with the KPIs you chose."))
            return redirect(scorecard)
    feeds = channel_feeds(team=team)
    scoring = dict(ScoringType.choices)
    # What each connector metric is called, for "a channel with Reach or Impressions can feed it".
    spec_names: dict[str, str] = {}
    for connector in all_connectors():
        for spec in connector.metric_specs({}):
            spec_names.setdefault(spec.key, gettext(spec.name))
    perspectives = []
    for name, field in form.fields.items():
        if not name.startswith("kpis_"):
            continue
        ticked = set(form[name].value() or [])
        items = [
            {
                "item": item,
                "ticked": item.key in ticked,
                "scoring": scoring[item.scoring_type],
                "source": library_source(item, feeds),
                "feedable": sorted(
                    {spec_names[key] for key in [*item.feeds, *item.formula_terms] if key in spec_names}
                ),
            }
            for item in library_of(name.removeprefix("kpis_"))
        ]
        perspectives.append({"field": form[name], "label": field.label, "items": items})
    context = {"team": team, "form": form, "perspectives": perspectives, "has_channels": bool(feeds)}
    return render(request, "scorecard/library_form.html", context)

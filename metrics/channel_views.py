"""Channel pages: admins add, edit, delete and sync channels; every member may look."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from teams.access import can, team_for_member
from teams.errors import ApplicationError
from teams.models import Role, Team

from . import channel_selectors as selectors
from . import channel_services as services
from .channel_forms import ChannelForm, platform_choices
from .models import Channel
from .oauth.providers import provider_for_platform
from .oauth.views import redirect_uri


@login_required
@require_GET
def channel_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.VIEWER)
    rows = [
        {"channel": c, "state": selectors.channel_state(c), "platform": selectors.platform_label(c.platform)}
        for c in selectors.channels_of_team(team=team)
    ]
    context = {"team": team, "rows": rows, "is_admin": can(request.user, team, Role.ADMIN)}
    return render(request, "metrics/channel_list.html", context)


def _channel(team: Team, channel_id: int) -> Channel:
    """A channel of this team, or 404."""
    return get_object_or_404(selectors.channels_of_team(team=team), pk=channel_id)


def _save(form: ChannelForm, save: Callable[..., Channel]) -> Channel | None:
    """The saved channel, or None with the refusal shown on the form."""
    if not form.is_valid():
        return None
    try:
        return save(**form.service_kwargs())
    except ApplicationError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return None


def _form_context(team: Team, form: ChannelForm, channel: Channel | None) -> dict[str, object]:
    provider = provider_for_platform(form.connector.platform)
    return {
        "team": team,
        "form": form,
        "channel": channel,
        "platform": form.connector.label,
        "provider": provider,
        "redirect_uri": redirect_uri(provider) if provider else "",
    }


@login_required
def channel_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Add a channel: first the platform (links), then only that platform's form and its "Connect with …"."""
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    platform = request.POST.get("platform") or request.GET.get("platform", "")
    if platform not in dict(platform_choices()):
        choices = [(key, label, provider_for_platform(key)) for key, label in platform_choices()]
        return render(request, "metrics/channel_platforms.html", {"team": team, "choices": choices})
    form = ChannelForm(request.POST or None, platform=platform)
    if request.method == "POST":
        channel = _save(form, lambda **kwargs: services.channel_create(team=team, **kwargs))
        if channel is not None:
            messages.success(request, _("The channel was added; its first sync starts within a minute."))
            return redirect("metrics:channel-detail", team.slug, channel.pk)
    return render(request, "metrics/channel_form.html", _form_context(team, form, None))


@login_required
@require_GET
def channel_detail(request: HttpRequest, team_slug: str, channel_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.VIEWER)
    channel = _channel(team, channel_id)
    context = {
        "team": team,
        "channel": channel,
        "platform": selectors.platform_label(channel.platform),
        "state": selectors.channel_state(channel),
        "runs": selectors.channel_runs(channel=channel),
        "metrics": selectors.channel_metrics(channel=channel),
        "is_admin": can(request.user, team, Role.ADMIN),
        "provider": provider_for_platform(channel.platform),
    }
    return render(request, "metrics/channel_detail.html", context)


@login_required
def channel_edit(request: HttpRequest, team_slug: str, channel_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    channel = _channel(team, channel_id)
    form = ChannelForm(request.POST or None, platform=channel.platform, channel=channel)
    if request.method == "POST" and _save(form, lambda **kwargs: services.channel_update(channel=channel, **kwargs)):
        messages.success(request, _("The channel was saved."))
        return redirect("metrics:channel-detail", team.slug, channel.pk)
    return render(request, "metrics/channel_form.html", _form_context(team, form, channel))


@login_required
@require_POST
def channel_delete(request: HttpRequest, team_slug: str, channel_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    channel = _channel(team, channel_id)
    services.channel_delete(channel=channel)
    messages.success(request, _("The channel was deleted; its metrics and their data stay."))
    return redirect("metrics:channel-list", team.slug)


@login_required
@require_POST
def channel_sync_now(request: HttpRequest, team_slug: str, channel_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    channel = _channel(team, channel_id)
    if services.channel_sync_request(channel=channel) is None:
        messages.warning(request, _("A sync of this channel is already running; wait for it to finish."))
    else:
        messages.info(request, _("Sync started. This page shows the result when it is done."))
    return redirect("metrics:channel-detail", team.slug, channel.pk)


@login_required
@require_GET
def channel_status(request: HttpRequest, team_slug: str, channel_id: int) -> JsonResponse:
    team = team_for_member(request.user, team_slug, role=Role.VIEWER)
    channel = _channel(team, channel_id)
    return JsonResponse(selectors.channel_status_payload(channel=channel))

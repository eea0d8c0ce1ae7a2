"""“Connect with …” pages: start a sign-in, come back from the platform, pick the account; reconnect a channel.

Only team admins connect or reconnect. The callback URL carries no team (platforms want one fixed redirect URL), so
it finds the team through the signed state and checks the signed-in user's admin role there, as every team page
does: outsiders get 404, other members 403.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from teams.access import require_role, role_for, team_for_member
from teams.errors import ApplicationError
from teams.models import Role, Team

from .. import channel_selectors as selectors
from ..connectors.base import PermanentSourceError, get_connector
from . import services
from .accounts import Account, accounts_visible
from .providers import Provider, ProviderError, authorization_url, exchange_code, get_provider, provider_for_platform
from .state import StateError, flow_finish, flow_start, picks_forget, picks_load, picks_store


def _configured(key: str) -> Provider:
    provider = get_provider(key)
    if provider is None or not provider.configured:
        raise Http404(_("This platform cannot be connected here."))
    return provider


def redirect_uri(provider: Provider) -> str:
    """The one callback URL to register with the platform (docs/oauth/<key>.md)."""
    return settings.SCORECARD_BASE_URL.rstrip("/") + reverse("metrics:oauth-callback", args=[provider.key])


def _start(request: HttpRequest, team: Team, provider: Provider, channel_id: int | None) -> HttpResponse:
    flow, state = flow_start(
        request.session, provider=provider.key, team_id=team.pk, channel_id=channel_id, pkce=provider.pkce
    )
    return redirect(
        authorization_url(provider, redirect_uri=redirect_uri(provider), state=state, code_verifier=flow.code_verifier)
    )


@login_required
@require_POST
def connect_start(request: HttpRequest, team_slug: str, provider: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    return _start(request, team, _configured(provider), None)


@login_required
@require_POST
def reconnect_start(request: HttpRequest, team_slug: str, channel_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    channel = get_object_or_404(selectors.channels_of_team(team=team), pk=channel_id)
    known = provider_for_platform(channel.platform)
    return _start(request, team, _configured(channel.oauth_provider or (known.key if known else "")), channel.pk)


@login_required
@require_GET
def guide(request: HttpRequest, provider: str) -> HttpResponse:
    """docs/oauth/<key>.md for the administrator who registers the app, with this installation's redirect URL."""
    chosen = get_provider(provider)
    if chosen is None:
        raise Http404(_("No such platform."))
    text = (settings.BASE_DIR / chosen.guide).read_text(encoding="utf-8")
    context = {"provider": chosen, "text": text, "redirect_uri": redirect_uri(chosen)}
    return render(request, "metrics/oauth_guide.html", context)


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "metrics/oauth_failed.html", {"message": message}, status=400)


@login_required
@require_GET
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _configured(provider)
    try:
        flow = flow_finish(request.session, provider=chosen.key, state=request.GET.get("state", ""))
    except StateError as error:
        return _failed(request, str(error))
    team = Team.objects.filter(pk=flow.team_id).first()
    if team is None:
        raise Http404(_("No such team."))
    require_role(role_for(request.user, team), Role.ADMIN)
    channel = get_object_or_404(selectors.channels_of_team(team=team), pk=flow.channel_id) if flow.channel_id else None
    back = (
        reverse("metrics:channel-detail", args=[team.slug, channel.pk])
        if channel
        else reverse("metrics:channel-list", args=[team.slug])
    )
    if request.GET.get("error") or not request.GET.get("code"):
        messages.warning(
            request,
            _("%(platform)s did not give access (%(reason)s); nothing was connected.")
            % {"platform": chosen.label, "reason": request.GET.get("error", "")[:60] or _("no code")},
        )
        return redirect(back)
    try:
        tokens = exchange_code(
            chosen, code=request.GET["code"], redirect_uri=redirect_uri(chosen), code_verifier=flow.code_verifier
        )
        connected_as, accounts = accounts_visible(chosen, tokens)
    except ProviderError as error:
        messages.error(request, error.message)
        return redirect(back)
    if channel is not None:
        try:
            services.channel_reconnect(channel=channel, provider=chosen, accounts=accounts, connected_as=connected_as)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Reconnected; the channel syncs again within a minute."))
        return redirect(back)
    if not accounts:
        messages.warning(
            request, _("%(platform)s shows no account this sign-in can read.") % {"platform": chosen.label}
        )
        return redirect(back)
    picks_store(request.session, flow, connected_as=connected_as, accounts=[a.as_dict() for a in accounts])
    return redirect("metrics:channel-connect-pick", team.slug, flow.id)


class PickForm(forms.Form):
    account = forms.ChoiceField(label=gettext_lazy("Account"), widget=forms.RadioSelect)
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=120, required=False, help_text=gettext_lazy("Default: the account's.")
    )
    key_prefix = forms.SlugField(
        label=gettext_lazy("Metric key prefix"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Metrics get keys like <prefix>-followers. Default: made from the name."),
    )

    def __init__(self, *args: object, accounts: list[Account], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["account"].choices = [  # type: ignore[attr-defined]
            (str(index), f"{account.name} · {_platform_label(account.platform)}")
            for index, account in enumerate(accounts)
        ]


def _platform_label(platform: str) -> str:
    try:
        return str(get_connector(platform).label)
    except PermanentSourceError:
        return platform


@login_required
def connect_pick(request: HttpRequest, team_slug: str, flow_id: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    pick = picks_load(request.session, flow_id)
    if pick is None or pick["t"] != team.pk:
        if request.method == "POST":
            raise Http404(_("This sign-in is over or belongs to another team; connect again."))
        return render(request, "metrics/channel_connect_pick.html", {"team": team, "form": None})
    provider = _configured(pick["p"])
    accounts = [Account.from_dict(a) for a in pick["accounts"]]
    form = PickForm(request.POST or None, accounts=accounts)
    if request.method == "POST" and form.is_valid():
        account = accounts[int(form.cleaned_data["account"])]
        try:
            channel = services.channel_connect(
                team=team,
                provider=provider,
                account=account,
                connected_as=pick["who"],
                name=form.cleaned_data["name"],
                key_prefix=form.cleaned_data["key_prefix"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            picks_forget(request.session, flow_id)
            messages.success(request, _("The channel was connected; its first sync starts within a minute."))
            return redirect("metrics:channel-detail", team.slug, channel.pk)
    context = {"team": team, "form": form, "provider": provider, "connected_as": pick["who"]}
    return render(request, "metrics/channel_connect_pick.html", context)

from typing import cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import services
from .access import can, team_for_member, team_requires_two_factor
from .errors import ApplicationError
from .forms import ApiKeyCreateForm, MemberAddForm, MembershipRoleForm, TeamSecurityForm
from .models import Membership, Role, Team, TeamApiKey
from .selectors import api_keys_of_team, memberships_of_team, team_rows_for_user

UserModel = get_user_model()
NEW_KEY_SESSION = "new_api_key"


@login_required
@require_safe
def team_list(request: HttpRequest) -> HttpResponse:
    rows = team_rows_for_user(request.user)
    # The navbar's team switcher shows the same rows: no need to compute them twice.
    return render(request, "teams/team_list.html", {"rows": rows, "nav_team_rows": rows})


@login_required
@require_safe
def team_home(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    context = {
        "team": team,
        "children": team.children.all(),
        "is_admin": can(request.user, team, Role.ADMIN),
    }
    return render(request, "teams/team_home.html", context)


@login_required
def team_members(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        who, role = form.cleaned_data["who"], Role(form.cleaned_data["role"])
        try:
            user = UserModel.objects.filter(username=who).first()
            if user is not None:
                services.membership_add(team=team, user=user, role=role)
                messages.success(request, _("%(user)s was added as %(role)s.") % {"user": user, "role": role.label})
            else:
                services.member_invite(
                    team=team,
                    email=who,
                    role=role,
                    invited_by=cast(User, request.user),
                    base_url=request.build_absolute_uri("/"),
                )
                messages.success(request, _("%(email)s was added; an invitation is on its way.") % {"email": who})
        except ApplicationError as error:
            form.add_error("who", error.message)
        else:
            return redirect("teams:team-members", team.slug)
    context = {"team": team, "form": form, "memberships": memberships_of_team(team=team), "roles": Role.choices}
    return render(request, "teams/team_members.html", context)


@login_required
@require_POST
def membership_update(request: HttpRequest, team_slug: str, membership_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    membership = get_object_or_404(Membership, team=team, pk=membership_id)
    form = MembershipRoleForm(request.POST, instance=Membership(role=membership.role))
    try:
        if "remove" in request.POST:
            services.membership_remove(membership=membership)
            messages.success(request, _("%(user)s was removed from the team.") % {"user": membership.user})
        elif form.is_valid():
            services.membership_change_role(membership=membership, role=Role(form.cleaned_data["role"]))
            messages.success(request, _("The role of %(user)s was changed.") % {"user": membership.user})
        else:
            messages.error(request, _("Choose a valid role."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("teams:team-members", team.slug)


@login_required
def api_keys(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            api_key, raw_key = services.api_key_create(
                team=team,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                created_by=cast(User, request.user),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("API key “%(name)s” was created.") % {"name": api_key.name})
            # Shown once on the next page: a reload there cannot create a second key.
            request.session[NEW_KEY_SESSION] = raw_key
            return redirect("teams:api-keys", team.slug)
    new_key = request.session.pop(NEW_KEY_SESSION, None) if request.method == "GET" else None
    context = {"team": team, "form": form, "api_keys": api_keys_of_team(team=team), "new_key": new_key}
    return render(request, "teams/api_keys.html", context)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, team_slug: str, prefix: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    api_key = get_object_or_404(TeamApiKey, team=team, prefix=prefix)
    services.api_key_revoke(api_key=api_key)
    messages.success(request, _("API key “%(name)s” was revoked.") % {"name": api_key.name})
    return redirect("teams:api-keys", team.slug)


@login_required
def team_security(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    form = TeamSecurityForm(request.POST or None, instance=Team(require_2fa=team.require_2fa))
    if request.method == "POST" and form.is_valid():
        try:
            services.team_security_update(
                team=team, require_2fa=form.cleaned_data["require_2fa"], changed_by=cast(User, request.user)
            )
        except ApplicationError as error:
            form.add_error("require_2fa", error.message)
        else:
            messages.success(request, _("The sign-in settings of %(team)s were saved.") % {"team": team.name})
            return redirect("teams:team-security", team.slug)
    inherited = team.parent is not None and team_requires_two_factor(team.parent)
    return render(request, "teams/team_security.html", {"team": team, "form": form, "inherited": inherited})

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import services
from .access import can, invitation_for_invitee, team_for_member, team_requires_two_factor
from .errors import ApplicationError
from .forms import ApiKeyCreateForm, MemberAddForm, MembershipRoleForm, TeamSecurityForm
from .models import Membership, Role, Team, TeamApiKey
from .ratelimit import mail_rate_limit, too_many_mails_message
from .remote import client_ip
from .selectors import api_keys_of_team, invitations_of_user, memberships_of_team, team_rows_for_user

NEW_KEY_SESSION = "new_api_key"


@login_required
@require_safe
def team_list(request: HttpRequest) -> HttpResponse:
    rows = team_rows_for_user(request.user)
    context = {
        "rows": rows,
        # The navbar's team switcher shows the same rows: no need to compute them twice.
        "nav_team_rows": rows,
        "invitations": invitations_of_user(user=cast(User, request.user)),
    }
    return render(request, "teams/team_list.html", context)


@login_required
@require_safe
def team_home(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug)
    context = {
        "team": team,
        # Named only to those who may open it: a member of this team alone would follow the link to a 404.
        "parent": team.parent if team.parent and can(request.user, team.parent, Role.VIEWER) else None,
        "children": team.children.all(),
        "is_admin": can(request.user, team, Role.ADMIN),
    }
    return render(request, "teams/team_home.html", context)


@login_required
def team_members(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_for_member(request.user, team_slug, role=Role.ADMIN)
    form = MemberAddForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        who = form.cleaned_data["who"]
        usage = mail_rate_limit(address=who, client=client_ip(request))
        if usage.allowed:
            services.member_invite(
                team=team,
                who=who,
                role=Role(form.cleaned_data["role"]),
                invited_by=cast(User, request.user),
                base_url=request.build_absolute_uri("/"),
            )
            # The same words whoever `who` is: the page does not tell who has an account or is a member.
            messages.success(request, _("Invitation sent to %(who)s.") % {"who": who})
            return redirect("teams:team-members", team.slug)
        form.add_error("who", too_many_mails_message(usage))
        status = 429
    context = {"team": team, "form": form, "memberships": memberships_of_team(team=team), "roles": Role.choices}
    return render(request, "teams/team_members.html", context, status=status)


@login_required
@require_POST
def invitation_respond(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_for_invitee(request.user, invitation_id)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            membership = services.invitation_accept(invitation=invitation)
            messages.success(
                request,
                _("You joined %(team)s as %(role)s.")
                % {"team": invitation.team.name, "role": Role(membership.role).label},
            )
            return redirect(invitation.team)
        if answer == "decline":
            services.invitation_decline(invitation=invitation)
            messages.success(request, _("You declined the invitation to %(team)s.") % {"team": invitation.team.name})
        else:
            messages.error(request, _("Accept or decline the invitation."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("teams:team-list")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the e-mails it sends counted per address and per client address."""

    def form_valid(self, form: Any) -> HttpResponse:
        usage = mail_rate_limit(address=form.cleaned_data["email"], client=client_ip(self.request))
        if usage.allowed:
            return super().form_valid(form)
        form.add_error("email", too_many_mails_message(usage))
        return self.render_to_response(self.get_context_data(form=form), status=429)


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
    # The example reads a metric the team has, so it works when pasted.
    example_metric = team.metrics.order_by("key").values_list("key", flat=True).first()
    context = {
        "team": team,
        "form": form,
        "api_keys": api_keys_of_team(team=team),
        "new_key": new_key,
        "example_metric": example_metric,
    }
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

"""The one access module: every view and API endpoint finds its team through here.

Rules (DESIGN.md sections 3 and 7):
* A membership on a team also applies to every team below it; the highest role wins.
* Superusers see every team as admins.
* Someone with no role on a team gets 404 (the team's existence is not revealed);
  someone whose role is too low for the action gets 403.
* An API key belongs to exactly one team and acts with its scopes.
* A team that requires two-factor authentication (itself or a team above it) is shown to its members only
  once they have set it up; until then `TwoFactorRequired` sends them to set it up (teams.two_factor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Role, Team, TeamApiKey
from .two_factor import TwoFactorRequired, has_two_factor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    UserLike = User | AnonymousUser

# Read, ingest and write scopes of an API key map onto the roles a user would need.
SCOPE_FOR_ROLE = {Role.VIEWER: "read", Role.EDITOR: "write", Role.ADMIN: None}

_CACHE_ATTR = "_team_roles_cache"
_TWO_FACTOR_CACHE_ATTR = "_team_2fa_cache"


def _ancestry(team: Team) -> list[tuple[int, bool]]:
    """(id, requires two-factor authentication) of the team and every team above it, nearest first."""
    chain = [(team.pk, team.require_2fa)]
    parent_id = team.parent_id
    seen = {team.pk}
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        row = Team.objects.filter(pk=parent_id).values_list("parent_id", "require_2fa").first()
        if row is None:
            break
        chain.append((parent_id, row[1]))
        parent_id = row[0]
    return chain


def ancestor_ids(team: Team) -> list[int]:
    """The team's id followed by the ids of every team above it, nearest first."""
    return [pk for pk, _required in _ancestry(team)]


def team_requires_two_factor(team: Team) -> bool:
    """Does the team, or a team above it, require two-factor authentication of its members?"""
    return any(required for _pk, required in _ancestry(team))


def max_role(roles: list[str]) -> Role | None:
    return max((Role(r) for r in roles), key=lambda r: r.rank, default=None)


def role_for(user: UserLike, team: Team) -> Role | None:
    """The user's effective role on the team, or None when the user is an outsider."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    cache: dict[int, Role | None] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if team.pk not in cache:
        chain = _ancestry(team)
        roles = Membership.objects.filter(user=user, team_id__in=[pk for pk, _ in chain]).values_list("role", flat=True)
        cache[team.pk] = max_role(list(roles))
        user.__dict__.setdefault(_TWO_FACTOR_CACHE_ATTR, {})[team.pk] = any(required for _, required in chain)
    return cache[team.pk]


def require_two_factor(user: UserLike, team: Team) -> None:
    """Raise TwoFactorRequired for a member without two-factor authentication on a team that requires it."""
    cache: dict[int, bool] = user.__dict__.setdefault(_TWO_FACTOR_CACHE_ATTR, {})
    if team.pk not in cache:
        cache[team.pk] = team_requires_two_factor(team)
    if cache[team.pk] and not has_two_factor(user):
        raise TwoFactorRequired(
            _("%(team)s requires two-factor authentication: set it up to see the team.") % {"team": team.name}
        )


def visible_team_roles(user: UserLike) -> dict[int, Role]:
    """Every team the user may see, with the user's effective role on it.

    Roles flow down the tree one level per query, for all memberships at once, so the number of
    queries follows the depth of the tree, not the number of memberships.
    """
    if not user.is_authenticated or not user.is_active:
        return {}
    if user.is_superuser:
        return dict.fromkeys(Team.objects.values_list("pk", flat=True), Role.ADMIN)
    roles = {
        team_id: Role(role) for team_id, role in Membership.objects.filter(user=user).values_list("team_id", "role")
    }
    frontier = set(roles)
    while frontier:
        changed: set[int] = set()
        for pk, parent_id in Team.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id"):
            inherited = roles[parent_id]
            if pk not in roles or inherited.rank > roles[pk].rank:
                roles[pk] = inherited
                changed.add(pk)
        frontier = changed
    return roles


def readable_team_roles(user: UserLike) -> dict[int, Role]:
    """The visible teams whose data the user may read now: without two-factor authentication, not those that
    require it (the team list still shows them, and opening one asks for the set-up)."""
    roles = visible_team_roles(user)
    blocked = set(Team.objects.filter(require_2fa=True).values_list("pk", flat=True)) if roles else set()
    if not blocked or has_two_factor(user):
        return roles
    frontier = set(blocked)
    while frontier:
        frontier = set(Team.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - blocked
        blocked |= frontier
    return {pk: role for pk, role in roles.items() if pk not in blocked}


def require_role(role: Role | None, needed: Role) -> None:
    """Raise 404 for outsiders and 403 for members whose role is too low."""
    if role is None:
        raise Http404(_("No such team."))
    if role.rank < needed.rank:
        raise PermissionDenied(_("Your role on this team does not allow this."))


def team_for_member(user: UserLike, team_slug: str, *, role: Role = Role.VIEWER) -> Team:
    """The team named by slug, checked for a member with at least `role`."""
    team = Team.objects.filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such team."))
    require_role(role_for(user, team), role)
    require_two_factor(user, team)
    return team


def team_for_request(request: Any, team_slug: str, *, role: Role = Role.VIEWER, scope: str | None = None) -> Team:
    """The team for a web or API request, signed in by session or by a team API key.

    An API key reaches only its own team (404 elsewhere) and needs `scope` (by default the
    scope that matches `role`: read for viewers, write for editors); admin actions are
    never open to keys.
    """
    api_key = getattr(request, "auth", None)
    if isinstance(api_key, TeamApiKey):
        team = Team.objects.filter(slug=team_slug).first()
        if team is None or team.pk != api_key.team_id:
            raise Http404(_("No such team."))
        needed_scope = scope or SCOPE_FOR_ROLE[role]
        if needed_scope is None or not api_key.has_scope(needed_scope):
            raise PermissionDenied(
                _("This API key does not have the “%(scope)s” scope.") % {"scope": needed_scope or "admin"}
            )
        return team
    return team_for_member(request.user, team_slug, role=role)


def invitation_for_invitee(user: UserLike, invitation_id: int) -> Invitation:
    """An invitation, for the user it invites only: 404 for anyone else, the team's admins included."""
    invitation = None
    if user.is_authenticated:
        invitation = Invitation.objects.select_related("team").filter(pk=invitation_id, user_id=user.pk).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    return invitation


def can(user: UserLike, team: Team, needed: Role) -> bool:
    """For templates: may the user do what `needed` allows on this team?"""
    role = role_for(user, team)
    return role is not None and role.rank >= needed.rank

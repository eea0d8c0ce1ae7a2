"""Reads for teams: what a user sees, with their role."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .access import ancestor_ids, visible_team_roles
from .models import Invitation, Membership, Role, Team, TeamApiKey


@dataclass(frozen=True)
class TeamRow:
    team: Team
    role: Role
    depth: int


def team_rows_for_user(user) -> list[TeamRow]:
    """Visible teams as a tree (parents before children), each with the user's role."""
    roles = visible_team_roles(user)
    teams = {t.pk: t for t in Team.objects.filter(pk__in=list(roles))}
    children: dict[int | None, list[Team]] = {}
    for team in teams.values():
        parent = team.parent_id if team.parent_id in teams else None
        children.setdefault(parent, []).append(team)
    rows: list[TeamRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for team in sorted(children.get(parent, []), key=lambda t: t.name.lower()):
            rows.append(TeamRow(team=team, role=roles[team.pk], depth=depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return rows


def memberships_of_team(*, team: Team) -> QuerySet[Membership]:
    return Membership.objects.filter(team=team).select_related("user").order_by("user__username")


def api_keys_of_team(*, team: Team) -> QuerySet[TeamApiKey]:
    return TeamApiKey.objects.filter(team=team).select_related("created_by").order_by("revoked", "-created")


def invitations_of_user(*, user: User) -> QuerySet[Invitation]:
    """The invitations waiting for the user's answer."""
    return Invitation.objects.filter(user=user).select_related("team", "invited_by").order_by("team__name")


def users_of_team(*, team: Team, roles: tuple[Role, ...] | None = None) -> QuerySet[User]:
    """The people who may own a team's KPIs and actions: active members of the team or of a team above it
    (with one of `roles` there, when given).

    Superusers see every team, but they are offered (and accepted) only where they are members: a list of
    owners must not show people of other organisations.
    """
    memberships: dict[str, object] = {"memberships__team_id__in": ancestor_ids(team)}
    if roles is not None:
        memberships["memberships__role__in"] = roles
    return User.objects.filter(is_active=True, **memberships).distinct().order_by("username")

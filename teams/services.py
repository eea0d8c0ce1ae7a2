"""Writes for teams, memberships and API keys."""

from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .models import ApiKeyScope, Membership, Role, Team, TeamApiKey


def _locked_for_admin_change(membership: Membership, *, keeps_admin: bool) -> Membership:
    """The membership, fresh and locked; refuses a change that would leave its team without an admin.

    Two admins demoting or removing each other at the same time would each still see the other as admin.
    Every admin membership of the team (and this one) is locked first, in id order so that two requests
    cannot deadlock, and only then counted: the second request waits and counts what the first left.
    """
    locked = list(
        Membership.objects.select_for_update()
        .filter(Q(team_id=membership.team_id, role=Role.ADMIN) | Q(pk=membership.pk))
        .order_by("pk")
    )
    current = next((m for m in locked if m.pk == membership.pk), None)
    if current is None:
        raise ApplicationError(_("%(user)s is no longer a member of this team.") % {"user": membership.user})
    last_admin = current.role == Role.ADMIN and not any(m.role == Role.ADMIN for m in locked if m.pk != current.pk)
    if last_admin and not keeps_admin:
        raise ApplicationError(_("A team needs at least one admin: make someone else admin first."))
    return current


@transaction.atomic
def membership_add(*, team: Team, user: User, role: Role) -> Membership:
    if Membership.objects.filter(team=team, user=user).exists():
        raise ApplicationError(_("%(user)s is already a member of this team.") % {"user": user}, field="user")
    return Membership.objects.create(team=team, user=user, role=role)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: Role) -> Membership:
    membership = _locked_for_admin_change(membership, keeps_admin=role == Role.ADMIN)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _locked_for_admin_change(membership, keeps_admin=False).delete()


def invitation_link(*, user: User, base_url: str) -> str:
    """A set-password link (Django's password reset token) for an invited user."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


@transaction.atomic
def member_invite(*, team: Team, email: str, role: Role, invited_by: User, base_url: str) -> Membership:
    """Add the user with this e-mail, creating an account with a set-password link if needed."""
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(username=email.lower()[:150], email=email)
        user.set_unusable_password()
        user.save()
    membership = membership_add(team=team, user=user, role=role)
    if created:
        context = {
            "team": team,
            "invited_by": invited_by,
            "link": invitation_link(user=user, base_url=base_url),
            "username": user.get_username(),
        }
        transaction.on_commit(
            lambda: send_mail(
                subject=_("You are invited to %(team)s on Scorecard") % {"team": team.name},
                message=render_to_string("teams/email/invitation.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )
        )
    return membership


def parse_scopes(raw: str | list[str]) -> list[str]:
    scopes = raw.split(",") if isinstance(raw, str) else raw
    cleaned = sorted({s.strip() for s in scopes if s.strip()})
    valid = set(ApiKeyScope.values)
    unknown = [s for s in cleaned if s not in valid]
    if unknown or not cleaned:
        raise ApplicationError(
            _("Scopes must be one or more of %(valid)s; got %(got)s.")
            % {"valid": ", ".join(ApiKeyScope.values), "got": ", ".join(unknown) or _("none")},
            field="scopes",
        )
    return cleaned


@transaction.atomic
def api_key_create(
    *, team: Team, name: str, scopes: list[str], created_by: User | None = None
) -> tuple[TeamApiKey, str]:
    """Create a key; the raw key is returned once and never stored (only its hash)."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the key a name."), field="name")
    api_key, raw_key = TeamApiKey.objects.create_key(
        team=team, name=name, scopes=parse_scopes(scopes), created_by=created_by
    )
    return cast(TeamApiKey, api_key), raw_key


@transaction.atomic
def api_key_revoke(*, api_key: TeamApiKey) -> TeamApiKey:
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    return api_key

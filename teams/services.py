"""Writes for teams, memberships and API keys."""

from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .models import ApiKeyScope, Membership, Role, Team, TeamApiKey
from .two_factor import has_two_factor


def _ensure_another_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    others = Membership.objects.filter(team=membership.team, role=Role.ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise ApplicationError(_("A team needs at least one admin: make someone else admin first."))


@transaction.atomic
def membership_add(*, team: Team, user: User, role: Role) -> Membership:
    if Membership.objects.filter(team=team, user=user).exists():
        raise ApplicationError(_("%(user)s is already a member of this team.") % {"user": user}, field="user")
    return Membership.objects.create(team=team, user=user, role=role)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: Role) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != Role.ADMIN:
        _ensure_another_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_another_admin(membership)
    membership.delete()


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


@transaction.atomic
def team_security_update(*, team: Team, require_2fa: bool, changed_by: User) -> Team:
    """Require (or stop requiring) two-factor authentication of everyone with a role on the team and below it.

    The admin who turns it on must have it already: otherwise the team would lock its own admin out of the page.
    """
    if require_2fa and not team.require_2fa and not has_two_factor(changed_by):
        raise ApplicationError(
            _("Set up two-factor authentication for yourself first: the team would ask you for it at once."),
            field="require_2fa",
        )
    if team.require_2fa != require_2fa:
        team.require_2fa = require_2fa
        team.save(update_fields=["require_2fa"])
    return team


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

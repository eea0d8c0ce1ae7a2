"""Writes for teams, memberships and API keys."""

import secrets
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
from .models import ApiKeyScope, Invitation, Membership, Role, Team, TeamApiKey
from .two_factor import has_two_factor


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


def _user_named(who: str) -> User | None:
    """The user whose username is `who`, or else whose e-mail address it is."""
    user = User.objects.filter(username=who).first()
    if user is None and "@" in who:
        user = User.objects.filter(email__iexact=User.objects.normalize_email(who)).order_by("pk").first()
    return user


def _new_account(*, email: str) -> User:
    """An account without a password for a new e-mail address, named after it (made unique if someone has the name)."""
    username = email.lower()[:150]
    if User.objects.filter(username__iexact=username).exists():
        username = f"{username[:141]}-{secrets.token_hex(4)}"
    user = User(username=username, email=email)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def member_invite(*, team: Team, who: str, role: Role, invited_by: User, base_url: str) -> None:
    """Invite the person named by `who` (a username or an e-mail address); they join by accepting.

    Nothing here tells the admin who has an account or who is a member already: the caller shows the
    same "invitation sent" for every `who`. An unknown username gets nothing (there is no one to
    write to), a member nothing, a new e-mail address an account with a set-password link, and every
    other user an invitation to accept or decline on their teams page.
    """
    who = who.strip()
    user = _user_named(who)
    if user is None and "@" in who:
        user = _new_account(email=User.objects.normalize_email(who))
    if user is None or Membership.objects.filter(team=team, user=user).exists():
        return
    invitation, _created = Invitation.objects.update_or_create(
        team=team, user=user, defaults={"role": role, "invited_by": invited_by}
    )
    from .tasks import invitation_mail_send

    transaction.on_commit(lambda: invitation_mail_send.delay(invitation.pk, base_url))


def invitation_mail(*, invitation_id: int, base_url: str) -> None:
    """E-mail the invitation; someone who never chose a password gets a set-password link with it."""
    invitation = Invitation.objects.select_related("team", "user", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.user.email:  # answered before the mail went out
        return
    user = invitation.user
    context = {
        "team": invitation.team,
        "role": Role(invitation.role).label,
        "invited_by": invitation.invited_by,
        "accept_link": base_url.rstrip("/") + reverse("teams:team-list"),
        "password_link": None if user.has_usable_password() else invitation_link(user=user, base_url=base_url),
        "username": user.get_username(),
    }
    send_mail(
        # One line, as Django's password reset does: a line break in a header is refused (BadHeaderError).
        subject=" ".join((_("You are invited to %(team)s on Scorecard") % {"team": invitation.team.name}).split()),
        message=render_to_string("teams/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation) -> Membership:
    """The invited user joins the team with the invited role (a member already keeps their role)."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        raise ApplicationError(_("This invitation was withdrawn or has already been answered."))
    membership, _created = Membership.objects.get_or_create(
        team_id=locked.team_id, user_id=locked.user_id, defaults={"role": locked.role}
    )
    locked.delete()
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).delete()


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

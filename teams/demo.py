"""Demo teams and users. Idempotent: running it again leaves the same rows."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Membership, Role, Team

User = get_user_model()

DEFAULT_PASSWORD = "scorecard-demo"  # noqa: S105 - the documented demo password

TEAMS = [
    # slug, name, parent slug
    ("acme", "Acme Retail", None),
    ("acme-social", "Social Media", "acme"),
    ("acme-webshop", "Webshop", "acme"),
    ("bakery", "Bakery Brothers", None),
]

USERS = [
    # username, e-mail, superuser, memberships
    ("admin", "admin@example.com", True, []),
    ("manager", "manager@example.com", False, [("acme", Role.VIEWER)]),
    ("marketer", "marketer@example.com", False, [("acme-social", Role.EDITOR)]),
    ("baker", "baker@example.com", False, [("bakery", Role.ADMIN)]),
]


@dataclass
class DemoContext:
    """What the teams seed made, handed to the other apps' demo seeds."""

    teams: dict[str, Team] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    large: bool = False
    large_teams: int = 50  # the large benchmark set's size: teams x years of daily points
    large_years: int = 3


def seed(context: DemoContext, *, password: str | None = None) -> None:
    password = password or getattr(settings, "DEMO_PASSWORD", None) or DEFAULT_PASSWORD
    for slug, name, parent_slug in TEAMS:
        parent = context.teams[parent_slug] if parent_slug else None
        team, _ = Team.objects.update_or_create(slug=slug, defaults={"name": name, "parent": parent})
        context.teams[slug] = team
    for username, email, superuser, memberships in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": email, "is_superuser": superuser, "is_staff": superuser},
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        context.users[username] = user
        for team_slug, role in memberships:
            Membership.objects.update_or_create(user=user, team=context.teams[team_slug], defaults={"role": role})

import re
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

TIMEZONE_CHOICES = [(name, name) for name in sorted(available_timezones())]


class Role(models.TextChoices):
    """Roles in rising order of power; a role includes every role below it."""

    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Admin")

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Amsterdam")
    require_2fa = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_(
            "Everyone with a role on this team or a team below it must set up two-factor authentication "
            "before they see the team."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:team-home", args=[self.slug])


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")]
        ordering = ["team__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.role})"


class Invitation(models.Model):
    """A team admin's offer of a role; the user becomes a member only by accepting it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="invitation_unique_user_team")]
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} invited to {self.team} ({self.role})"


class ApiKeyScope(models.TextChoices):
    READ = "read", _("Read")
    INGEST = "ingest", _("Ingest data points")
    WRITE = "write", _("Write")


class TeamApiKey(AbstractAPIKey):
    """A team's API key (djangorestframework-api-key): only a hash is stored."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="api_keys")
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class SsoProtocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class SsoProvider(models.Model):
    """An organisation's identity provider: its users (by e-mail domain, SsoDomain) sign in there.

    Configured by a superuser in the Django admin. teams.sso turns each enabled provider into the allauth
    app of its protocol (OpenID Connect or SAML 2.0).
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("Shown on the sign-in page, e.g. “Acme ID”."))
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, help_text=_("Part of the sign-in and callback addresses.")
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=SsoProtocol.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    local_passwords_disabled = models.BooleanField(
        _("local passwords disabled"),
        default=False,
        help_text=_("Users of these domains can only sign in through the identity provider."),
    )
    # OpenID Connect
    issuer_url = models.URLField(
        _("issuer URL"),
        blank=True,
        help_text=_(
            "OpenID Connect: the issuer, whose /.well-known/openid-configuration is read, e.g. "
            "https://login.microsoftonline.com/<tenant>/v2.0 or https://accounts.google.com."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=255, blank=True)
    # SAML 2.0
    idp_entity_id = models.CharField(_("IdP entity ID"), max_length=255, blank=True)
    idp_sso_url = models.URLField(_("IdP single sign-on URL"), blank=True)
    idp_x509_certificate = models.TextField(
        _("IdP signing certificate"), blank=True, help_text=_("SAML: the IdP's X.509 certificate (PEM).")
    )
    idp_metadata_url = models.URLField(
        _("IdP metadata URL"),
        blank=True,
        help_text=_("SAML: instead of the three fields above, read them from the IdP's metadata."),
    )
    extra_settings = models.JSONField(
        _("extra settings"),
        default=dict,
        blank=True,
        help_text=_(
            "Advanced allauth app settings merged over the generated ones, e.g. "
            '{"attribute_mapping": {...}} for SAML or {"scope": [...]} for OpenID Connect.'
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("single sign-on provider")
        verbose_name_plural = _("single sign-on providers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        missing: dict[str, Any] = {}
        needed = _("Required for this protocol.")
        if self.protocol == SsoProtocol.OIDC:
            missing = {field: needed for field in ("issuer_url", "client_id") if not getattr(self, field)}
        elif self.protocol == SsoProtocol.SAML and not self.idp_metadata_url:
            fields = ("idp_entity_id", "idp_sso_url", "idp_x509_certificate")
            missing = {field: needed for field in fields if not getattr(self, field)}
        if missing:
            raise ValidationError(missing)
        if not isinstance(self.extra_settings, dict):
            raise ValidationError({"extra_settings": _("Give a JSON object.")})


DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SsoDomain(models.Model):
    """An e-mail domain whose users sign in with the provider."""

    provider = models.ForeignKey(SsoProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("e-mail domain"), max_length=253, unique=True, help_text=_("e.g. acme.com"))

    class Meta:
        ordering = ["domain"]
        verbose_name = _("single sign-on domain")
        verbose_name_plural = _("single sign-on domains")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.domain = normalize_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.domain = normalize_domain(self.domain)
        if not DOMAIN_PATTERN.match(self.domain):
            raise ValidationError({"domain": _("Enter a domain name such as acme.com, without “@” or a path.")})


def normalize_domain(domain: str) -> str:
    return domain.strip().lower().lstrip("@")

from typing import Any

from allauth.socialaccount.models import SocialApp, SocialToken
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import Invitation, Membership, SsoDomain, SsoProtocol, SsoProvider, Team, TeamApiKey

# Single sign-on is configured in SsoProvider (teams.sso.config builds allauth's apps from it): allauth's own
# app and token tables are not used, so they are not offered here.
for model in (SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "timezone", "require_2fa"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(TeamApiKey)
class TeamApiKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "team", "scopes", "last_used_at")  # type: ignore[assignment]
    list_filter = (*APIKeyModelAdmin.list_filter, "team")  # type: ignore[assignment]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "invited_by", "created_at"]
    list_filter = ["team"]
    autocomplete_fields = ["user", "team", "invited_by"]


PROVIDER_FIELDS = ["name", "slug", "protocol", "enabled", "local_passwords_disabled"]


class SsoDomainInline(admin.TabularInline):
    model = SsoDomain
    extra = 1


@admin.register(SsoProvider)
class SsoProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "protocol", "enabled", "local_passwords_disabled", "domain_list"]
    list_filter = ["protocol", "enabled"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SsoDomainInline]
    readonly_fields = ["addresses_for_the_idp"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "protocol", "enabled", "local_passwords_disabled", "addresses_for_the_idp"]},
        ),
        (_("OpenID Connect"), {"fields": ["issuer_url", "client_id", "client_secret"]}),
        (_("SAML 2.0"), {"fields": ["idp_entity_id", "idp_sso_url", "idp_x509_certificate", "idp_metadata_url"]}),
        (_("Advanced"), {"fields": ["extra_settings"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("addresses for the identity provider"))
    def addresses_for_the_idp(self, provider: SsoProvider) -> Any:
        """What the organisation's IdP administrator registers for this app (from SCORECARD_BASE_URL)."""
        if not provider.pk:
            return _("Shown once the provider is saved.")
        base = settings.SCORECARD_BASE_URL.rstrip("/")
        if provider.protocol == SsoProtocol.OIDC:
            rows = [(_("Redirect URI"), reverse("openid_connect_callback", args=[provider.slug]))]
        else:
            rows = [
                (_("Entity ID (metadata)"), reverse("saml_metadata", args=[provider.slug])),
                (_("Assertion consumer service"), reverse("saml_acs", args=[provider.slug])),
            ]
        return format_html_join(
            mark_safe("<br>"), "{}: <code>{}{}</code>", ((label, base, path) for label, path in rows)
        )

    @admin.display(description=_("e-mail domains"))
    def domain_list(self, provider: SsoProvider) -> str:
        return ", ".join(domain.domain for domain in provider.domains.all())

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("domains")

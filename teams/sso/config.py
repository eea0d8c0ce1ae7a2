"""From `SsoProvider` rows to allauth apps, and from an e-mail address to its provider."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model

from ..models import SsoDomain, SsoProtocol, SsoProvider, normalize_domain

OIDC = "openid_connect"
SAML = "saml"


def domain_of(email: str) -> str:
    return normalize_domain(email.rpartition("@")[2]) if "@" in email else ""


def provider_for_email(email: str) -> SsoProvider | None:
    """The enabled provider that signs in this e-mail address's domain, if any."""
    domain = domain_of(email)
    if not domain:
        return None
    found = SsoDomain.objects.filter(domain=domain, provider__enabled=True).select_related("provider").first()
    return found.provider if found else None


def provider_for_identifier(identifier: str) -> SsoProvider | None:
    """The provider for what someone typed on the sign-in page: an e-mail address, or a username whose
    account has an address of a configured domain."""
    identifier = identifier.strip()
    if "@" in identifier:
        return provider_for_email(identifier)
    user = get_user_model().objects.filter(username=identifier).only("email").first()
    return provider_for_email(user.email) if user is not None and user.email else None


def provider_of_app(app: SocialApp) -> SsoProvider | None:
    return SsoProvider.objects.filter(slug=app.provider_id, enabled=True).prefetch_related("domains").first()


def social_app(provider: SsoProvider) -> SocialApp:
    """The allauth app (never saved: `SsoProvider` is the one place of configuration) for a provider."""
    extra: dict[str, Any] = dict(provider.extra_settings or {})
    if provider.protocol == SsoProtocol.OIDC:
        settings = {"server_url": provider.issuer_url, "oauth_pkce_enabled": True, **extra}
        return SocialApp(
            provider=OIDC,
            provider_id=provider.slug,
            name=provider.name,
            client_id=provider.client_id,
            secret=provider.client_secret,
            settings=settings,
        )
    if provider.idp_metadata_url:
        idp = {"entity_id": provider.idp_entity_id, "metadata_url": provider.idp_metadata_url}
    else:
        idp = {
            "entity_id": provider.idp_entity_id,
            "sso_url": provider.idp_sso_url,
            "x509cert": provider.idp_x509_certificate,
        }
    # python3-saml refuses a response in which neither the response nor the assertion is signed.
    return SocialApp(
        provider=SAML,
        provider_id=provider.slug,
        name=provider.name,
        client_id=provider.slug,
        settings={"idp": idp, **extra},
    )

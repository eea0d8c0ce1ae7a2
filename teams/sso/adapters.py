"""allauth adapters: who may sign in, and what account a first single sign-on creates."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import SsoProvider
from . import config
from .oidc import VerifiedOIDCProvider, nonce_matches


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No self sign-up: accounts come from invitations, or a first single sign-on (SocialAccountAdapter)."""
        return False


def refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    """The sign-in failure page with the reason, and nothing signed in or created."""
    context = {"reason": reason}
    return ImmediateHttpResponse(render(request, "socialaccount/authentication_error.html", context, status=401))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: HttpRequest | None, provider: Any = None, client_id: Any = None) -> list[SocialApp]:
        """The apps of the enabled `SsoProvider` rows (the one place of configuration; allauth's own SocialApp
        table and SOCIALACCOUNT_PROVIDERS are not read)."""
        apps = [config.social_app(row) for row in SsoProvider.objects.filter(enabled=True)]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def get_provider(self, request: HttpRequest, provider: Any, client_id: Any = None) -> Any:
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return VerifiedOIDCProvider(request, app=found.app)
        return found

    def authenticate_by_email(self, sociallogin: SocialLogin) -> Any:
        """The provider vouches for the addresses of its own domains (it is their organisation's directory), and
        for no others: only those may join an existing account with the same address."""
        provider = self._sso_provider(sociallogin)
        domains = {d.domain for d in provider.domains.all()} if provider else set()
        for address in sociallogin.email_addresses:
            address.verified = config.domain_of(address.email) in domains
        return super().authenticate_by_email(sociallogin)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if isinstance(sociallogin.provider, OpenIDConnectProvider) and not nonce_matches(sociallogin):
            raise refuse(request, _("The identity provider's answer does not belong to this sign-in."))
        if not sociallogin.is_existing and not self._email_in_provider_domains(sociallogin):
            email = sociallogin.user.email if sociallogin.user else ""
            if not email:
                raise refuse(request, _("The identity provider did not give your e-mail address."))
            raise refuse(
                request,
                _("%(email)s is not an address of the organisations this identity provider signs in for.")
                % {"email": email},
            )

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A first sign-in of an address of the provider's own domains creates the account (with no team role:
        an admin gives one by inviting or adding the user)."""
        return self._email_in_provider_domains(sociallogin)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        if user.email:
            user.username = user.email.lower()[:150]  # as invitations name their accounts
        return user

    def _sso_provider(self, sociallogin: SocialLogin) -> SsoProvider | None:
        return config.provider_of_app(sociallogin.provider.app)

    def _email_in_provider_domains(self, sociallogin: SocialLogin) -> bool:
        email = sociallogin.user.email if sociallogin.user else ""
        provider = self._sso_provider(sociallogin)
        if not email or provider is None:
            return False
        return config.domain_of(email) in {d.domain for d in provider.domains.all()}

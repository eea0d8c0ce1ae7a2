"""The sign-in page: who is signing in first, then their identity provider or their password."""

from __future__ import annotations

import logging
from typing import Any

import requests
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from onelogin.saml2.errors import OneLogin_Saml2_Error

from ..models import SsoProtocol, SsoProvider
from . import config
from .forms import IdentifierForm

logger = logging.getLogger(__name__)


def sso_redirect(request: HttpRequest, provider: SsoProvider, *, login_hint: str) -> HttpResponse:
    """Send the user to the organisation's identity provider; they come back to allauth's callback."""
    instance = get_adapter(request).get_provider(request, provider.slug)
    kwargs: dict[str, Any] = {}
    try:
        if provider.protocol == SsoProtocol.OIDC:
            kwargs["auth_params"] = {**instance.get_auth_params(), "login_hint": login_hint}
        return instance.redirect(request, AuthProcess.LOGIN, next_url=get_next_redirect_url(request), **kwargs)
    except (requests.RequestException, ValueError, KeyError, OneLogin_Saml2_Error) as error:
        # The provider cannot be reached, or its settings (discovery document, certificate...) are unusable.
        logger.warning("Single sign-on with %s could not start: %r", provider.slug, error)
        reason = _(
            "%(provider)s cannot be reached or is not set up correctly. Try again later, or ask your administrator."
        ) % {"provider": provider.name}
        return render(request, "socialaccount/authentication_error.html", {"reason": reason}, status=502)


class SignInView(LoginView):
    """Step one asks for the username or e-mail address only; an address of a domain with single sign-on goes
    to its provider, anyone else gets the password step (allauth's sign-in, then its second-factor step).
    A form that posts both at once (a password manager) signs in directly."""

    identifier_step = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        identifier_form = IdentifierForm(initial={"login": request.GET.get("login", "")})
        return self.render_to_response(self.get_context_data(form=identifier_form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "login" not in request.POST and "username" in request.POST:
            # The field of Django's sign-in form that this page replaced: password managers still send it.
            data = request.POST.copy()
            data["login"] = request.POST["username"]
            request.POST = data  # type: ignore[assignment]
        identifier_form = IdentifierForm(request.POST)
        if not identifier_form.is_valid():
            return self.render_to_response(self.get_context_data(form=identifier_form))
        identifier = identifier_form.cleaned_data["login"]
        provider = config.provider_for_identifier(identifier)
        if provider is not None and ("password" not in request.POST or provider.local_passwords_disabled):
            return sso_redirect(request, provider, login_hint=identifier)
        if "password" in request.POST:
            self.identifier_step = False
            return super().post(request, *args, **kwargs)
        self.identifier_step = False
        password_form = self.get_form_class()(request=request, initial={"login": identifier})
        return self.render_to_response(self.get_context_data(form=password_form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "identifier_step": self.identifier_step}


sign_in = SignInView.as_view()

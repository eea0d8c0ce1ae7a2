"""Two-factor authentication: who must have it, sending them to set it up, and the lockout of both factors.

* A team admin can require two-factor authentication for everyone with a role on the team (and on the teams
  below it); `teams.access` raises `TwoFactorRequired` for such a member without it. A superuser can require
  it of everyone (`SCORECARD_REQUIRE_2FA`). `RequireTwoFactorMiddleware` is the one place that turns either
  into "set it up first" (a redirect to the two-factor page, or a 403 for the API).
* django-axes counts failed sign-ins per account and address: a bad two-factor code counts like a bad password
  (`count_failed_code`), and a locked-out account is refused a right code as well (`AxesAuthenticateForm`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
NEXT_SESSION_KEY = "two_factor_next"
_CACHE_ATTR = "_has_two_factor"
# Where someone who must set up a second factor may still go: signing in and out, the two-factor pages, the
# password pages, switching the language, static files and the health check.
EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


class TwoFactorRequired(PermissionDenied):
    """The user has a role on a team that requires two-factor authentication, and has not set it up."""


def has_two_factor(user: Any) -> bool:
    """Has the user set up an authenticator app or a security key? (Cached on the user for the request.)"""
    if not user.is_authenticated:
        return False
    if _CACHE_ATTR not in user.__dict__:
        user.__dict__[_CACHE_ATTR] = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
    return user.__dict__[_CACHE_ATTR]


def must_set_up_site_wide(user: Any) -> bool:
    return bool(settings.SCORECARD_REQUIRE_2FA) and user.is_authenticated and not has_two_factor(user)


def _set_up_first(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    if request.method == "GET":
        request.session[NEXT_SESSION_KEY] = request.get_full_path()
    messages.warning(request, message)
    return redirect("mfa_index")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(NEXT_SESSION_KEY) == request.get_full_path():
            del request.session[NEXT_SESSION_KEY]  # back where two-factor authentication was asked for
        if not request.path.startswith(EXEMPT_PREFIXES) and must_set_up_site_wide(request.user):
            return _set_up_first(request, _("Set up two-factor authentication to continue: it is required here."))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TwoFactorRequired):
            return _set_up_first(request, str(exception))
        return None


# --- django-axes for the second factor ------------------------------------------------------------------------


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The account a sign-in attempt is for, so that failures add up whether the username or the e-mail address
    was typed, and bad two-factor codes count with bad passwords."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if typed is None:
        data = getattr(request, "POST", {})
        typed = data.get("login") or data.get("username") or ""
    typed = str(typed).strip()
    if "@" in typed:
        user = get_user_model().objects.filter(email__iexact=typed).order_by("pk").first()
        if user is not None:
            return user.get_username()
    return typed


@receiver(mfa_signals.authentication_failed)
def count_failed_code(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A wrong two-factor code is a failed sign-in for django-axes (its lockout then covers both factors)."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)


class AxesCodeFormMixin:
    """Refuses every code, even the right one, while django-axes has the account locked out."""

    user: Any

    def clean_code(self) -> str:
        request = context.request
        if not AxesProxyHandler.is_allowed(request, {"username": self.user.get_username()}):
            request.axes_locked_out = True  # type: ignore[attr-defined]  # AxesMiddleware answers with the lockout
            raise forms.ValidationError(_("Too many failed sign-in attempts."))
        return super().clean_code()  # type: ignore[misc]


class AxesAuthenticateForm(AxesCodeFormMixin, AuthenticateForm):
    pass


class AxesReauthenticateForm(AxesCodeFormMixin, ReauthenticateForm):
    pass

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from . import config

LOGIN_LABEL = _("Username or e-mail address")


def _login_field(*, autofocus: bool) -> forms.CharField:
    attrs: dict[str, Any] = {"autocomplete": "username"}
    if autofocus:
        attrs["autofocus"] = True
    return forms.CharField(label=LOGIN_LABEL, max_length=254, widget=forms.TextInput(attrs=attrs))


class IdentifierForm(forms.Form):
    """The sign-in page's first step: who is signing in (their organisation may sign them in)."""

    login = _login_field(autofocus=True)

    def clean_login(self) -> str:
        return self.cleaned_data["login"].strip()


class SignInForm(LoginForm):
    """allauth's password sign-in, refused for the domains whose organisation turned local passwords off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = _login_field(autofocus=False)
        self.fields["password"].widget.attrs["autofocus"] = True  # the step after "who": the password
        self.order_fields(["login", "password", "remember"])

    def clean(self) -> dict[str, Any]:
        provider = config.provider_for_identifier(self.data.get("login", ""))
        if provider is not None and provider.local_passwords_disabled:
            raise forms.ValidationError(
                _("Your organisation signs you in with %(provider)s, not with a password here.")
                % {"provider": provider.name}
            )
        return super().clean()

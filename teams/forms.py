from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import ApiKeyScope, Membership, Role, Team

User = get_user_model()


class MemberAddForm(forms.Form):
    """Add an existing user by username or e-mail, or invite a new one by e-mail."""

    who = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        help_text=_("An existing user is added at once; a new e-mail address gets an invitation."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def clean_who(self) -> str:
        who = self.cleaned_data["who"].strip()
        if "@" not in who and not User.objects.filter(username=who).exists():
            raise forms.ValidationError(
                _("No user is called “%(who)s”. To invite someone, enter an e-mail address."), params={"who": who}
            )
        if "@" in who:
            forms.EmailField().clean(who)
        return who


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("Who uses this key, e.g. “Webshop export”."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiKeyScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiKeyScope.READ],
    )


class TeamSecurityForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["require_2fa"]

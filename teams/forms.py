from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiKeyScope, Membership, Role, Team


class MemberAddForm(forms.Form):
    """Invite someone by username or e-mail address; they become a member when they accept."""

    who = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        help_text=_(
            "They get an invitation to accept on their teams page (a new e-mail address also gets a link to "
            "choose a password) and become a member once they accept."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def clean_who(self) -> str:
        who = self.cleaned_data["who"].strip()
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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import NotificationPreferenceForm
from ..models import NotificationPreference
from ..services.digest import notification_preference_set


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own settings: for now, whether the daily digest e-mail comes."""
    current = NotificationPreference.objects.filter(user=request.user).first()  # type: ignore[misc]
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None, instance=current or NotificationPreference()
    )
    if request.method == "POST" and form.is_valid():
        notification_preference_set(user=request.user, daily_digest=form.cleaned_data["daily_digest"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("scorecard:profile")
    return render(request, "scorecard/profile.html", {"form": form})

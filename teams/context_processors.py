from typing import Any

from django.http import HttpRequest

from .two_factor import NEXT_SESSION_KEY, has_two_factor


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The team switcher's entries, computed only when a template asks for them."""
    from .selectors import team_rows_for_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {"nav_team_rows": lambda: team_rows_for_user(user)}
    # Back to the page that asked for two-factor authentication, once it is set up (teams.two_factor).
    two_factor_next = request.session.get(NEXT_SESSION_KEY) if hasattr(request, "session") else None
    if two_factor_next and has_two_factor(user):
        context["two_factor_next"] = two_factor_next
    return context

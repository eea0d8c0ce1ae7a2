from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The team switcher's entries, computed only when a template asks for them."""
    from .selectors import team_rows_for_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_team_rows": lambda: team_rows_for_user(user)}

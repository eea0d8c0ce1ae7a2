"""The 404 page, answered as JSON on API paths (a URL that matches no API route is still an API call)."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


class NotFoundPageMiddleware:
    """A view that raises Http404 (an outsider's team link, an object of another team) answers the app's 404 page.

    With DEBUG on, as in `make run`, Django would answer with its technical 404 page, which lists every URL
    pattern of the application to whoever followed the link. URLs that match no pattern at all still get
    Django's page in development (they never reach a view).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None

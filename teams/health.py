"""GET /healthz: the state of the database, the broker and the cache.

Anyone (a load balancer) may ask, so the answer is only ok or failing per component: what went wrong (which can
name hosts, ports and addresses) goes to the log, and is shown to signed-in superusers only.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT_SECONDS = 2
logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just written")


def _check_broker() -> None:
    from scorecard_site.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS = {"database": _check_database, "broker": _check_broker, "cache": _check_cache}


def _is_superuser(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_authenticated and request.user.is_superuser)
    except Exception:  # noqa: BLE001 - the session lives in the database, which may be the failing part
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    errors: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not healthy"
            logger.warning("Health check of the %s failed", name, exc_info=True)
            errors[name] = f"{type(error).__name__}: {error}"[:200]
            results[name] = {"ok": False}
        else:
            results[name] = {"ok": True}
    if errors and _is_superuser(request):
        for name, error_text in errors.items():
            results[name]["error"] = error_text
    healthy = not errors
    return JsonResponse({"status": "ok" if healthy else "failing", **results}, status=200 if healthy else 503)

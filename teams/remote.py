"""The client's address, for the audit trail, the sign-in lockout and the e-mail rate limits.

Anyone can send an X-Forwarded-For header, so only the hops our own reverse proxies append count: with
settings.TRUSTED_PROXIES = n (the proxies in front of the app), the client is the n-th address from the
right of X-Forwarded-For; with 0 (the default) it is REMOTE_ADDR and the header is ignored. django-axes
(AXES_CLIENT_IP_CALLABLE), django-auditlog (the middleware below), DRF's throttles (NUM_PROXIES, the same
rule) and the password-reset and invitation e-mail limits (teams.ratelimit) all read the address this way.
"""

from typing import Any

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies <= 0 or not hops:
        return remote
    return hops[-min(proxies, len(hops))]


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, which would record the first X-Forwarded-For address a client made up."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> Any:
        if settings.TRUSTED_PROXIES <= 0:
            return None
        return BaseAuditlogMiddleware._get_remote_port(request)

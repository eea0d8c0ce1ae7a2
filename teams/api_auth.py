"""REST API authentication, permission and throttling for every endpoint."""

from datetime import timedelta
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .audit import name_api_key_in_audit_context
from .models import TeamApiKey
from .ratelimit import Rate, rate_limit_hit

KEYWORD = "Api-Key"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. Keys are never read from the query string."""

    def authenticate(self, request: Any) -> tuple[AnonymousUser, TeamApiKey] | None:
        header = get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Use the header “Authorization: Api-Key <key>”."))
        try:
            api_key = cast(TeamApiKey, TeamApiKey.objects.get_from_key(header[1]))
        except TeamApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("This API key is not valid or has been revoked.")) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            TeamApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        name_api_key_in_audit_context(api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD


class IsAuthenticatedOrApiKey(permissions.BasePermission):
    """Signed in, or a valid team API key. Team and role checks happen in teams.access."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, TeamApiKey) or bool(request.user and request.user.is_authenticated)


class CountingRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle, counted by teams.ratelimit (atomic) instead of DRF's read-modify-write history."""

    retry_after: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        limit, period = self.parse_rate(self.rate)
        if limit is None or period is None:
            return True
        usage = rate_limit_hit(scope=self.scope or "api", ident=ident, rate=Rate(limit=limit, period=period))
        self.retry_after = usage.retry_after
        return usage.allowed

    def wait(self) -> float | None:
        return self.retry_after


class ApiKeyRateThrottle(CountingRateThrottle):
    """Requests per API key, rate from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_key"]."""

    scope = "api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, TeamApiKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
        return None


class UserRateThrottle(CountingRateThrottle, throttling.UserRateThrottle):
    """Requests per signed-in user (per address for anonymous calls); API keys have their own throttle."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, TeamApiKey):
            return None
        return super().get_cache_key(request, view)

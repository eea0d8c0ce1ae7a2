"""The one rate-limit counter: a fixed window per key, counted atomically in the cache.

`cache.add(key, 0, timeout)` creates the window's counter only when it is missing (SET NX on Redis) and
`cache.incr(key)` then counts atomically (INCR on Redis, a lock in the local-memory cache), so parallel
requests, in one process or many, can never let more than `limit` through in a window. The window is part
of the key, so a counter needs no reset: it expires a little after its window ends.

DRF's own throttles keep a list of request times that they read, change and write back, which lets
parallel requests through together; the API throttles in teams.api_auth count here instead.
django-ratelimit counts the same way, but its system check refuses the local-memory cache that
`make run` uses and warns on Django's own Redis backend, so the few lines below are kept.
"""

import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.utils.translation import ngettext

EXPIRY_MARGIN_SECONDS = 5
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*([smhd])[a-z]*\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`"5/hour"`, `"600/minute"`, `"3/d"`: requests per second, minute, hour or day."""
        match = RATE.match(text.lower())
        if match is None:
            raise ValueError(f"A rate looks like “5/hour”, not {text!r}.")
        return cls(limit=int(match.group(1)), period=PERIODS[match.group(2)])


MAIL_RATE_SETTINGS = ("SCORECARD_MAIL_RATE_PER_ADDRESS", "SCORECARD_MAIL_RATE_PER_CLIENT")


@checks.register()
def check_mail_rates(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A mistyped rate is reported when the app starts, not as an error on the first password reset."""
    errors: list[checks.CheckMessage] = []
    for name in MAIL_RATE_SETTINGS:
        try:
            Rate.parse(getattr(settings, name))
        except ValueError as error:
            errors.append(checks.Error(f"{name}: {error}", id="teams.E001"))
    return errors


@dataclass(frozen=True)
class Usage:
    allowed: bool
    retry_after: int  # seconds until the window ends (at least 1)


def rate_limit_hit(*, scope: str, ident: str, rate: Rate) -> Usage:
    """Count one attempt of `ident` (an address, a key prefix, a user id) in `scope` against `rate`."""
    now = time.time()
    window = int(now // rate.period)
    # Hashed: e-mail addresses are not kept in the cache, and every key is short and safe for any backend.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{rate.period}:{window}:{digest}"
    cache.add(key, 0, timeout=rate.period + EXPIRY_MARGIN_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (a cache restart): start the window again
        cache.add(key, 0, timeout=rate.period + EXPIRY_MARGIN_SECONDS)
        count = cache.incr(key)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    return Usage(allowed=count <= rate.limit, retry_after=retry_after)


def mail_rate_limit(*, address: str, client: str | None) -> Usage:
    """Count one e-mail asked for (a password reset, an invitation) to `address` from the `client` address.

    Counted for every address asked for, known or not, so that the refusal tells nothing about accounts.
    """
    per_address = Rate.parse(settings.SCORECARD_MAIL_RATE_PER_ADDRESS)
    per_client = Rate.parse(settings.SCORECARD_MAIL_RATE_PER_CLIENT)
    usages = [
        rate_limit_hit(scope="mail-address", ident=address.strip().lower(), rate=per_address),
        rate_limit_hit(scope="mail-client", ident=client or "", rate=per_client),
    ]
    refused = [usage for usage in usages if not usage.allowed]
    return Usage(allowed=not refused, retry_after=max((usage.retry_after for usage in refused), default=0))


def too_many_mails_message(usage: Usage) -> str:
    minutes = math.ceil(usage.retry_after / 60)
    return ngettext(
        "Too many e-mails were asked for in a short time. Please try again in %(minutes)d minute.",
        "Too many e-mails were asked for in a short time. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}

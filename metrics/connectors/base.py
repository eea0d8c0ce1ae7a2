"""The connector interface, its errors, the HTTP helper every connector uses, and the registry.

A connector turns a channel (account reference, credentials, settings) and a window of days
into samples `(metric_key, day, value)`. It raises `TransientSourceError` when trying again
later may help (timeouts, connection errors, 5xx, 429) and `PermanentSourceError` when a person
must act (bad credentials, unknown account); a metric the platform refuses on its own goes
into `FetchResult.metric_errors` so the other metrics of the same sync are still stored.
"""

from __future__ import annotations

import email.utils
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, Literal

import httpx
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .safety import RefusedRequest

StrOrPromise = str | Promise

DEFAULT_TIMEOUT = 10.0


class SourceError(Exception):
    """A platform refused or failed; the message is safe to show (never contains credentials)."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class TransientSourceError(SourceError):
    """Trying again later may work: timeouts, connection errors, 5xx, rate limits."""

    def __init__(self, message: str, *, retry_after: float | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class PermanentSourceError(SourceError):
    """A person must act (new token, other account, other metric) before syncing again helps."""


@dataclass(frozen=True, slots=True)
class MetricSpec:
    key: str
    name: str
    unit: str = ""
    kind: Literal["snapshot", "daily"] = "snapshot"
    source: str = ""  # the platform's metric as first defined; lineage.source_on() follows its retirements


@dataclass(frozen=True, slots=True)
class CredentialField:
    name: str
    label: StrOrPromise
    required: bool = True


@dataclass(frozen=True, slots=True)
class Sample:
    metric_key: str
    day: date  # the team's local day; stored at local midnight
    value: float


@dataclass(frozen=True, slots=True)
class SyncWindow:
    """Days to fetch, inclusive, in the team's time zone. `today` is the snapshot day."""

    start: date
    end: date
    now: datetime

    @property
    def today(self) -> date:
        return self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class FetchContext:
    account_ref: str
    credentials: Mapping[str, str]
    options: Mapping[str, Any]
    window: SyncWindow
    client: httpx.Client
    config: Mapping[str, Any]

    def secret(self, name: str) -> str:
        return self.credentials.get(name, "")


@dataclass
class FetchResult:
    samples: list[Sample] = field(default_factory=list)
    metric_errors: dict[str, str] = field(default_factory=dict)

    def add(self, metric_key: str, day: date, value: Any) -> None:
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            self.metric_errors[metric_key] = str(_("The platform sent a value that is not a number."))
            return
        self.samples.append(Sample(metric_key, day, number))


class Connector(ABC):
    platform: ClassVar[str]
    label: ClassVar[StrOrPromise]
    account_label: ClassVar[StrOrPromise] = _("Account")
    account_help: ClassVar[StrOrPromise] = ""
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    default_interval: ClassVar[timedelta] = timedelta(days=1)
    history_days: ClassVar[int] = 0  # how far back the first sync reaches (0: snapshots only)

    def metric_specs(self, options: Mapping[str, Any]) -> list[MetricSpec]:
        return list(self.metrics)

    metrics: ClassVar[tuple[MetricSpec, ...]] = ()

    def validate(self, *, account_ref: str, options: Mapping[str, Any]) -> None:
        """Raise ValueError with a message users understand when the configuration cannot work."""
        if not account_ref.strip():
            raise ValueError(str(_("Enter the account.")))

    def validate_credentials(self, credentials: Mapping[str, str]) -> None:
        """Raise ValueError with a message users understand when the credentials cannot work.

        A token from "Connect with …" stands in for a key the connector otherwise asks to paste."""
        for credential in self.credential_fields:
            if credential.required and not credentials.get(credential.name) and not credentials.get("token"):
                raise ValueError(
                    str(_("%(platform)s needs the %(what)s.")) % {"platform": self.label, "what": credential.label}
                )

    @abstractmethod
    def fetch(self, ctx: FetchContext) -> FetchResult: ...


def connector_config(platform: str) -> dict[str, Any]:
    config: dict[str, Any] = {"timeout": getattr(settings, "SCORECARD_CONNECTOR_TIMEOUT", DEFAULT_TIMEOUT)}
    config.update(getattr(settings, "SCORECARD_CONNECTORS", {}).get(platform, {}))
    return config


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait, from Retry-After (seconds or date) or the platforms' reset headers."""
    now = datetime.now(UTC)
    value = response.headers.get("retry-after")
    if value:
        if value.strip().isdigit():
            return float(value)
        try:
            return max(0.0, (email.utils.parsedate_to_datetime(value) - now).total_seconds())
        except (TypeError, ValueError):
            pass
    for header in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        value = response.headers.get(header)
        if not value:
            continue
        try:
            if value.strip().isdigit():
                return max(0.0, float(value) - now.timestamp())
            return max(0.0, (datetime.fromisoformat(value.replace("Z", "+00:00")) - now).total_seconds())
        except ValueError:
            continue
    return None


def json_body(response: httpx.Response) -> Any:
    """The decoded JSON, or None when the answer is not JSON (or nested too deeply to decode)."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def refused_source_error(error: RefusedRequest) -> SourceError:
    """The source error for a request the safe client refused (see safety.py)."""
    kind = TransientSourceError if error.transient else PermanentSourceError
    return kind(error.message, hint=error.hint)


def send(
    ctx_or_client: FetchContext | httpx.Client,
    method: str,
    url: str,
    *,
    platform_label: str,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; turn timeouts, connection errors, 5xx and 429 into TransientSourceError
    and the refusals of the safe client (private address, size, deadline) into source errors.

    Other statuses come back to the connector, which knows what its platform's errors mean.
    Messages never include the URL (it may carry a key or token in its query).
    """
    client = ctx_or_client.client if isinstance(ctx_or_client, FetchContext) else ctx_or_client
    try:
        response = client.request(method, url, **kwargs)
    except RefusedRequest as error:
        raise refused_source_error(error) from error
    except httpx.InvalidURL as error:
        raise PermanentSourceError(
            str(_("The address of %(platform)s is not a valid URL.")) % {"platform": platform_label},
            hint=str(_("Check the account or address, then save the channel.")),
        ) from error
    except httpx.TimeoutException as error:
        raise TransientSourceError(
            str(_("%(platform)s did not answer in time.")) % {"platform": platform_label}
        ) from error
    except httpx.RequestError as error:
        raise TransientSourceError(
            str(_("Could not connect to %(platform)s.")) % {"platform": platform_label}
        ) from error
    if response.status_code == 429:
        raise TransientSourceError(
            str(_("%(platform)s asks to slow down (rate limit).")) % {"platform": platform_label},
            retry_after=_retry_after(response),
        )
    if response.status_code >= 500:
        raise TransientSourceError(
            str(_("%(platform)s had a server error (HTTP %(status)s)."))
            % {"platform": platform_label, "status": response.status_code},
            retry_after=_retry_after(response),
        )
    return response


_REGISTRY: dict[str, Connector] = {}


def register(cls: type[Connector]) -> type[Connector]:
    _REGISTRY[cls.platform] = cls()
    return cls


def get_connector(platform: str) -> Connector:
    from . import load_all

    load_all()
    try:
        return _REGISTRY[platform]
    except KeyError:
        raise PermanentSourceError(str(_("Unknown platform “%(platform)s”.")) % {"platform": platform}) from None


def all_connectors() -> list[Connector]:
    from . import load_all

    load_all()
    return sorted(_REGISTRY.values(), key=lambda c: str(c.label))

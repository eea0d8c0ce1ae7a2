"""Google Analytics 4 (Data API `runReport`): sessions, engaged sessions, key events and revenue
from social channels per day. Values arrive as strings; rows page with offset/rowCount.

Credentials: an OAuth access token ("Connect with Google", renewed by the token lifecycle) or a service-account
key (JSON), which never expires: each sync signs a JWT with the key (Authlib, RFC 7523) and exchanges it at the
key's `token_uri` for a one-hour access token. Add the service account's e-mail to the property as a Viewer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

from authlib.oauth2.rfc7523.assertion import sign_jwt_bearer_assertion
from django.utils.translation import gettext_lazy as _
from joserfc.jwk import RSAKey

from .base import (
    Connector,
    CredentialField,
    FetchContext,
    FetchResult,
    MetricSpec,
    PermanentSourceError,
    json_body,
    register,
    send,
)

GA_METRICS = {
    "sessions": "sessions",
    "engaged_sessions": "engagedSessions",
    "key_events": "keyEvents",
    "revenue": "totalRevenue",
}
SOCIAL_GROUPS = ["Organic Social", "Paid Social"]
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"


def _service_account(text: str) -> dict[str, str]:
    """The fields of a Google service-account key file, or a ValueError that says what is wrong."""
    message = str(_("Paste the whole service-account key file (JSON with type, client_email, private_key, token_uri)."))
    try:
        key = json.loads(text)
    except ValueError:
        key = None
    needed = ("client_email", "private_key", "token_uri")
    if not isinstance(key, dict) or key.get("type") != "service_account" or not all(key.get(f) for f in needed):
        raise ValueError(message)
    try:
        RSAKey.import_key(str(key["private_key"]))
    except Exception as error:  # joserfc raises several types for a key it cannot read
        raise ValueError(message) from error
    return {k: str(v) for k, v in key.items()}


class _InvalidMetric(Exception):
    pass


@register
class GA4Connector(Connector):
    platform = "ga4"
    label = _("Google Analytics 4")
    account_help = _("the GA4 property id (digits)")
    credential_fields = (
        CredentialField("token", _("OAuth access token"), required=False),
        CredentialField("service_account", _("service-account key (JSON), instead of a token"), required=False),
    )
    history_days = 90
    metrics: ClassVar = (
        MetricSpec("sessions", str(_("Sessions from social")), "sessions", "daily"),
        MetricSpec("engaged_sessions", str(_("Engaged sessions from social")), "sessions", "daily"),
        MetricSpec("key_events", str(_("Key events from social")), "events", "daily"),
        MetricSpec("revenue", str(_("Revenue from social")), "", "daily"),
    )

    def validate(self, *, account_ref: str, options: Any) -> None:
        if not account_ref.strip().removeprefix("properties/").isdigit():
            raise ValueError(str(_("Enter the GA4 property id (digits).")))

    def validate_credentials(self, credentials: Mapping[str, str]) -> None:
        if credentials.get("service_account"):
            _service_account(credentials["service_account"])
        elif not credentials.get("token"):
            raise ValueError(str(_("Google Analytics 4 needs an access token or a service-account key.")))

    def _access_token(self, ctx: FetchContext) -> str:
        if not ctx.secret("service_account"):
            return ctx.secret("token")
        key = _service_account(ctx.secret("service_account"))
        assertion = sign_jwt_bearer_assertion(
            RSAKey.import_key(key["private_key"]),
            key["client_email"],
            key["token_uri"],
            claims={"scope": SCOPE},
            header={"alg": "RS256", "kid": key.get("private_key_id", "")},
        )
        response = send(
            ctx,
            "POST",
            key["token_uri"],
            platform_label="Google",
            data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        )
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
            reason = body.get("error", f"HTTP {response.status_code}") if isinstance(body, dict) else "?"
            raise PermanentSourceError(
                str(_("Google refused the service-account key (%(reason)s).")) % {"reason": reason},
                hint=str(_("Create a new key for the service account and paste it in the channel.")),
            )
        return str(body["access_token"])

    def _report(self, ctx: FetchContext, names: list[str], token: str) -> dict[date, list[float]]:
        prop = ctx.account_ref.strip().removeprefix("properties/")
        url = f"{ctx.config['base_url']}/properties/{prop}:runReport"
        limit = int(ctx.config.get("page_size", 10000))
        totals: dict[date, list[float]] = {}
        offset = 0
        while True:
            request = {
                "dateRanges": [{"startDate": ctx.window.start.isoformat(), "endDate": ctx.window.end.isoformat()}],
                "dimensions": [{"name": "date"}, {"name": "sessionDefaultChannelGroup"}],
                "metrics": [{"name": name} for name in names],
                "dimensionFilter": {
                    "filter": {"fieldName": "sessionDefaultChannelGroup", "inListFilter": {"values": SOCIAL_GROUPS}}
                },
                "limit": limit,
                "offset": offset,
            }
            response = send(
                ctx,
                "POST",
                url,
                platform_label="Google Analytics",
                json=request,
                headers={"Authorization": f"Bearer {token}"},
            )
            body = json_body(response)
            message = (body.get("error", {}) if isinstance(body, dict) else {}).get("message", "")
            if response.status_code == 400 and "not a valid metric" in message:
                raise _InvalidMetric(message)
            if response.status_code in (400, 401, 403, 404) or not isinstance(body, dict):
                raise PermanentSourceError(
                    str(_("Google Analytics refused the report: %(message)s"))
                    % {"message": message or f"HTTP {response.status_code}"},
                    hint=str(
                        _(
                            "Check the property id and give the token's account read access to it, "
                            "then paste a fresh token in the channel."
                        )
                    ),
                )
            rows = body.get("rows", [])
            for row in rows:
                dims = [d.get("value", "") for d in row.get("dimensionValues", [])]
                if len(dims) > 1 and dims[1] not in SOCIAL_GROUPS:
                    continue
                day = datetime.strptime(dims[0], "%Y%m%d").date()
                values = [float(v.get("value", 0) or 0) for v in row.get("metricValues", [])]
                current = totals.setdefault(day, [0.0] * len(names))
                totals[day] = [a + b for a, b in zip(current, values, strict=False)]
            offset += len(rows)
            if not rows or offset >= int(body.get("rowCount", 0) or 0):
                return totals

    def fetch(self, ctx: FetchContext) -> FetchResult:
        result = FetchResult()
        keys = list(GA_METRICS)
        token = self._access_token(ctx)
        try:
            reports = {tuple(keys): self._report(ctx, [GA_METRICS[k] for k in keys], token)}
        except _InvalidMetric:
            # One invalid (renamed or removed) metric fails the whole report: ask for each alone.
            reports = {}
            for key in keys:
                try:
                    reports[(key,)] = self._report(ctx, [GA_METRICS[key]], token)
                except _InvalidMetric as error:
                    result.metric_errors[key] = str(error)
        for group, totals in reports.items():
            for day in ctx.window.days():  # days without rows had no social sessions
                for index, key in enumerate(group):
                    result.add(key, day, totals.get(day, [0.0] * len(group))[index])
        return result

"""Google Analytics 4 (Data API `runReport`): sessions, engaged sessions, key events and revenue
from social channels per day. Values arrive as strings; rows page with offset/rowCount."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

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


class _InvalidMetric(Exception):
    pass


@register
class GA4Connector(Connector):
    platform = "ga4"
    label = _("Google Analytics 4")
    account_help = _("the GA4 property id (digits)")
    credential_fields = (CredentialField("token", _("OAuth access token")),)
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

    def _report(self, ctx: FetchContext, names: list[str]) -> dict[date, list[float]]:
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
                headers={"Authorization": f"Bearer {ctx.secret('token')}"},
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
        try:
            reports = {tuple(keys): self._report(ctx, [GA_METRICS[k] for k in keys])}
        except _InvalidMetric:
            # One invalid (renamed or removed) metric fails the whole report: ask for each alone.
            reports = {}
            for key in keys:
                try:
                    reports[(key,)] = self._report(ctx, [GA_METRICS[key]])
                except _InvalidMetric as error:
                    result.metric_errors[key] = str(error)
        for group, totals in reports.items():
            for day in ctx.window.days():  # days without rows had no social sessions
                for index, key in enumerate(group):
                    result.add(key, day, totals.get(day, [0.0] * len(group))[index])
        return result

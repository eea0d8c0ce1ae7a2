"""YouTube Data API v3: `channels.list?part=statistics` with an API key (counts come as strings).

A channel connected by its owner with Google (OAuth) also reads YouTube Analytics (`reports` with `ids=channel==MINE`
and `dimensions=day`): daily views, watch time and subscribers gained and lost."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from .base import (
    Connector,
    CredentialField,
    FetchContext,
    FetchResult,
    MetricSpec,
    PermanentSourceError,
    TransientSourceError,
    json_body,
    register,
    send,
)

FIELDS = {"subscribers": "subscriberCount", "views": "viewCount", "videos": "videoCount"}
ANALYTICS = {
    "daily_views": "views",
    "watch_minutes": "estimatedMinutesWatched",
    "subscribers_gained": "subscribersGained",
    "subscribers_lost": "subscribersLost",
}
ANALYTICS_SPECS = (
    MetricSpec("daily_views", str(_("Views per day")), "views", "daily"),
    MetricSpec("watch_minutes", str(_("Minutes watched")), "minutes", "daily"),
    MetricSpec("subscribers_gained", str(_("Subscribers gained")), "subscribers", "daily"),
    MetricSpec("subscribers_lost", str(_("Subscribers lost")), "subscribers", "daily"),
)


def _reasons(body: Any) -> set[str]:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    reasons = {e.get("reason", "") for e in error.get("errors", []) if isinstance(e, dict)}
    reasons |= {d.get("reason", "") for d in error.get("details", []) if isinstance(d, dict)}
    return reasons


@register
class YouTubeConnector(Connector):
    platform = "youtube"
    label = _("YouTube")
    account_help = _("channel id (UC…) or @handle")
    credential_fields = (CredentialField("api_key", _("API key")),)
    history_days = 90  # the owner's daily analytics; the public statistics are today's only
    metrics: ClassVar = (
        MetricSpec("subscribers", str(_("Subscribers")), "subscribers"),
        MetricSpec("views", str(_("Views")), "views"),
        MetricSpec("videos", str(_("Videos")), "videos"),
    )

    def metric_specs(self, options: Any) -> list[MetricSpec]:
        return [*self.metrics, *(ANALYTICS_SPECS if options.get("analytics") else ())]

    def _analytics(self, ctx: FetchContext, result: FetchResult) -> None:
        response = send(
            ctx,
            "GET",
            f"{ctx.config['analytics_url']}/reports",
            platform_label="YouTube Analytics",
            params={
                "ids": "channel==MINE",
                "startDate": ctx.window.start.isoformat(),
                "endDate": ctx.window.end.isoformat(),
                "metrics": ",".join(ANALYTICS.values()),
                "dimensions": "day",
            },
            headers={"Authorization": f"Bearer {ctx.secret('token')}"},
        )
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            message = str(_("YouTube Analytics refused the report (HTTP %(status)s).")) % {
                "status": response.status_code
            }
            result.metric_errors.update(dict.fromkeys(ANALYTICS, message))
            return
        columns = [header.get("name") for header in body.get("columnHeaders", [])]
        for row in body.get("rows", []):
            cells = dict(zip(columns, row, strict=False))
            day = date.fromisoformat(str(cells.get("day")))
            for key, name in ANALYTICS.items():
                if name in cells:
                    result.add(key, day, cells[name])

    def fetch(self, ctx: FetchContext) -> FetchResult:
        result = self._statistics(ctx)
        if ctx.options.get("analytics") and ctx.secret("token"):
            self._analytics(ctx, result)
        return result

    def _statistics(self, ctx: FetchContext) -> FetchResult:
        ref = ctx.account_ref.strip()
        # A channel connected with Google carries the owner's OAuth token; one added by hand, an API key.
        token = ctx.secret("token")
        params = {"part": "statistics"} if token else {"part": "statistics", "key": ctx.secret("api_key")}
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        params["forHandle" if ref.startswith("@") else "id"] = ref
        response = send(
            ctx, "GET", f"{ctx.config['base_url']}/channels", platform_label="YouTube", params=params, headers=headers
        )
        body = json_body(response)
        reasons = _reasons(body)
        if "quotaExceeded" in reasons or "rateLimitExceeded" in reasons:
            raise TransientSourceError(str(_("The YouTube API quota for today is used up.")), retry_after=3600)
        if reasons & {"API_KEY_INVALID", "keyInvalid", "badRequest"} or response.status_code in (400, 401, 403):
            raise PermanentSourceError(
                str(_("YouTube refused the API key (HTTP %(status)s).")) % {"status": response.status_code},
                hint=str(_("Create a valid API key with the YouTube Data API enabled and paste it in the channel.")),
            )
        items = body.get("items") if isinstance(body, dict) else None
        if response.status_code != 200 or not items:
            raise PermanentSourceError(
                str(_("YouTube has no channel %(ref)s.")) % {"ref": ref},
                hint=str(_("Check the channel id (starts with UC) or the @handle, then save the channel.")),
            )
        statistics = items[0].get("statistics", {})
        result = FetchResult()
        for key, field in FIELDS.items():
            if key == "subscribers" and (statistics.get("hiddenSubscriberCount") or field not in statistics):
                result.metric_errors[key] = str(_("The channel hides its subscriber count."))
            elif field in statistics:
                result.add(key, ctx.window.today, statistics[field])
            else:
                result.metric_errors[key] = str(_("YouTube did not send %(field)s.")) % {"field": field}
        return result

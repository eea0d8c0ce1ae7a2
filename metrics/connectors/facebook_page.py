"""Facebook Pages (Graph API): page followers and daily page insights, one request per metric
so that a removed metric fails alone."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from .base import Connector, CredentialField, FetchContext, FetchResult, MetricSpec, register
from .graph import InvalidMetricError, graph_get, insight_day, windows

INSIGHTS = {
    "media_views": "page_media_view",
    "reach": "page_total_media_view_unique",
    "post_engagements": "page_post_engagements",
}


@register
class FacebookPageConnector(Connector):
    platform = "facebook_page"
    label = _("Facebook Page")
    account_help = _("the Page id")
    credential_fields = (CredentialField("token", _("Page access token")),)
    history_days = 90
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers", "snapshot"),
        MetricSpec("media_views", str(_("Media views")), "views", "daily"),
        MetricSpec("reach", str(_("Reach")), "accounts", "daily"),
        MetricSpec("post_engagements", str(_("Post engagements")), "interactions", "daily"),
    )

    def fetch(self, ctx: FetchContext) -> FetchResult:
        page = ctx.account_ref.strip()
        result = FetchResult()
        try:
            fields = graph_get(ctx, page, {"fields": "followers_count,fan_count"}, label="Facebook")
            if "followers_count" in fields:
                result.add("followers", ctx.window.today, fields["followers_count"])
            else:
                result.metric_errors["followers"] = str(_("Facebook did not send followers_count."))
        except InvalidMetricError as error:
            result.metric_errors["followers"] = str(error)
        wanted = set(ctx.window.days())
        for key, metric in INSIGHTS.items():
            try:
                for since, until in windows(ctx.window.start, ctx.window.end):
                    body = graph_get(
                        ctx,
                        f"{page}/insights",
                        {"metric": metric, "period": "day", "since": since.isoformat(), "until": until.isoformat()},
                        label="Facebook",
                    )
                    # paging.next is always present (time-shifted windows): the chunks above bound the reading.
                    for series in body.get("data", []):
                        for point in series.get("values", []):
                            day = insight_day(point["end_time"]) if "end_time" in point else None
                            if day in wanted and isinstance(point.get("value"), int | float):
                                result.add(key, day, point["value"])
            except InvalidMetricError as error:
                result.metric_errors[key] = str(_("Facebook refused the metric %(metric)s: %(message)s")) % {
                    "metric": metric,
                    "message": error,
                }
        return result

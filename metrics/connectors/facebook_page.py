"""Facebook Pages (Graph API): page followers and daily page insights, one request per metric
so that a removed metric fails alone."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from .base import CredentialField, FetchContext, FetchResult, MetricSpec, register
from .graph import GraphConnector, InvalidMetricError, graph_account, graph_get, insight_day, windows
from .lineage import source_on


@register
class FacebookPageConnector(GraphConnector):
    platform = "facebook_page"
    label = _("Facebook Page")
    account_help = _("the Page id")
    credential_fields = (CredentialField("token", _("Page access token")),)
    history_days = 90
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers", "snapshot"),
        MetricSpec("media_views", str(_("Media views")), "views", "daily", "page_media_view"),
        # Reach was page_impressions_unique until Meta removed it (lineage.py): the key and its history carry on.
        MetricSpec("reach", str(_("Reach")), "accounts", "daily", "page_impressions_unique"),
        MetricSpec("post_engagements", str(_("Post engagements")), "interactions", "daily", "page_post_engagements"),
    )

    def insights(self, today: date) -> dict[str, str]:
        """Metric key -> the platform metric that feeds it today."""
        return {s.key: source_on(self.platform, s.source, today) for s in self.metrics if s.kind == "daily"}

    def fetch(self, ctx: FetchContext) -> FetchResult:
        page = graph_account(ctx)
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
        for key, metric in self.insights(ctx.window.today).items():
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

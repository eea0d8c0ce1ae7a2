"""Instagram professional accounts (Graph API with Facebook Login): account fields and daily
insights as `total_value` per day, one metric per request so a removed metric fails alone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from .base import CredentialField, FetchContext, FetchResult, MetricSpec, register
from .graph import GraphConnector, InvalidMetricError, graph_account, graph_get
from .lineage import source_on

FIELDS = {"followers": "followers_count", "follows": "follows_count", "posts": "media_count"}


@register
class InstagramConnector(GraphConnector):
    platform = "instagram"
    label = _("Instagram")
    account_help = _("the Instagram business account id (1784…)")
    credential_fields = (CredentialField("token", _("access token")),)
    history_days = 30  # one request per metric and day: keep the first sync modest
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers", "snapshot"),
        MetricSpec("follows", str(_("Follows")), "accounts", "snapshot"),
        MetricSpec("posts", str(_("Posts")), "posts", "snapshot"),
        MetricSpec("reach", str(_("Reach")), "accounts", "daily", "reach"),
        MetricSpec("views", str(_("Views")), "views", "daily", "views"),
        MetricSpec("interactions", str(_("Interactions")), "interactions", "daily", "total_interactions"),
    )

    def fetch(self, ctx: FetchContext) -> FetchResult:
        account = graph_account(ctx)
        result = FetchResult()
        try:
            fields = graph_get(ctx, account, {"fields": ",".join([*FIELDS.values(), "username"])}, label="Instagram")
        except InvalidMetricError as error:
            fields = {}
            result.metric_errors.update(dict.fromkeys(FIELDS, str(error)))
        for key, field in FIELDS.items():
            if key in result.metric_errors:
                continue
            if field in fields:
                result.add(key, ctx.window.today, fields[field])
            else:
                result.metric_errors[key] = str(_("Instagram did not send %(field)s.")) % {"field": field}
        insights = {s.key: source_on(self.platform, s.source, ctx.window.today) for s in self.metrics if s.source}
        for key, metric in insights.items():
            try:
                for day in ctx.window.days():
                    since = int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())
                    body = graph_get(
                        ctx,
                        f"{account}/insights",
                        {
                            "metric": metric,
                            "period": "day",
                            "metric_type": "total_value",
                            "since": since,
                            "until": since + int(timedelta(days=1).total_seconds()),
                        },
                        label="Instagram",
                    )
                    for series in body.get("data", []):
                        value = (series.get("total_value") or {}).get("value")
                        if series.get("name") == metric and value is not None:
                            result.add(key, day, value)
            except InvalidMetricError as error:
                result.metric_errors[key] = str(_("Instagram refused the metric %(metric)s: %(message)s")) % {
                    "metric": metric,
                    "message": error,
                }
        return result

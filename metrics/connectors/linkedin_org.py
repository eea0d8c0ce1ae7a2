"""LinkedIn organisation pages (versioned /rest API): follower count from networkSizes and daily
share statistics (impressions, clicks, engagement)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

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

SHARE_FIELDS = {"impressions": "impressionCount", "clicks": "clickCount", "engagement": "engagement"}


def _ms(day: Any) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp() * 1000)


@register
class LinkedInOrgConnector(Connector):
    platform = "linkedin_org"
    label = _("LinkedIn Page")
    account_help = _("the organisation id (digits)")
    credential_fields = (CredentialField("token", _("access token")),)
    history_days = 90
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers", "snapshot"),
        MetricSpec("impressions", str(_("Impressions")), "impressions", "daily"),
        MetricSpec("clicks", str(_("Clicks")), "clicks", "daily"),
        MetricSpec("engagement", str(_("Engagement rate")), "%", "daily"),
    )

    def validate(self, *, account_ref: str, options: Any) -> None:
        if not account_ref.strip().removeprefix("urn:li:organization:").isdigit():
            raise ValueError(str(_("Enter the organisation id: the digits in urn:li:organization:<id>.")))

    def _get(self, ctx: FetchContext, url: str) -> tuple[int, Any]:
        headers = {
            "Authorization": f"Bearer {ctx.secret('token')}",
            "LinkedIn-Version": str(ctx.config["version"]),
            "X-Restli-Protocol-Version": "2.0.0",
        }
        response = send(ctx, "GET", url, platform_label="LinkedIn", headers=headers)
        body = json_body(response)
        message = body.get("message", "") if isinstance(body, dict) else ""
        if response.status_code == 401:
            raise PermanentSourceError(
                str(_("LinkedIn refused the access token: %(message)s")) % {"message": message},
                hint=str(_("Sign in to LinkedIn again to create a new token and paste it in the channel.")),
            )
        if response.status_code == 426:
            raise PermanentSourceError(
                str(_("LinkedIn no longer serves API version %(version)s: %(message)s"))
                % {"version": ctx.config["version"], "message": message},
                hint=str(_("Ask the administrators to set LINKEDIN_API_VERSION to a current YYYYMM version.")),
            )
        if response.status_code in (403, 404):
            raise PermanentSourceError(
                str(_("LinkedIn refused organisation %(ref)s: %(message)s"))
                % {"ref": ctx.account_ref, "message": message},
                hint=str(_("Check the organisation id and that the token's member is an administrator of it.")),
            )
        return response.status_code, body

    def fetch(self, ctx: FetchContext) -> FetchResult:
        org_id = ctx.account_ref.strip().removeprefix("urn:li:organization:")
        urn = quote(f"urn:li:organization:{org_id}", safe="")
        base = ctx.config["base_url"]
        result = FetchResult()
        status, body = self._get(ctx, f"{base}/networkSizes/{urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER")
        if status == 200 and isinstance(body, dict) and "firstDegreeSize" in body:
            result.add("followers", ctx.window.today, body["firstDegreeSize"])
        else:
            result.metric_errors["followers"] = str(_("LinkedIn did not send the follower count."))
        start, end = _ms(ctx.window.start), _ms(ctx.window.end + timedelta(days=1))
        status, body = self._get(
            ctx,
            f"{base}/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={urn}"
            f"&timeIntervals=(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)",
        )
        if status != 200 or not isinstance(body, dict):
            message = body.get("message", f"HTTP {status}") if isinstance(body, dict) else f"HTTP {status}"
            for key in SHARE_FIELDS:
                result.metric_errors[key] = str(_("LinkedIn refused the share statistics: %(message)s")) % {
                    "message": message
                }
            return result
        for element in body.get("elements", []):
            day = datetime.fromtimestamp(element.get("timeRange", {}).get("start", 0) / 1000, tz=UTC).date()
            stats = element.get("totalShareStatistics", {})
            for key, field in SHARE_FIELDS.items():
                if field in stats:
                    result.add(key, day, stats[field] * 100 if key == "engagement" else stats[field])
        return result

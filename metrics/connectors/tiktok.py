"""TikTok (Display API, `GET /v2/user/info/`): follower, following, likes and video counts of the account that
signed in (scope `user.info.stats`). Every answer carries `error.code`, "ok" on success."""

from __future__ import annotations

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

FIELDS = {
    "followers": "follower_count",
    "following": "following_count",
    "likes": "likes_count",
    "videos": "video_count",
}
TOKEN_ERRORS = {"access_token_invalid", "scope_not_authorized", "scope_permission_missed"}


@register
class TikTokConnector(Connector):
    platform = "tiktok"
    label = _("TikTok")
    account_help = _("the account's open_id (filled in by “Connect with TikTok”)")
    credential_fields = (CredentialField("token", _("user access token")),)
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers"),
        MetricSpec("following", str(_("Following")), "accounts"),
        MetricSpec("likes", str(_("Likes")), "likes"),
        MetricSpec("videos", str(_("Videos")), "videos"),
    )

    def fetch(self, ctx: FetchContext) -> FetchResult:
        response = send(
            ctx,
            "GET",
            f"{ctx.config['base_url']}/user/info/",
            platform_label="TikTok",
            params={"fields": ",".join(["open_id", *FIELDS.values()])},
            headers={"Authorization": f"Bearer {ctx.secret('token')}"},
        )
        body: Any = json_body(response)
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code = error.get("code", "") if isinstance(error, dict) else ""
        if code == "rate_limit_exceeded":
            raise TransientSourceError(str(_("TikTok asks to slow down (rate limit).")), retry_after=60)
        if code in TOKEN_ERRORS or response.status_code == 401:
            raise PermanentSourceError(
                str(_("TikTok refused the access token (%(code)s).")) % {"code": code or response.status_code},
                hint=str(_("Reconnect the channel and allow the statistics (user.info.stats) when TikTok asks.")),
            )
        user = (body.get("data") or {}).get("user") if isinstance(body, dict) else None
        if response.status_code != 200 or code not in ("", "ok") or not isinstance(user, dict):
            raise PermanentSourceError(
                str(_("TikTok refused the request (%(code)s).")) % {"code": code or f"HTTP {response.status_code}"}
            )
        result = FetchResult()
        for key, field in FIELDS.items():
            if field in user:
                result.add(key, ctx.window.today, user[field])
            else:
                result.metric_errors[key] = str(_("TikTok did not send %(field)s.")) % {"field": field}
        return result

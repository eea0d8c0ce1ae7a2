"""X API v2: user lookup by username with `user.fields=public_metrics` (app-only bearer token)."""

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
    json_body,
    register,
    send,
)

FIELDS = {
    "followers": "followers_count",
    "following": "following_count",
    "posts": "tweet_count",
    "listed": "listed_count",
}


@register
class XConnector(Connector):
    platform = "x"
    label = _("X")
    account_help = _("username without @")
    credential_fields = (CredentialField("token", _("bearer token")),)
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers"),
        MetricSpec("following", str(_("Following")), "accounts"),
        MetricSpec("posts", str(_("Posts")), "posts"),
        MetricSpec("listed", str(_("Listed")), "lists"),
    )

    def validate(self, *, account_ref: str, options: Any) -> None:
        name = account_ref.strip().lstrip("@")
        if not name or len(name) > 15 or not name.replace("_", "").isalnum():
            raise ValueError(str(_("Enter the X username: letters, digits and _, at most 15.")))

    def fetch(self, ctx: FetchContext) -> FetchResult:
        username = ctx.account_ref.strip().lstrip("@")
        response = send(
            ctx,
            "GET",
            f"{ctx.config['base_url']}/users/by/username/{username}",
            platform_label="X",
            params={"user.fields": "public_metrics"},
            headers={"Authorization": f"Bearer {ctx.secret('token')}"},
        )
        body = json_body(response)
        if response.status_code in (401, 403):
            raise PermanentSourceError(
                str(_("X refused the bearer token (HTTP %(status)s).")) % {"status": response.status_code},
                hint=str(_("Create a new bearer token in the X developer portal and paste it in the channel.")),
            )
        data = body.get("data") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(data, dict):
            errors = body.get("errors") if isinstance(body, dict) else None
            detail = errors[0].get("detail") or errors[0].get("message") if errors else f"HTTP {response.status_code}"
            raise PermanentSourceError(
                str(_("X could not find @%(name)s: %(detail)s")) % {"name": username, "detail": detail},
                hint=str(_("Check the username, then save the channel.")),
            )
        metrics = data.get("public_metrics", {})
        result = FetchResult()
        for key, field in FIELDS.items():
            if field in metrics:
                result.add(key, ctx.window.today, metrics[field])
            else:
                result.metric_errors[key] = str(_("X did not send %(field)s.")) % {"field": field}
        return result

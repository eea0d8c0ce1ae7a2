"""Bluesky: public profile from the AppView (`app.bsky.actor.getProfile`)."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from .base import Connector, FetchContext, FetchResult, MetricSpec, PermanentSourceError, json_body, register, send

# Counts are optional in the lexicon; an absent count means zero.
FIELDS = {"followers": "followersCount", "follows": "followsCount", "posts": "postsCount"}


@register
class BlueskyConnector(Connector):
    platform = "bluesky"
    label = _("Bluesky")
    account_help = _("handle or DID, e.g. alice.bsky.social")
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers"),
        MetricSpec("follows", str(_("Follows")), "accounts"),
        MetricSpec("posts", str(_("Posts")), "posts"),
    )

    def fetch(self, ctx: FetchContext) -> FetchResult:
        url = f"{ctx.config['base_url']}/xrpc/app.bsky.actor.getProfile"
        response = send(
            ctx, "GET", url, platform_label="Bluesky", params={"actor": ctx.account_ref.strip().lstrip("@")}
        )
        body = json_body(response)
        if response.status_code != 200 or not isinstance(body, dict):
            detail = body.get("message") or body.get("error") if isinstance(body, dict) else ""
            raise PermanentSourceError(
                str(_("Bluesky refused the profile %(actor)s: %(detail)s"))
                % {"actor": ctx.account_ref, "detail": detail or f"HTTP {response.status_code}"},
                hint=str(_("Check the handle (e.g. alice.bsky.social) or DID, then save the channel.")),
            )
        result = FetchResult()
        for key, field in FIELDS.items():
            result.add(key, ctx.window.today, body.get(field, 0))
        return result

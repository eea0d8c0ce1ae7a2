"""Mastodon: public account lookup (`GET /api/v1/accounts/lookup?acct=`) on the account's instance."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from .base import Connector, FetchContext, FetchResult, MetricSpec, PermanentSourceError, json_body, register, send
from .safety import check_url

# A host name or address with an optional port: nothing that could change the URL's path or host.
INSTANCE = re.compile(r"(?:[\w.-]+|\[[0-9a-fA-F:.%]+\])(?::\d{1,5})?")
FIELDS = {"followers": "followers_count", "following": "following_count", "posts": "statuses_count"}


def split_account(account_ref: str) -> tuple[str, str]:
    """`@alice@mastodon.social` or `alice@mastodon.social` -> ("alice", "mastodon.social")."""
    user, _sep, instance = account_ref.strip().lstrip("@").partition("@")
    return user, instance


@register
class MastodonConnector(Connector):
    platform = "mastodon"
    label = _("Mastodon")
    account_help = _("user@instance, e.g. alice@mastodon.social")
    metrics: ClassVar = (
        MetricSpec("followers", str(_("Followers")), "followers"),
        MetricSpec("following", str(_("Following")), "accounts"),
        MetricSpec("posts", str(_("Posts")), "posts"),
    )

    def validate(self, *, account_ref: str, options: Any) -> None:
        user, instance = split_account(account_ref)
        if not user or not INSTANCE.fullmatch(instance):
            raise ValueError(str(_("Enter the account as user@instance, e.g. alice@mastodon.social.")))
        check_url(f"https://{instance}/")

    def fetch(self, ctx: FetchContext) -> FetchResult:
        user, instance = split_account(ctx.account_ref)
        url = f"{ctx.config.get('scheme', 'https')}://{instance}/api/v1/accounts/lookup"
        response = send(ctx, "GET", url, platform_label="Mastodon", params={"acct": user})
        body = json_body(response)
        if response.status_code == 404:
            raise PermanentSourceError(
                str(_("Mastodon has no account %(acct)s.")) % {"acct": ctx.account_ref},
                hint=str(_("Check the user name and the instance, then save the channel.")),
            )
        if response.status_code != 200 or not isinstance(body, dict):
            raise PermanentSourceError(
                str(_("Mastodon refused the lookup (HTTP %(status)s).")) % {"status": response.status_code}
            )
        result = FetchResult()
        for key, field in FIELDS.items():
            if field in body:
                result.add(key, ctx.window.today, body[field])
            else:
                result.metric_errors[key] = str(_("Mastodon did not send %(field)s.")) % {"field": field}
        return result

"""Shared pieces of the Facebook Graph API connectors (Facebook Pages and Instagram).

Graph errors mostly come as HTTP 400 whatever the cause, so they are told apart by
`error.code` / `error_subcode` (PLATFORM_APIS.md 4.5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .base import Connector, FetchContext, PermanentSourceError, TransientSourceError, json_body, send

THROTTLE_CODES = {4, 17, 32, 613, 80001, 80002, 80005}
PACIFIC = ZoneInfo("America/Los_Angeles")
MAX_WINDOW_DAYS = 90


# The object a channel reads: a numeric id, or a Page's user name (letters, digits, dots). The account is put into
# the request's path, so anything else ("me/accounts", "../", "123?fields=", "#") would read another object with
# the team's token than the one the channel names.
GRAPH_NODE = re.compile(r"(?=[^.]*[A-Za-z0-9])[A-Za-z0-9.]{1,128}")


def graph_node_problem(ref: str) -> str | None:
    if GRAPH_NODE.fullmatch(ref.strip()):
        return None
    return _("Enter the account id (digits) or the Page's user name (letters, digits and dots), not a path.")


class GraphConnector(Connector):
    def validate(self, *, account_ref: str, options: Mapping[str, Any]) -> None:
        problem = graph_node_problem(account_ref)
        if problem:
            raise ValueError(problem)


def graph_account(ctx: FetchContext) -> str:
    """The channel's account, checked again at sync time for channels saved before the form checked it."""
    problem = graph_node_problem(ctx.account_ref)
    if problem:
        raise PermanentSourceError(problem)
    return ctx.account_ref.strip()


class InvalidMetricError(Exception):
    """Graph error code 100 without subcode 33: the metric is invalid or was removed."""


def graph_get(ctx: FetchContext, path: str, params: dict[str, Any], *, label: str) -> dict[str, Any]:
    # Instagram accounts connected with Instagram Login (no Facebook Page) are read on graph.instagram.com.
    host = ctx.config["login_base_url"] if ctx.options.get("api") == "instagram_login" else ctx.config["base_url"]
    base = f"{host}/{ctx.config['version']}"
    response = send(
        ctx, "GET", f"{base}/{path}", platform_label=label, params={**params, "access_token": ctx.secret("token")}
    )
    body = json_body(response)
    if response.status_code == 200 and isinstance(body, dict) and "error" not in body:
        return body
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    message = str(error.get("message") or f"HTTP {response.status_code}")
    if code in THROTTLE_CODES or error.get("is_transient"):
        raise TransientSourceError(
            _("%(platform)s rate limit: %(message)s") % {"platform": label, "message": message}, retry_after=900
        )
    if code == 190 or response.status_code == 401:
        raise PermanentSourceError(
            _("%(platform)s refused the access token: %(message)s") % {"platform": label, "message": message},
            hint=_(
                "Create a new access token (Page token with pages_read_engagement and read_insights) and paste "
                "it in the channel."
            ),
        )
    if code == 100 and subcode == 33:
        raise PermanentSourceError(
            _("%(platform)s cannot find the account %(ref)s or the token may not read it.")
            % {"platform": label, "ref": ctx.account_ref},
            hint=_("Check the account id and that the token's user manages it, then save the channel."),
        )
    if code == 100:
        raise InvalidMetricError(message)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299) or response.status_code == 403:
        raise PermanentSourceError(
            _("%(platform)s says the token lacks a permission: %(message)s") % {"platform": label, "message": message},
            hint=_("Give the token the permissions the channel needs, then save the channel."),
        )
    raise PermanentSourceError(
        _("%(platform)s refused the request: %(message)s") % {"platform": label, "message": message}
    )


def windows(start: date, end: date) -> list[tuple[date, date]]:
    """[since, until) chunks of at most 90 days covering start..end inclusive."""
    chunks, since = [], start
    while since <= end:
        until = min(since + timedelta(days=MAX_WINDOW_DAYS), end + timedelta(days=1))
        chunks.append((since, until))
        since = until
    return chunks


def insight_day(end_time: str) -> date:
    """`end_time` closes the day (Pacific midnight): the value belongs to the day before."""
    moment = datetime.fromisoformat(end_time.replace("+0000", "+00:00"))
    return (moment.astimezone(PACIFIC) - timedelta(days=1)).date()

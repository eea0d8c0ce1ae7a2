"""Any JSON endpoint: a URL, an optional header (its value is the credential) and a JSON path per metric.

Paths are dotted with optional list indexes, e.g. `data.orders.count` or `$.items[0].total`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
from .safety import check_url

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def json_path(document: Any, path: str) -> Any:
    """Follow a dotted path; raise KeyError when a step is missing."""
    current = document
    for name, index in _STEP.findall(path.removeprefix("$").lstrip(".")):
        if index:
            if not isinstance(current, list) or int(index) >= len(current):
                raise KeyError(path)
            current = current[int(index)]
        else:
            if not isinstance(current, dict) or name not in current:
                raise KeyError(path)
            current = current[name]
    return current


@register
class HttpJsonConnector(Connector):
    platform = "http_json"
    label = _("JSON endpoint (CRM, webshop…)")
    account_help = _("the endpoint's https:// URL")
    credential_fields = (CredentialField("header_value", _("header value"), required=False),)

    def metric_specs(self, options: Mapping[str, Any]) -> list[MetricSpec]:
        return [MetricSpec(m["key"], m["name"], m.get("unit", "")) for m in options.get("metrics", [])]

    def validate(self, *, account_ref: str, options: Mapping[str, Any]) -> None:
        if not re.match(r"^https?://\S+$", account_ref.strip()):
            raise ValueError(str(_("Enter the endpoint's URL, starting with https://.")))
        check_url(account_ref, with_credential=bool(options.get("header")))
        if not options.get("metrics"):
            raise ValueError(str(_("Add at least one metric: key | name | unit | JSON path.")))

    def fetch(self, ctx: FetchContext) -> FetchResult:
        headers = {"Accept": "application/json"}
        if ctx.options.get("header") and ctx.secret("header_value"):
            headers[ctx.options["header"]] = ctx.secret("header_value")
        response = send(ctx, "GET", ctx.account_ref.strip(), platform_label=str(_("The endpoint")), headers=headers)
        if response.status_code in (401, 403):
            raise PermanentSourceError(
                str(_("The endpoint refused access (HTTP %(status)s).")) % {"status": response.status_code},
                hint=str(_("Check the header name and its value, then save the channel.")),
            )
        body = json_body(response)
        if response.status_code != 200 or body is None:
            raise PermanentSourceError(
                str(_("The endpoint answered HTTP %(status)s without JSON.")) % {"status": response.status_code},
                hint=str(_("Check the URL, then save the channel.")),
            )
        result = FetchResult()
        for metric in ctx.options.get("metrics", []):
            try:
                value = json_path(body, metric["path"])
            except KeyError:
                result.metric_errors[metric["key"]] = str(_("The path %(path)s is not in the answer.")) % {
                    "path": metric["path"]
                }
                continue
            if isinstance(value, bool):
                value = None
            result.add(metric["key"], ctx.window.today, value)
        return result

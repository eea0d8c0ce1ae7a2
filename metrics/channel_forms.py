"""The add/edit channel form, built for one platform: only that platform's fields, labels and help (the connector
decides what the account and the credential are called and mean). The page is rendered on the server for the
chosen platform, so it needs no script."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .connectors.base import all_connectors, get_connector
from .models import Channel

INTERVAL_CHOICES = [
    ("", _("Default (hourly for demo channels, daily for others)")),
    ("900", _("Every 15 minutes")),
    ("3600", _("Hourly")),
    ("21600", _("Every 6 hours")),
    ("86400", _("Daily")),
]
METRIC_LINE = re.compile(r"^\s*([a-z0-9_-]{1,30})\s*\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*(\S+)\s*$")


def platform_choices() -> list[tuple[str, str]]:
    return [(c.platform, str(c.label)) for c in all_connectors()]


class ChannelForm(forms.Form):
    platform = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=120)
    key_prefix = forms.SlugField(
        label=_("Metric key prefix"),
        max_length=40,
        required=False,
        help_text=_("Metrics get keys like <prefix>-followers. Default: made from the name. Cannot change later."),
    )
    account_ref = forms.CharField(label=_("Account"), max_length=255, required=False)
    credential = forms.CharField(
        label=_("API key, access token or bearer token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again."),
    )
    http_header = forms.CharField(
        label=_("Header name"),
        max_length=100,
        required=False,
        help_text=_("Sent with the credential as its value, e.g. Authorization or X-Api-Key."),
    )
    http_metrics = forms.CharField(
        label=_("Metrics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: key | name | unit | JSON path, e.g. orders | Orders | orders | data.orders.count"),
    )
    sync_interval = forms.ChoiceField(label=_("Sync"), choices=INTERVAL_CHOICES, required=False)
    enabled = forms.BooleanField(label=_("Enabled (sync on schedule)"), required=False, initial=True)

    def __init__(self, *args: Any, platform: str, channel: Channel | None = None, **kwargs: Any) -> None:
        self.channel = channel
        self.connector = get_connector(platform)
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "platform": platform,
            **(self.initial_for(channel) if channel else {}),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        connector = self.connector
        account = self.fields["account_ref"]
        account.label, account.help_text = str(connector.account_label), str(connector.account_help)
        if connector.credential_fields:
            credential = connector.credential_fields[0]
            self.fields["credential"].label = capfirst(str(credential.label))
        else:
            del self.fields["credential"]
        for extra in connector.credential_fields[1:]:  # e.g. a key file instead of a token
            self.fields[f"credential_{extra.name}"] = forms.CharField(
                label=capfirst(str(extra.label)),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
                help_text=self.fields["credential"].help_text,
            )
        if platform != "http_json":
            del self.fields["http_header"], self.fields["http_metrics"]
        if channel is not None:
            del self.fields["platform"], self.fields["key_prefix"]
            if channel.oauth_provider:  # its tokens come from the sign-in: Reconnect renews them
                for name in [n for n in self.fields if n.startswith("credential")]:
                    del self.fields[name]
            for name in [n for n in self.fields if n.startswith("credential")]:
                self.fields[name].help_text = _("Stored encrypted and never shown. Leave empty to keep it.")

    @staticmethod
    def initial_for(channel: Channel) -> dict[str, Any]:
        lines = [
            f"{m['key']} | {m['name']} | {m.get('unit', '')} | {m['path']}" for m in channel.settings.get("metrics", [])
        ]
        seconds = int(channel.sync_interval.total_seconds())
        return {
            "name": channel.name,
            "account_ref": channel.account_ref,
            "http_header": channel.settings.get("header", ""),
            "http_metrics": "\n".join(lines),
            "sync_interval": str(seconds) if str(seconds) in dict(INTERVAL_CHOICES) else "",
            "enabled": channel.enabled,
        }

    def clean_http_metrics(self) -> list[dict[str, str]]:
        metrics = []
        for number, line in enumerate(self.cleaned_data["http_metrics"].splitlines(), start=1):
            if not line.strip():
                continue
            match = METRIC_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(number)d should read: key | name | unit | JSON path.") % {"number": number}
                )
            key, name, unit, path = match.groups()
            metrics.append({"key": key, "name": name, "unit": unit, "path": path})
        return metrics

    def chosen_platform(self) -> str:
        return self.connector.platform

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        connector = self.connector
        credentials = {}
        for index, credential in enumerate(connector.credential_fields):
            value = data.get("credential" if index == 0 else f"credential_{credential.name}")
            if value:
                credentials[credential.name] = value
        options: dict[str, Any] = dict(self.channel.settings) if self.channel else {}
        if self.chosen_platform() == "http_json":
            options.update({"header": data["http_header"], "metrics": data["http_metrics"]})
        interval = timedelta(seconds=int(data["sync_interval"])) if data["sync_interval"] else None
        kwargs: dict[str, Any] = {
            "name": data["name"],
            "account_ref": data["account_ref"],
            "credentials": credentials,
            "options": options,
            "enabled": data["enabled"],
            "sync_interval": interval or connector.default_interval,
        }
        if self.channel is None:
            kwargs.update(platform=self.chosen_platform(), key_prefix=data["key_prefix"])
        return kwargs

"""What a fresh token can see, for the account picker: pages, organisations, channels and properties.

Each lister returns who signed in and the accounts, each with the credentials its channel will store (a Facebook
Page gets its own Page token, which does not expire; the others share the user's tokens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from django.utils.translation import gettext as _

from ..connectors.base import connector_config
from .http import oauth_client
from .providers import Provider, ProviderError, TokenSet


@dataclass(frozen=True)
class Account:
    platform: str
    ref: str
    name: str
    credentials: dict[str, str]
    expires_at: datetime | None = None
    refreshable: bool = False
    refresh_expires_at: datetime | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "ref": self.ref,
            "name": self.name,
            "credentials": self.credentials,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "refreshable": self.refreshable,
            "refresh_expires_at": self.refresh_expires_at.isoformat() if self.refresh_expires_at else None,
            "options": self.options,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        moments = {
            k: datetime.fromisoformat(data[k]) if data.get(k) else None for k in ("expires_at", "refresh_expires_at")
        }
        return cls(
            platform=data["platform"],
            ref=data["ref"],
            name=data["name"],
            credentials=dict(data["credentials"]),
            refreshable=bool(data.get("refreshable")),
            options=dict(data.get("options") or {}),
            **moments,
        )


def _get(http: httpx.Client, provider: Provider, url: str, **kwargs: Any) -> Any:
    try:
        response = http.get(url, **kwargs)
    except httpx.HTTPError as error:
        raise ProviderError(
            _("Could not reach %(platform)s to list your accounts.") % {"platform": provider.label}
        ) from error
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        raise ProviderError(
            _("%(platform)s refused to list your accounts (HTTP %(status)s).")
            % {"platform": provider.label, "status": response.status_code}
        )
    return body


def _bearer(tokens: TokenSet, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.access_token}", **headers}


def _shared(tokens: TokenSet, provider: Provider, platform: str, ref: str, name: str, **options: Any) -> Account:
    """An account that uses the signed-in user's own tokens."""
    return Account(
        platform=platform,
        ref=ref,
        name=name,
        credentials=tokens.credentials(),
        expires_at=tokens.expires_at,
        refreshable=provider.refresh != "none" and (bool(tokens.refresh_token) or provider.refresh == "instagram"),
        refresh_expires_at=tokens.refresh_expires_at,
        options=options,
    )


def _meta(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    config = connector_config("facebook_page")
    base = f"{config['base_url']}/{config['version']}"
    me = _get(http, provider, f"{base}/me", params={"fields": "name", "access_token": tokens.access_token})
    accounts: list[Account] = []
    url: str | None = f"{base}/me/accounts"
    params: dict[str, Any] | None = {
        "fields": "id,name,access_token,instagram_business_account{id,username}",
        "access_token": tokens.access_token,
        "limit": 100,
    }
    while url and len(accounts) < 500:
        body = _get(http, provider, url, params=params)
        for page in body.get("data", []):
            page_token = {"token": str(page.get("access_token", ""))}
            accounts.append(Account("facebook_page", str(page["id"]), str(page.get("name", page["id"])), page_token))
            instagram = page.get("instagram_business_account")
            if isinstance(instagram, dict) and instagram.get("id"):
                label = f"@{instagram.get('username') or instagram['id']} ({page.get('name', '')})"
                accounts.append(Account("instagram", str(instagram["id"]), label, page_token))
        url, params = (body.get("paging") or {}).get("next"), None  # cursor paging: `next` carries every parameter
    return str(me.get("name", "")), accounts


def _instagram(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    config = connector_config("instagram")
    me = _get(
        http,
        provider,
        f"{config['login_base_url']}/{config['version']}/me",
        params={"fields": "user_id,username", "access_token": tokens.access_token},
    )
    ref = str(me.get("user_id") or tokens.extra.get("user_id") or me.get("id", ""))
    name = f"@{me.get('username', ref)}"
    return name, [_shared(tokens, provider, "instagram", ref, name, api="instagram_login")]


def _linkedin(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    config = connector_config("linkedin_org")
    headers = _bearer(tokens, **{"LinkedIn-Version": str(config["version"]), "X-Restli-Protocol-Version": "2.0.0"})
    me = _get(http, provider, provider.config["userinfo_url"], headers=_bearer(tokens))
    body = _get(
        http,
        provider,
        f"{config['base_url']}/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        headers=headers,
    )
    accounts = []
    for element in body.get("elements", [])[:100]:
        org_id = str(element.get("organization", "")).removeprefix("urn:li:organization:")
        if not org_id.isdigit():
            continue
        org = _get(http, provider, f"{config['base_url']}/organizations/{quote(org_id)}", headers=headers)
        accounts.append(_shared(tokens, provider, "linkedin_org", org_id, str(org.get("localizedName", org_id))))
    return str(me.get("name", "")), accounts


def _google(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    me = _get(http, provider, provider.config["userinfo_url"], headers=_bearer(tokens))
    channels = _get(
        http,
        provider,
        f"{connector_config('youtube')['base_url']}/channels",
        params={"part": "snippet", "mine": "true", "maxResults": 50},
        headers=_bearer(tokens),
    )
    accounts = [
        _shared(
            tokens,
            provider,
            "youtube",
            str(item["id"]),
            str(item.get("snippet", {}).get("title", item["id"])),
            analytics=True,  # the owner signed in: YouTube Analytics is readable too
        )
        for item in channels.get("items", [])
        if item.get("id")
    ]
    summaries = _get(
        http,
        provider,
        f"{connector_config('ga4')['admin_url']}/accountSummaries",
        params={"pageSize": 200},
        headers=_bearer(tokens),
    )
    for account in summaries.get("accountSummaries", []):
        for prop in account.get("propertySummaries", []):
            ref = str(prop.get("property", "")).removeprefix("properties/")
            if ref.isdigit():
                name = f"{prop.get('displayName', ref)} ({account.get('displayName', '')})"
                accounts.append(_shared(tokens, provider, "ga4", ref, name))
    return str(me.get("email") or me.get("name") or ""), accounts


def _x(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    body = _get(http, provider, f"{connector_config('x')['base_url']}/users/me", headers=_bearer(tokens))
    user = body.get("data") or {}
    if not user.get("username"):
        raise ProviderError(_("X did not say which account signed in."))
    return f"@{user['username']}", [_shared(tokens, provider, "x", str(user["username"]), f"@{user['username']}")]


def _tiktok(http: httpx.Client, provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    body = _get(
        http,
        provider,
        f"{connector_config('tiktok')['base_url']}/user/info/",
        params={"fields": "open_id,display_name,username"},
        headers=_bearer(tokens),
    )
    user = (body.get("data") or {}).get("user") or {}
    ref = str(user.get("open_id") or tokens.extra.get("open_id") or "")
    if not ref:
        raise ProviderError(_("TikTok did not say which account signed in."))
    name = str(user.get("display_name") or user.get("username") or ref)
    return name, [_shared(tokens, provider, "tiktok", ref, name)]


LISTERS: dict[str, Callable[[httpx.Client, Provider, TokenSet], tuple[str, list[Account]]]] = {
    "meta": _meta,
    "instagram": _instagram,
    "linkedin": _linkedin,
    "google": _google,
    "x": _x,
    "tiktok": _tiktok,
}


def accounts_visible(provider: Provider, tokens: TokenSet) -> tuple[str, list[Account]]:
    """(who signed in, the accounts the token can read), for the picker."""
    with oauth_client() as http:
        try:
            return LISTERS[provider.key](http, provider, tokens)
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise ProviderError(
                _("%(platform)s answered in an unexpected shape.") % {"platform": provider.label}
            ) from error

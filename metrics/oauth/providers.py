"""The OAuth providers: what each asks for, and how its tokens are fetched, made long-lived, refreshed and revoked.

Authlib's OAuth 2 client does the protocol work (authorization URL, PKCE S256, token requests, client
authentication, error responses); it talks through the `httpx.Client` of `oauth_client()`. The facts per provider
follow the platforms' documentation (late 2026), cited beside each entry:

* meta: Facebook Login "Manually build a login flow" and "Long-lived access tokens" (user token ~60 days via
  `fb_exchange_token`; Page tokens from a long-lived user token do not expire). PKCE only in the OIDC flow that is
  still "in testing", so not used.
* instagram: Instagram API with Instagram Login: `access_token` (short-lived, 1 h) -> `ig_exchange_token` (60 days)
  -> `refresh_access_token?grant_type=ig_refresh_token` (a token at least 24 h old and not expired).
* linkedin: 3-legged OAuth, access tokens 60 days; refresh tokens (365 days, not extended) only for approved
  Marketing Developer Platform partners ("Programmatic refresh tokens").
* google: web-server flow with `access_type=offline`, `prompt=consent` and PKCE; access 1 h, refresh token until
  revoked (7 days for apps in "Testing").
* x: "OAuth 2.0 Authorization Code Flow with PKCE": access 2 h, a refresh token with `offline.access`; confidential
  clients authenticate with HTTP Basic.
* tiktok: Login Kit for Web (`client_key`, comma-separated scopes; PKCE only for desktop and mobile apps); access
  2 h, refresh 180 days and rotated on every refresh ("Refresh a user access token").
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from authlib.common.urls import add_params_to_qs
from authlib.integrations.base_client import OAuthError
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.client import OAuth2Client
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .http import oauth_client


class ProviderError(Exception):
    """The platform refused or failed a token request. `revoked`: only a new sign-in helps."""

    def __init__(self, message: str, *, revoked: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.revoked = revoked


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def credentials(self) -> dict[str, str]:
        return {k: v for k, v in {"token": self.access_token, "refresh_token": self.refresh_token}.items() if v}


@dataclass(frozen=True)
class Provider:
    key: str
    label: str | Promise
    scopes: tuple[str, ...]
    platforms: tuple[str, ...]  # the connectors whose channels it can create
    scope_separator: str = " "
    pkce: bool = False
    auth_method: str = "client_secret_post"
    refresh: str = "none"  # "oauth" (refresh_token grant), "instagram" (ig_refresh_token) or "none"
    refresh_ahead: timedelta = timedelta(minutes=30)
    authorize_params: Mapping[str, str] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, str]:
        return settings.OAUTH_PROVIDERS.get(self.key, {})

    @property
    def configured(self) -> bool:
        return bool(self.config.get("client_id"))

    @property
    def guide(self) -> str:
        return f"docs/oauth/{self.key}.md"


def _tiktok_client_auth(client: Any, method: str, uri: str, headers: dict, body: str) -> tuple[str, dict, str]:
    """TikTok names the client id `client_key` and wants it, with the secret, in the form body."""
    body = add_params_to_qs(body or "", [("client_key", client.client_id), ("client_secret", client.client_secret)])
    return uri, headers, body


class _ClientAuth(httpx.Auth, ClientAuth):
    """Authlib's client authentication (Basic, form fields, TikTok's) applied to an httpx request."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url, headers, body = self.prepare(request.method, str(request.url), dict(request.headers), request.content)
        headers.pop("content-length", None)
        yield httpx.Request(request.method, url, headers=headers, content=body, extensions=request.extensions)


class _Client(OAuth2Client):
    """Authlib's OAuth 2 client over a plain httpx.Client (so `oauth_client()` decides how requests go out).

    Authlib's own httpx integration subclasses httpx.Client; this keeps the client ours to build."""

    client_auth_class = _ClientAuth
    oauth_error_class = OAuthError


PROVIDERS: dict[str, Provider] = {
    p.key: p
    for p in (
        Provider(
            "meta",
            gettext_lazy("Facebook"),
            (
                "pages_show_list",
                "pages_read_engagement",
                "read_insights",
                "instagram_basic",
                "instagram_manage_insights",
            ),
            ("facebook_page", "instagram"),
            scope_separator=",",
        ),
        Provider(
            "instagram",
            gettext_lazy("Instagram"),
            ("instagram_business_basic", "instagram_business_manage_insights"),
            ("instagram",),
            scope_separator=",",
            refresh="instagram",
            refresh_ahead=timedelta(days=30),
        ),
        Provider(
            "linkedin",
            gettext_lazy("LinkedIn"),
            ("openid", "profile", "r_organization_social", "rw_organization_admin"),
            ("linkedin_org",),
            refresh="oauth",
            refresh_ahead=timedelta(days=7),
        ),
        Provider(
            "google",
            gettext_lazy("Google"),
            (
                "openid",
                "email",
                "https://www.googleapis.com/auth/youtube.readonly",
                "https://www.googleapis.com/auth/yt-analytics.readonly",
                "https://www.googleapis.com/auth/analytics.readonly",
            ),
            ("youtube", "ga4"),
            pkce=True,
            refresh="oauth",
            authorize_params={"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"},
        ),
        Provider(
            "x",
            gettext_lazy("X"),
            ("tweet.read", "users.read", "offline.access"),
            ("x",),
            pkce=True,
            auth_method="client_secret_basic",
            refresh="oauth",
        ),
        Provider(
            "tiktok",
            gettext_lazy("TikTok"),
            ("user.info.basic", "user.info.profile", "user.info.stats"),
            ("tiktok",),
            scope_separator=",",
            auth_method="tiktok",
            refresh="oauth",
        ),
    )
}


def get_provider(key: str) -> Provider | None:
    return PROVIDERS.get(key)


def provider_for_platform(platform: str) -> Provider | None:
    """The provider that connects channels of this platform (the first one that is configured wins)."""
    candidates = [p for p in PROVIDERS.values() if platform in p.platforms]
    return next((p for p in candidates if p.configured), candidates[0] if candidates else None)


def _client(provider: Provider, http: httpx.Client, *, redirect_uri: str = "") -> _Client:
    client = _Client(
        http,
        client_id=provider.config.get("client_id"),
        client_secret=provider.config.get("client_secret"),
        token_endpoint_auth_method=provider.auth_method,
        revocation_endpoint_auth_method=provider.auth_method,
        scope=provider.scope_separator.join(provider.scopes),
        redirect_uri=redirect_uri or None,
        code_challenge_method="S256" if provider.pkce else None,
    )
    client.register_client_auth_method(("tiktok", _tiktok_client_auth))
    if provider.key == "instagram":
        client.register_compliance_hook("access_token_response", _unwrap_instagram_data)
    return client


def _unwrap_instagram_data(response: httpx.Response) -> httpx.Response:
    """Instagram Login answers the code exchange as `{"data": [{access_token, user_id, ...}]}` in some versions."""
    try:
        body = response.json()
    except ValueError:
        return response
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        return httpx.Response(response.status_code, json=body["data"][0], request=response.request)
    return response


def authorization_url(provider: Provider, *, redirect_uri: str, state: str, code_verifier: str | None) -> str:
    extra = dict(provider.authorize_params)
    if provider.key == "tiktok":
        extra["client_key"] = provider.config.get("client_id", "")
    with oauth_client() as http:
        url, _state = _client(provider, http, redirect_uri=redirect_uri).create_authorization_url(
            provider.config["authorize_url"], state=state, code_verifier=code_verifier, **extra
        )
    return url


def _moment(seconds_from_now: Any) -> datetime | None:
    try:
        seconds = int(seconds_from_now)
    except (TypeError, ValueError):
        return None
    return datetime.now(UTC) + timedelta(seconds=seconds) if seconds > 0 else None


def _token_set(token: Mapping[str, Any], *, previous_refresh: str = "") -> TokenSet:
    access = token.get("access_token")
    if not isinstance(access, str) or not access:
        raise ProviderError(_("The platform answered without an access token."))
    expires_at = token.get("expires_at")
    refresh_in = token.get("refresh_expires_in") or token.get("refresh_token_expires_in")
    return TokenSet(
        access_token=access,
        refresh_token=str(token.get("refresh_token") or previous_refresh or ""),
        expires_at=datetime.fromtimestamp(int(expires_at), UTC) if expires_at else None,
        refresh_expires_at=_moment(refresh_in),
        extra={k: v for k, v in token.items() if k in ("open_id", "user_id", "scope")},
    )


@contextmanager
def _guarded(provider: Provider, action: str) -> Iterator[None]:
    """Turn Authlib and transport failures into a ProviderError whose message never carries a token."""
    label = {"platform": provider.label, "action": action}
    try:
        yield
    except OAuthError as error:
        # Standard servers send an error code; Meta's Graph sends {"error": {"code": 190, ...}} for a dead token.
        graph = error.error if isinstance(error.error, dict) else {}
        code = error.error if isinstance(error.error, str) else f"code {graph.get('code', '?')}"
        raise ProviderError(
            _("%(platform)s refused to %(action)s (%(code)s).") % {**label, "code": code},
            revoked=code in ("invalid_grant", "invalid_token", "access_denied") or graph.get("code") == 190,
        ) from error
    except httpx.HTTPStatusError as error:
        status = error.response.status_code
        raise ProviderError(
            _("%(platform)s refused to %(action)s (HTTP %(status)s).") % {**label, "status": status},
            revoked=status in (400, 401),
        ) from error
    except (httpx.HTTPError, ValueError) as error:
        raise ProviderError(_("Could not reach %(platform)s to %(action)s.") % label) from error
    except (KeyError, TypeError) as error:
        raise ProviderError(_("%(platform)s answered in an unexpected shape.") % label) from error


def _noauth() -> httpx.Auth:
    return httpx.Auth()  # the GET exchanges below carry their credentials as documented query parameters


def exchange_code(provider: Provider, *, code: str, redirect_uri: str, code_verifier: str | None) -> TokenSet:
    """The authorization code -> tokens; Meta and Instagram tokens are then swapped for long-lived ones."""
    with oauth_client() as http, _guarded(provider, _("sign you in")):
        client = _client(provider, http, redirect_uri=redirect_uri)
        extra = {"code_verifier": code_verifier} if code_verifier else {}
        token = client.fetch_token(provider.config["token_url"], code=code, **extra)
        config = provider.config
        if provider.key == "meta":
            token = client.fetch_token(
                config["token_url"],
                method="GET",
                auth=_noauth(),
                scope="",
                grant_type="fb_exchange_token",
                client_id=config["client_id"],
                client_secret=config["client_secret"],
                fb_exchange_token=token["access_token"],
            )
        elif provider.key == "instagram":
            user_id = token.get("user_id")
            token = client.fetch_token(
                config["exchange_url"],
                method="GET",
                auth=_noauth(),
                scope="",
                grant_type="ig_exchange_token",
                client_secret=config["client_secret"],
                access_token=token["access_token"],
            )
            token = {**token, "user_id": str(user_id or "")}
        return _token_set(token)


def refresh(provider: Provider, *, credentials: Mapping[str, str]) -> TokenSet:
    """New tokens from the stored ones; the refresh token may rotate (keep the newest)."""
    with oauth_client() as http, _guarded(provider, _("renew the connection")):
        client = _client(provider, http)
        if provider.refresh == "instagram":
            token = client.fetch_token(
                provider.config["refresh_url"],
                method="GET",
                auth=_noauth(),
                scope="",
                grant_type="ig_refresh_token",
                access_token=credentials.get("token", ""),
            )
            return _token_set(token)
        previous = credentials.get("refresh_token", "")
        if provider.refresh != "oauth" or not previous:
            raise ProviderError(_("This connection cannot be renewed without signing in again."), revoked=True)
        token = client.refresh_token(provider.config["token_url"], refresh_token=previous, scope="")
        return _token_set(token, previous_refresh=previous)


def revoke(provider: Provider, *, credentials: Mapping[str, str]) -> None:
    """Tell the platform we no longer use the tokens (best effort; platforms without an endpoint are skipped)."""
    url = provider.config.get("revoke_url")
    token = credentials.get("refresh_token") or credentials.get("token")
    if not url or not token:
        return
    with oauth_client() as http, _guarded(provider, _("end the connection")):
        extra = {"token_type_hint": "refresh_token" if credentials.get("refresh_token") else "access_token"}
        response = _client(provider, http).revoke_token(url, token=token, **extra)
        response.raise_for_status()

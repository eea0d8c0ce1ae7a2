"""A local fake authorization server and API for every OAuth provider, answering the documented shapes.

One pytest-httpserver serves all providers under `/<key>/…`: authorize (redirects back with a code, or with
`error=access_denied` when told to deny), token (code, refresh with rotation where the platform rotates, Meta's and
Instagram's long-lived exchanges), revoke, and the account listings the picker reads. It checks what a real server
checks: client authentication, the redirect URI, single-use codes, the PKCE verifier, and that a refresh token or
access token is still valid.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

CLIENT_ID, CLIENT_SECRET = "app-123", "app-secret-XYZ"
PROVIDER_KEYS = ("meta", "instagram", "linkedin", "google", "x", "tiktok")
REFRESHABLE = ("instagram", "linkedin", "google", "x", "tiktok")
ROTATES = ("x", "tiktok")
PKCE = ("google", "x")
LIFETIME = {"meta": 5183944, "instagram": 5184000, "linkedin": 5184000, "google": 3599, "x": 7200, "tiktok": 7200}
# What the picker shows for each provider's fake account listing, and the platform of the first account.
FIRST_ACCOUNT = {
    "meta": ("Acme Bakery", "facebook_page", "104412345678901"),
    "instagram": ("@acme.co", "instagram", "17841400000000001"),
    "linkedin": ("Acme Corp", "linkedin_org", "2414183"),
    "google": ("Acme TV", "youtube", "UCacme"),
    "x": ("@acme", "x", "acme"),
    "tiktok": ("Acme on TikTok", "tiktok", "-000acme"),
}
_serial = itertools.count(1)


def _json(body: Any, status: int = 200) -> Response:
    import json

    return Response(json.dumps(body), status=status, content_type="application/json")


@dataclass
class FakeProvider:
    key: str
    base: str
    deny: bool = False
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    access: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)
    revoked: list[str] = field(default_factory=list)
    page_token: str = ""

    def new(self, kind: str) -> str:
        return f"{self.key}-{kind}-SECRET-{next(_serial):05d}"

    # --- authorization server ----------------------------------------------------------------
    def authorize(self, request: Request) -> Response:
        args = request.args
        client = args.get("client_key") if self.key == "tiktok" else args.get("client_id")
        assert client == CLIENT_ID, "the authorize URL names our client"
        assert args.get("response_type") == "code" and args.get("scope") and args.get("state")
        if self.key in PKCE:
            assert args.get("code_challenge_method") == "S256" and args.get("code_challenge")
        if self.key == "google":
            assert args.get("access_type") == "offline"
        target = args["redirect_uri"]
        if self.deny:
            return Response(
                status=302,
                headers={"Location": f"{target}?{urlencode({'error': 'access_denied', 'state': args['state']})}"},
            )
        code = self.new("code")
        self.codes[code] = {"redirect_uri": target, "challenge": args.get("code_challenge", "")}
        return Response(
            status=302, headers={"Location": f"{target}?{urlencode({'code': code, 'state': args['state']})}"}
        )

    def _client_ok(self, request: Request) -> bool:
        form = request.form
        if self.key == "x":
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            return request.headers.get("Authorization") == f"Basic {expected}"
        if self.key == "tiktok":
            return form.get("client_key") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
        return form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET

    def _issue(self, *, with_refresh: bool) -> dict[str, Any]:
        access = self.new("access")
        self.access.add(access)
        body: dict[str, Any] = {"access_token": access, "expires_in": LIFETIME[self.key], "token_type": "bearer"}
        if with_refresh:
            refresh = self.new("refresh")
            self.refresh.add(refresh)
            body["refresh_token"] = refresh
            if self.key == "tiktok":
                body.update(refresh_expires_in=15552000, open_id="-000acme", scope="user.info.basic,user.info.stats")
            if self.key == "linkedin":
                body["refresh_token_expires_in"] = 31536000
        return body

    def token(self, request: Request) -> Response:
        if request.method == "GET":  # Meta's fb_exchange_token
            assert request.args.get("grant_type") == "fb_exchange_token"
            assert request.args.get("client_secret") == CLIENT_SECRET
            if request.args.get("fb_exchange_token") not in self.access:
                return _json(
                    {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}, 400
                )
            return _json(self._issue(with_refresh=False))
        if not self._client_ok(request):
            return _json({"error": "invalid_client", "error_description": "Client authentication failed."}, 401)
        form = request.form
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return _json({"error": "invalid_grant", "error_description": "Bad code."}, 400)
            if grant["challenge"]:
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                    return _json({"error": "invalid_grant", "error_description": "PKCE verification failed."}, 400)
            if self.key == "instagram":
                body = self._issue(with_refresh=False)
                return _json(
                    {
                        "data": [
                            {
                                "access_token": body["access_token"],
                                "user_id": "17841400000000001",
                                "permissions": "instagram_business_basic",
                            }
                        ]
                    }
                )
            return _json(self._issue(with_refresh=self.key in REFRESHABLE))
        if form.get("grant_type") == "refresh_token":
            old = form.get("refresh_token", "")
            if old not in self.refresh:
                return _json({"error": "invalid_grant", "error_description": "Refresh token is invalid."}, 400)
            if self.key in ROTATES:
                self.refresh.discard(old)
                return _json(self._issue(with_refresh=True))
            body = self._issue(with_refresh=False)  # Google and LinkedIn keep the refresh token
            return _json(body)
        return _json({"error": "unsupported_grant_type"}, 400)

    def instagram_exchange(self, request: Request) -> Response:
        args = request.args
        kind = "ig_exchange_token" if request.path.endswith("/exchange") else "ig_refresh_token"
        assert args.get("grant_type") == kind
        if kind == "ig_exchange_token":
            assert args.get("client_secret") == CLIENT_SECRET
        if args.get("access_token") not in self.access:
            return _json(
                {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}, 400
            )
        return _json(self._issue(with_refresh=False))

    def revoke(self, request: Request) -> Response:
        token = request.form.get("token", "")
        self.revoked.append(token)
        self.refresh.discard(token)
        self.access.discard(token)
        return Response("", status=200)

    def revoke_all(self) -> None:
        """The user removed the app on the platform: no token works any more."""
        self.refresh.clear()
        self.access.clear()

    # --- API: who signed in and what the token can see -----------------------------------------
    def bearer_ok(self, request: Request) -> bool:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ") or request.args.get("access_token")
        return given in self.access or (bool(self.page_token) and given == self.page_token)

    def api(self, request: Request) -> Response:
        if not self.bearer_ok(request):
            return _json({"error": {"message": "Invalid token", "code": 190}}, 401)
        path = request.path.removeprefix(f"/{self.key}")
        return _json(self.listing(path, request))

    def listing(self, path: str, request: Request) -> dict[str, Any]:
        if self.key == "meta":
            if path.endswith("/me/accounts"):
                self.page_token = self.page_token or self.new("page")
                return {
                    "data": [
                        {
                            "id": "104412345678901",
                            "name": "Acme Bakery",
                            "access_token": self.page_token,
                            "instagram_business_account": {"id": "17841400000000002", "username": "acme.bakes"},
                        }
                    ],
                    "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}},
                }
            return {"name": "Jane Doe", "id": "10001"}
        if self.key == "instagram":
            return {"user_id": "17841400000000001", "username": "acme.co", "id": "9001"}
        if self.key == "linkedin":
            if path.endswith("/userinfo"):
                return {"sub": "abc", "name": "Jane Doe"}
            if path.endswith("/organizationAcls"):
                assert request.headers.get("LinkedIn-Version") and request.args.get("q") == "roleAssignee"
                return {
                    "elements": [
                        {
                            "organization": "urn:li:organization:2414183",
                            "role": "ADMINISTRATOR",
                            "state": "APPROVED",
                            "roleAssignee": "urn:li:person:abc",
                        }
                    ],
                    "paging": {},
                }
            return {"id": 2414183, "localizedName": "Acme Corp"}
        if self.key == "google":
            if path.endswith("/userinfo"):
                return {"sub": "1", "email": "jane@example.com"}
            if path.endswith("/reports"):  # YouTube Analytics, one row per day
                assert request.args.get("ids") == "channel==MINE" and request.args.get("dimensions") == "day"
                headers = [
                    {"name": n, "columnType": "METRIC", "dataType": "INTEGER"}
                    for n in request.args["metrics"].split(",")
                ]
                return {
                    "kind": "youtubeAnalytics#resultTable",
                    "columnHeaders": [{"name": "day", "columnType": "DIMENSION", "dataType": "STRING"}, *headers],
                    "rows": [[request.args["endDate"], 120, 300, 4, 1]],
                }
            if path.endswith("/channels") and request.args.get("part") == "statistics":
                stats = {"subscriberCount": "1200", "viewCount": "45000", "videoCount": "80"}
                return {"items": [{"id": "UCacme", "statistics": stats}]}
            if path.endswith("/channels"):
                assert request.args.get("mine") == "true"
                return {
                    "kind": "youtube#channelListResponse",
                    "items": [{"kind": "youtube#channel", "id": "UCacme", "snippet": {"title": "Acme TV"}}],
                }
            return {
                "accountSummaries": [
                    {
                        "name": "accountSummaries/1",
                        "account": "accounts/1",
                        "displayName": "Acme",
                        "propertySummaries": [{"property": "properties/123456", "displayName": "Acme web"}],
                    }
                ]
            }
        if self.key == "x":
            if "/users/by/username/" in path:  # an error that echoes the token it was sent
                given = request.headers.get("Authorization", "")
                return {"errors": [{"title": "Not Found Error", "detail": f"No user for {given}"}]}
            return {"data": {"id": "2244994945", "name": "Acme", "username": "acme"}}
        user = {
            "open_id": "-000acme",
            "display_name": "Acme on TikTok",
            "username": "acme",
            "follower_count": 1520,
            "following_count": 31,
            "likes_count": 98000,
            "video_count": 87,
        }
        return {"data": {"user": user}, "error": {"code": "ok", "message": "", "log_id": "20261201"}}


def install(httpserver: Any, settings: Any, key: str) -> FakeProvider:
    """Point the provider's settings (endpoints and API base URLs) at a fresh fake on the local server."""
    base = httpserver.url_for(f"/{key}").rstrip("/")
    fake = FakeProvider(key, base)
    endpoints = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "authorize_url": f"{base}/authorize",
        "token_url": f"{base}/token",
        "revoke_url": f"{base}/revoke",
        "userinfo_url": f"{base}/userinfo",
        "exchange_url": f"{base}/exchange",
        "refresh_url": f"{base}/refresh",
    }
    settings.OAUTH_PROVIDERS = {**settings.OAUTH_PROVIDERS, key: endpoints}
    connectors = {name: dict(config) for name, config in settings.SCORECARD_CONNECTORS.items()}
    for name in ("facebook_page", "instagram", "linkedin_org", "youtube", "x", "tiktok"):
        connectors[name]["base_url"] = base
    connectors["instagram"]["login_base_url"] = base
    connectors["ga4"]["admin_url"] = base
    connectors["youtube"]["analytics_url"] = base
    settings.SCORECARD_CONNECTORS = connectors
    settings.SCORECARD_BASE_URL = "http://testserver"
    httpserver.expect_request(f"/{key}/authorize").respond_with_handler(fake.authorize)
    httpserver.expect_request(f"/{key}/token").respond_with_handler(fake.token)
    httpserver.expect_request(f"/{key}/revoke", method="POST").respond_with_handler(fake.revoke)
    for path in ("/exchange", "/refresh"):
        httpserver.expect_request(f"/{key}{path}").respond_with_handler(fake.instagram_exchange)
    import re

    httpserver.expect_request(re.compile(rf"^/{key}/.*")).respond_with_handler(fake.api)
    return fake

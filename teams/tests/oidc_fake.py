"""A local OpenID Connect provider for tests: discovery, authorize, token, JWKS and userinfo on pytest-httpserver.

It signs ID tokens with an RSA key made for the test run (PyJWT), checks the client's secret and PKCE verifier,
and lets a test spoil the next ID token (another audience, expired, signed with a stranger's key, a nonce of
another sign-in) to see that the app refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "scorecard-client"
CLIENT_SECRET = "s3cret-of-the-client"
KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeOIDCProvider:
    server: HTTPServer
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    user: dict[str, Any] = field(
        default_factory=lambda: {"sub": "alice-1", "email": "alice@acme.test", "name": "Alice Acme"}
    )
    # What the next ID token gets wrong: claims to override, or another key to sign it with.
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    signing_key: rsa.RSAPrivateKey | None = None
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    @property
    def issuer(self) -> str:
        return self.server.url_for("").rstrip("/")

    def install(self) -> None:
        s = self.server
        s.expect_request("/.well-known/openid-configuration").respond_with_json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            }
        )
        public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwks = {"keys": [{**public_jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}
        s.expect_request("/jwks").respond_with_json(jwks)
        s.expect_request("/authorize").respond_with_handler(self._authorize)
        s.expect_request("/token", method="POST").respond_with_handler(self._token)
        s.expect_request("/userinfo").respond_with_handler(self._userinfo)

    # --- the provider's endpoints ---------------------------------------------------------------------------

    def _authorize(self, request: Request) -> Response:
        """The user signs in at the provider (always successfully here) and is sent back with a code."""
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("bad authorization request", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": args.get("nonce"),
            "redirect_uri": args["redirect_uri"],
            "code_challenge": args.get("code_challenge"),
            "login_hint": args.get("login_hint"),
            "scope": args.get("scope", ""),
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _token(self, request: Request) -> Response:
        self.token_requests += 1
        form = request.form
        grant = self.codes.pop(form.get("code", ""), None)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return Response(json.dumps({"error": "invalid_client"}), status=401, content_type="application/json")
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return Response(json.dumps({"error": "invalid_grant"}), status=400, content_type="application/json")
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["code_challenge"] and challenge != grant["code_challenge"]:
            return Response(json.dumps({"error": "invalid_grant"}), status=400, content_type="application/json")
        body = {
            "access_token": f"access-{secrets.token_urlsafe(8)}",
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": self.id_token(nonce=grant["nonce"]),
        }
        return Response(json.dumps(body), content_type="application/json")

    def _userinfo(self, request: Request) -> Response:
        if not request.headers.get("Authorization", "").startswith("Bearer access-"):
            return Response(status=401)
        return Response(json.dumps(self.user), content_type="application/json")

    def id_token(self, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.user,
            **self.id_token_overrides,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.signing_key or self.key, algorithm="RS256", headers={"kid": KID})

    # --- the browser's part, for the Django test client --------------------------------------------------------

    def sign_in_at_provider(self, authorize_url: str) -> str:
        """Follow the app's redirect to the provider's authorize endpoint; return the app's callback path."""
        response = httpx.get(authorize_url, follow_redirects=False)
        assert response.status_code == 302, response.text
        location = urlsplit(response.headers["Location"])
        assert location.netloc == "testserver"
        return f"{location.path}?{location.query}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

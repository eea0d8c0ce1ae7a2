"""OpenID Connect with the checks allauth leaves out: a nonce per sign-in, and the ID token's signature.

allauth's provider sends no nonce and skips the signature of an ID token that came straight from the token
endpoint (the specification allows that over TLS). Both are checked here, so that an ID token from another
sign-in (a replay) or with a forged signature is refused whatever the transport.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare


class VerifiedOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


class VerifiedOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = VerifiedOIDCAdapter

    def redirect(self, request: HttpRequest, process: Any, next_url: Any = None, data: Any = None, **kwargs: Any):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params, nonce=nonce)
        # The nonce goes into the sign-in's state (kept in the session) and must come back in the ID token.
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


def nonce_matches(sociallogin: SocialLogin) -> bool:
    expected = (sociallogin.state or {}).get("nonce")
    received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
    return isinstance(expected, str) and isinstance(received, str) and constant_time_compare(expected, received)


def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(VerifiedOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(VerifiedOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error

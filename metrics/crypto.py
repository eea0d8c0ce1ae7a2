"""Channel credentials, encrypted at rest with Fernet (the `cryptography` library).

The key comes from the CHANNEL_CREDENTIALS_KEY setting: one or more comma-separated Fernet
keys (the first encrypts, all decrypt, so keys can be rotated). Without it a key is derived
from SECRET_KEY, which means changing SECRET_KEY makes stored credentials unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in (getattr(settings, "CHANNEL_CREDENTIALS_KEY", "") or "").split(",") if k.strip()]
    if not configured:
        digest = hashlib.sha256(b"scorecard-channel-credentials:" + settings.SECRET_KEY.encode()).digest()
        configured = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in configured])


def credentials_encrypt(credentials: dict[str, str]) -> str:
    if not any(credentials.values()):
        return ""
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


class CredentialsUnreadableError(Exception):
    """The stored credentials were encrypted with a key this installation no longer has."""


def credentials_decrypt(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as error:
        raise CredentialsUnreadableError from error

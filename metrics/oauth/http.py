"""The one place where the OAuth code builds its outgoing HTTP clients (token exchange, refresh, revocation,
account listing), so that every such request gets the same timeout, CA bundle and address checks."""

from __future__ import annotations

import httpx
from django.conf import settings


def oauth_client() -> httpx.Client:
    from ..channel_services.sync import _ssl_context  # built once per process, shared with the connectors

    return httpx.Client(
        timeout=settings.SCORECARD_CONNECTOR_TIMEOUT,
        verify=_ssl_context(),
        headers={"User-Agent": "Scorecard connector", "Accept": "application/json"},
        follow_redirects=False,
    )

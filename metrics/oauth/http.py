"""The one place where the OAuth code builds its outgoing HTTP clients (token exchange, refresh, revocation,
account listing): the connectors' safe client, so these requests get the same address checks (no private or
local networks, checked at connect time), timeout, deadline, answer cap and CA bundle as every sync."""

from __future__ import annotations

import httpx

from ..connectors.safety import safe_client


def oauth_client() -> httpx.Client:
    client = safe_client()
    client.headers["Accept"] = "application/json"
    return client

"""The `state` of a "Connect with …" sign-in: signed, single-use, short-lived, bound to the session and the team.

Starting a sign-in stores a random flow id in the session (with the PKCE verifier, the team and the channel to
reconnect) and sends `state` = the flow id, team and provider signed with Django's signing (SECRET_KEY, a timestamp
checked against OAUTH_STATE_MAX_AGE). The callback accepts a state only when its signature holds, it is young
enough, and the same session still holds that flow for that team and provider; the flow is removed on first use, so
a replayed state finds nothing. After the token exchange the accounts the token can see are kept, encrypted, in the
session under the same flow id until the admin picks one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from authlib.common.security import generate_token
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.utils.translation import gettext as _

from ..crypto import CredentialsUnreadableError, credentials_decrypt, credentials_encrypt

SALT = "metrics.oauth.state"
FLOWS_KEY = "oauth_flows"
PICKS_KEY = "oauth_picks"
MAX_PENDING = 5  # sign-ins started in other tabs stay usable; older ones are dropped


class StateError(Exception):
    """The state is forged, expired, replayed or from another session; the message says which, safely."""


@dataclass(frozen=True)
class Flow:
    id: str
    provider: str
    team_id: int
    channel_id: int | None
    code_verifier: str | None


def _remember(session: SessionBase, key: str, flow_id: str, value: Any) -> None:
    stored = dict(session.get(key, {}))
    stored[flow_id] = value
    session[key] = dict(list(stored.items())[-MAX_PENDING:])


def flow_start(
    session: SessionBase, *, provider: str, team_id: int, channel_id: int | None, pkce: bool
) -> tuple[Flow, str]:
    """A new flow stored in the session, and its signed state."""
    flow = Flow(secrets.token_urlsafe(24), provider, team_id, channel_id, generate_token(64) if pkce else None)
    _remember(session, FLOWS_KEY, flow.id, [provider, team_id, channel_id, flow.code_verifier])
    state = signing.dumps({"f": flow.id, "t": team_id, "p": provider}, salt=SALT, compress=True)
    return flow, state


def flow_finish(session: SessionBase, *, provider: str, state: str) -> Flow:
    """The flow this state names, removed from the session (single use)."""
    try:
        data = signing.loads(state, salt=SALT, max_age=settings.OAUTH_STATE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise StateError(_("The sign-in took too long and expired. Start it again.")) from error
    except signing.BadSignature as error:
        raise StateError(_("The sign-in came back with a state that was not ours. Start it again.")) from error
    flows = dict(session.get(FLOWS_KEY, {}))
    stored = flows.pop(str(data.get("f")), None)
    session[FLOWS_KEY] = flows
    if stored is None:
        raise StateError(_("This sign-in was already used, or started in another browser session. Start it again."))
    flow = Flow(str(data["f"]), *stored)
    if flow.provider != provider or flow.provider != data.get("p") or flow.team_id != data.get("t"):
        raise StateError(_("The sign-in came back for another platform or team. Start it again."))
    return flow


def picks_store(session: SessionBase, flow: Flow, *, connected_as: str, accounts: list[dict[str, Any]]) -> None:
    """Keep what the admin may pick from, encrypted (the accounts carry tokens)."""
    payload = json.dumps({"p": flow.provider, "t": flow.team_id, "who": connected_as, "accounts": accounts})
    _remember(session, PICKS_KEY, flow.id, credentials_encrypt({"pick": payload}))


def picks_load(session: SessionBase, flow_id: str) -> dict[str, Any] | None:
    token = session.get(PICKS_KEY, {}).get(flow_id)
    if not token:
        return None
    try:
        return json.loads(credentials_decrypt(token)["pick"])
    except (CredentialsUnreadableError, KeyError, ValueError):
        return None


def picks_forget(session: SessionBase, flow_id: str) -> None:
    picks = dict(session.get(PICKS_KEY, {}))
    picks.pop(flow_id, None)
    session[PICKS_KEY] = picks

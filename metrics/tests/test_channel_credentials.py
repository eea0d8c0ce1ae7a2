"""Credentials never show up in logs, pages, API responses or sync run errors."""

import logging

from django.urls import reverse

from metrics.channel_services import channel_create
from metrics.crypto import credentials_decrypt, credentials_encrypt
from metrics.models import Channel, SyncRun

from .channel_helpers import sync

KEY = "AIza-very-secret-key-424242"


def our_logs(caplog):
    """Everything logged except the fake server's own request log (werkzeug plays the platform)."""
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("werkzeug"))


def youtube_channel(team, httpserver, settings):
    settings.SCORECARD_CONNECTORS = {
        **settings.SCORECARD_CONNECTORS,
        "youtube": {"base_url": httpserver.url_for("").rstrip("/")},
    }
    return channel_create(team=team, platform="youtube", name="Tube", account_ref="UC123", credentials={"api_key": KEY})


def test_a_refused_key_is_in_no_log_no_run_error_and_no_page(team, httpserver, settings, caplog, client_for):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request(
        "/channels", query_string={"part": "statistics", "id": "UC123", "key": KEY}
    ).respond_with_json(
        {
            "error": {
                "code": 400,
                "message": f"API key not valid: {KEY}",
                "status": "INVALID_ARGUMENT",
                "errors": [{"reason": "badRequest", "domain": "global", "message": "API key not valid."}],
                "details": [{"reason": "API_KEY_INVALID"}],
            }
        },
        status=400,
    )
    channel = youtube_channel(team, httpserver, settings)
    run = sync(channel)
    assert run.status == SyncRun.Status.FAILED
    channel.refresh_from_db()
    assert channel.status == Channel.Status.NEEDS_ATTENTION
    assert len(httpserver.log) == 1  # the fake really received the key
    client = client_for("admin")
    texts = [
        our_logs(caplog),
        run.error,
        channel.last_error,
        channel.attention_hint,
        str(run.metric_errors),
        client.get(reverse("metrics:channel-detail", args=[team.slug, channel.pk])).content.decode(),
        client.get(reverse("metrics:channel-status", args=[team.slug, channel.pk])).content.decode(),
    ]
    for text in texts:
        assert KEY not in text


def test_a_successful_sync_logs_no_key(team, httpserver, settings, caplog):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/channels").respond_with_json(
        {"items": [{"id": "UC123", "statistics": {"viewCount": "5", "subscriberCount": "6", "videoCount": "7"}}]}
    )
    channel = youtube_channel(team, httpserver, settings)
    assert sync(channel).status == SyncRun.Status.OK
    assert KEY not in our_logs(caplog)


def test_credentials_round_trip_and_rotate_keys(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CHANNEL_CREDENTIALS_KEY = old
    token = credentials_encrypt({"token": "abc"})
    settings.CHANNEL_CREDENTIALS_KEY = f"{new},{old}"
    assert credentials_decrypt(token) == {"token": "abc"}


def test_unreadable_credentials_ask_the_admin_to_enter_them_again(team, settings):
    from .channel_helpers import ScriptedConnector, scripted_channel

    ScriptedConnector.behaviour = None
    channel = scripted_channel(team)
    settings.SECRET_KEY = "another-secret-key-entirely"
    run = sync(channel)
    channel.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert channel.status == Channel.Status.NEEDS_ATTENTION
    assert "enter its credentials again" in channel.attention_hint

"""Token lifecycle: renewal ahead of expiry (rotated refresh tokens kept), revocation and expiry to needs attention,
Reconnect that keeps the channel and its history, and two workers renewing at once on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from metrics.crypto import credentials_decrypt
from metrics.models import Channel, DataPoint, Metric
from metrics.oauth.services import channel_token_refresh, channels_tokens_refresh_due
from metrics.services import PointIn, datapoints_upsert
from metrics.tests.oauth_fakes import REFRESHABLE, ROTATES, install
from metrics.tests.test_oauth_connect import come_back

pytestmark = pytest.mark.django_db


def connected_channel(client, team, fake):
    response, _back = come_back(
        client, client.post(reverse("metrics:channel-connect", args=[team.slug, fake.key]))["Location"]
    )
    client.post(response["Location"], {"account": "0"})
    return Channel.objects.get()


def due_soon(channel):
    Channel.objects.filter(pk=channel.pk).update(token_expires_at=timezone.now() + timedelta(minutes=1))


@pytest.fixture(params=REFRESHABLE)
def refreshable(request, httpserver, settings, client_for, team):
    fake = install(httpserver, settings, request.param)
    return fake, connected_channel(client_for("admin"), team, fake)


def test_a_token_is_renewed_ahead_of_expiry_and_the_newest_refresh_token_kept(refreshable):
    fake, channel = refreshable
    first = credentials_decrypt(channel.credentials_encrypted)
    due_soon(channel)
    assert channels_tokens_refresh_due() == 1
    channel.refresh_from_db()
    renewed = credentials_decrypt(channel.credentials_encrypted)
    assert renewed["token"] != first["token"] and renewed["token"] in fake.access
    assert channel.token_expires_at > timezone.now() + timedelta(minutes=30)
    if fake.key in ROTATES:
        assert renewed["refresh_token"] != first["refresh_token"] and first["refresh_token"] not in fake.refresh
    due_soon(channel)
    assert channels_tokens_refresh_due() == 1  # the stored (rotated) refresh token works again
    channel.refresh_from_db()
    assert channel.status == Channel.Status.OK


def test_a_token_far_from_expiry_is_left_alone(refreshable):
    _fake, channel = refreshable
    Channel.objects.filter(pk=channel.pk).update(token_expires_at=timezone.now() + timedelta(days=90))
    assert channels_tokens_refresh_due() == 0


def test_a_revoked_connection_needs_attention_and_reconnect_keeps_channel_metrics_and_history(
    refreshable, client_for, team
):
    fake, channel = refreshable
    metric = Metric.objects.filter(channel=channel).first()
    datapoints_upsert(points=[PointIn(metric.pk, datetime(2026, 11, 1, tzinfo=UTC), 42.0)], source="channel")
    fake.revoke_all()
    due_soon(channel)
    assert channels_tokens_refresh_due() == 0
    channel.refresh_from_db()
    assert channel.status == Channel.Status.NEEDS_ATTENTION and "Reconnect" in channel.attention_hint
    client = client_for("admin")
    detail = client.get(reverse("metrics:channel-detail", args=[team.slug, channel.pk])).content.decode()
    assert "Reconnect" in detail
    start = client.post(reverse("metrics:channel-reconnect", args=[team.slug, channel.pk]))
    response, _back = come_back(client, start["Location"])
    assert response["Location"].endswith(f"/channels/{channel.pk}/")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.OK and Channel.objects.count() == 1
    assert credentials_decrypt(channel.credentials_encrypted)["token"] in fake.access
    assert DataPoint.objects.filter(metric=metric, value=42.0).exists()


def test_a_token_that_cannot_be_renewed_needs_attention_when_it_expires(httpserver, settings, client_for, team):
    fake = install(httpserver, settings, "linkedin")
    channel = connected_channel(client_for("admin"), team, fake)
    Channel.objects.filter(pk=channel.pk).update(token_refreshable=False, token_expires_at=timezone.now())
    channels_tokens_refresh_due(now=timezone.now() + timedelta(seconds=1))
    channel.refresh_from_db()
    assert channel.status == Channel.Status.NEEDS_ATTENTION and "expired" in channel.last_error


def test_a_page_token_from_facebook_does_not_expire(httpserver, settings, client_for, team):
    fake = install(httpserver, settings, "meta")
    channel = connected_channel(client_for("admin"), team, fake)
    assert channel.token_expires_at is None and channel.connection_lapses_at is None
    assert credentials_decrypt(channel.credentials_encrypted) == {"token": fake.page_token}


@pytest.mark.parametrize("key", ["linkedin", "google", "x", "tiktok"])  # the platforms with a revoke endpoint
def test_deleting_a_connected_channel_revokes_its_token(
    httpserver, settings, client_for, team, django_capture_on_commit_callbacks, key
):
    fake = install(httpserver, settings, key)
    client = client_for("admin")
    channel = connected_channel(client, team, fake)
    stored = credentials_decrypt(channel.credentials_encrypted)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("metrics:channel-delete", args=[team.slug, channel.pk]))
    assert stored.get("refresh_token", stored["token"]) in fake.revoked
    assert Metric.objects.filter(key__startswith=channel.key_prefix).exists()  # the metrics and history stay


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_renewing_at_once_leave_a_valid_token(httpserver, settings, client_for, team):
    fake = install(httpserver, settings, "tiktok")  # TikTok rotates: a refresh token works once
    channel = connected_channel(client_for("admin"), team, fake)
    due_soon(channel)
    barrier, results = threading.Barrier(2), []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(channel_token_refresh(channel_id=channel.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    channel.refresh_from_db()
    stored = credentials_decrypt(channel.credentials_encrypted)
    assert stored["refresh_token"] in fake.refresh and stored["token"] in fake.access
    assert channel.status == Channel.Status.OK


def test_the_digest_warns_team_admins_once_a_week_before_a_connection_lapses(
    httpserver, settings, client_for, team, users
):
    from django.core import mail

    from scorecard.services.digest import digest_send

    fake = install(httpserver, settings, "linkedin")
    channel = connected_channel(client_for("admin"), team, fake)
    Channel.objects.filter(pk=channel.pk).update(
        token_refreshable=False, token_expires_at=timezone.now() + timedelta(days=5)
    )
    digest_send()
    to_admin = [m for m in mail.outbox if users["admin"].email in m.to]
    assert len(to_admin) == 1 and "Reconnect" in to_admin[0].body
    assert not [m for m in mail.outbox if users["viewer"].email in m.to]
    assert fake.access.isdisjoint(set(to_admin[0].body.split()))
    mail.outbox.clear()
    digest_send()
    assert not mail.outbox  # told once


def test_the_digest_warns_team_admins_of_metric_removals_due_within_60_days(team, users, monkeypatch):
    from django.core import mail

    from metrics.channel_services import channel_create
    from metrics.connectors import lineage
    from scorecard.services.digest import digest_send

    channel_create(
        team=team, platform="facebook_page", name="Acme Page", account_ref="1044", credentials={"token": "EAAB-x"}
    )
    soon = timezone.localdate() + timedelta(days=30)
    later = timezone.localdate() + timedelta(days=90)
    monkeypatch.setattr(
        lineage,
        "CALENDAR",
        (
            lineage.Retirement("facebook_page", "page_media_view", soon, "page_media_view_v2"),
            lineage.Retirement("facebook_page", "page_post_engagements", later, "page_engagements_v2"),
        ),
    )
    digest_send()
    body = next(m.body for m in mail.outbox if users["admin"].email in m.to)
    assert "removes page_media_view" in body and "page_post_engagements" not in body


def test_a_connected_tiktok_account_syncs_its_statistics(httpserver, settings, client_for, team):
    from metrics.tests.channel_helpers import sync

    fake = install(httpserver, settings, "tiktok")
    channel = connected_channel(client_for("admin"), team, fake)
    run = sync(channel)
    assert run.status == "ok"
    values = dict(DataPoint.objects.filter(metric__channel=channel).values_list("metric__key", "value"))
    assert values[f"{channel.key_prefix}-followers"] == 1520 and values[f"{channel.key_prefix}-likes"] == 98000


def test_a_sync_error_that_echoes_the_token_is_stored_without_it_and_asks_to_reconnect(
    httpserver, settings, client_for, team
):
    from metrics.tests.channel_helpers import sync

    fake = install(httpserver, settings, "x")
    channel = connected_channel(client_for("admin"), team, fake)
    token = credentials_decrypt(channel.credentials_encrypted)["token"]
    run = sync(channel)
    channel.refresh_from_db()
    assert run.status == "failed" and "No user for" in run.error
    assert token not in run.error and token not in channel.last_error
    assert channel.status == Channel.Status.NEEDS_ATTENTION and "Reconnect" in channel.attention_hint


def test_a_sync_renews_a_token_that_is_about_to_expire_first(httpserver, settings, client_for, team):
    from metrics.tests.channel_helpers import sync

    fake = install(httpserver, settings, "tiktok")
    channel = connected_channel(client_for("admin"), team, fake)
    old = credentials_decrypt(channel.credentials_encrypted)["token"]
    fake.access.discard(old)  # the platform already considers it expired
    Channel.objects.filter(pk=channel.pk).update(token_expires_at=timezone.now() + timedelta(seconds=20))
    assert sync(channel).status == "ok"


def test_a_youtube_channel_connected_by_its_owner_syncs_daily_analytics_too(httpserver, settings, client_for, team):
    from metrics.tests.channel_helpers import sync

    fake = install(httpserver, settings, "google")
    channel = connected_channel(client_for("admin"), team, fake)
    assert channel.platform == "youtube" and channel.settings == {"analytics": True}
    run = sync(channel)
    assert run.status == "ok", run.error
    values = dict(DataPoint.objects.filter(metric__channel=channel).values_list("metric__key", "value"))
    assert values[f"{channel.key_prefix}-subscribers"] == 1200 and values[f"{channel.key_prefix}-watch_minutes"] == 300


def test_the_beat_renews_tokens_every_ten_minutes(refreshable):
    from django.conf import settings as live_settings

    from metrics.tasks import channel_tokens_refresh

    entry = live_settings.CELERY_BEAT_SCHEDULE["metrics-channel-tokens-refresh"]
    assert entry["task"] == "metrics.tasks.channel_tokens_refresh" and entry["schedule"] == 600.0
    _fake, channel = refreshable
    due_soon(channel)
    assert channel_tokens_refresh.delay().get() == 1
    channel.refresh_from_db()
    assert channel.token_expires_at > timezone.now() + timedelta(minutes=30)  # renewed by the per-channel task

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from metrics.channel_services import channel_claim, channel_create
from metrics.connectors.demo import PROFILES, daily_value, followers_on
from metrics.models import Channel, DataPoint, Metric, SyncRun
from teams.demo import DemoContext
from teams.demo import seed as seed_teams


def test_sync_channel_runs_one_sync_in_the_foreground_and_prints_the_result(team):
    channel = channel_create(team=team, platform="demo", name="Demo", account_ref="instagram-x")
    out = StringIO()
    call_command("sync_channel", str(channel.pk), stdout=out)
    assert "OK" in out.getvalue() and "points written" in out.getvalue()
    assert SyncRun.objects.get().trigger == SyncRun.Trigger.COMMAND


def test_sync_channel_refuses_while_another_sync_runs(team):
    channel = channel_create(team=team, platform="demo", name="Demo", account_ref="instagram-x")
    channel_claim(channel=channel)
    with pytest.raises(CommandError, match="already running"):
        call_command("sync_channel", str(channel.pk))


def test_sync_channel_reports_an_unknown_channel(db):
    with pytest.raises(CommandError, match="no channel"):
        call_command("sync_channel", "999")


def test_sync_due_enqueues_due_channels_and_foreground_runs_them(team, django_capture_on_commit_callbacks):
    channel_create(team=team, platform="demo", name="Demo", account_ref="instagram-x")
    out = StringIO()
    call_command("sync_due", "--foreground", stdout=out)
    assert "1 channel(s) synced" in out.getvalue()
    call_command("sync_due", stdout=out)
    assert "0 channel sync(s) enqueued" in out.getvalue()  # synced already: not due for an hour


def test_demo_series_are_deterministic_with_a_weekly_rhythm():
    profile = PROFILES["instagram"]
    monday = dt.date(2026, 3, 2)
    week = [daily_value("s", profile, "reach", monday + dt.timedelta(days=n)) for n in range(7)]
    assert week == [daily_value("s", profile, "reach", monday + dt.timedelta(days=n)) for n in range(7)]
    weekdays = [
        sum(daily_value("s", profile, "reach", monday + dt.timedelta(days=7 * w + n)) for w in range(12))
        for n in range(7)
    ]
    assert max(weekdays[5:]) < min(weekdays[:5])  # weekends are quieter
    assert followers_on("s", profile, dt.date(2026, 6, 1)) > followers_on("s", profile, dt.date(2025, 6, 1))


def test_seed_demo_adds_two_synced_demo_channels_to_acme_social_and_is_idempotent(db):
    for _ in range(2):
        context = DemoContext()
        seed_teams(context)
        from metrics.demo import seed_channels

        seed_channels(context)
    channels = Channel.objects.filter(team__slug="acme-social").order_by("key_prefix")
    assert [c.key_prefix for c in channels] == ["demo-instagram", "demo-linkedin"]
    assert all(c.sync_interval == dt.timedelta(minutes=5) and c.last_synced_at for c in channels)  # visibly moving
    keys = set(Metric.objects.filter(team__slug="acme-social").values_list("key", flat=True))
    assert {"demo-instagram-followers", "demo-instagram-reach", "demo-linkedin-engagements"} <= keys
    followers = DataPoint.objects.filter(metric__key="demo-instagram-followers")
    assert followers.count() == 90
    assert followers.latest("ts").ts <= timezone.now()

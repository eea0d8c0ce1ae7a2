import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from metrics.channel_services import (
    channel_claim,
    channel_sync_run,
    channel_update,
    channels_claim_due,
    channels_dispatch_due,
    retry_delay,
    schedule_backoff,
)
from metrics.connectors.base import FetchResult, PermanentSourceError, TransientSourceError
from metrics.models import Channel, DataPoint, Metric, Source, SyncRun
from teams.errors import ApplicationError

from .channel_helpers import ScriptedConnector, scripted_channel, sync


@pytest.fixture(autouse=True)
def _reset_scripted():
    ScriptedConnector.seen.clear()
    ScriptedConnector.behaviour = None
    yield
    ScriptedConnector.behaviour = None


def good(ctx):
    result = FetchResult()
    result.add("followers", ctx.window.today, 1000)
    for day in ctx.window.days():
        result.add("reach", day, 10)
    return result


def test_adding_a_channel_creates_its_metrics_with_the_key_prefix(team):
    channel = scripted_channel(team, name="Acme on Scripted")
    metrics = Metric.objects.filter(team=team).order_by("key")
    assert [m.key for m in metrics] == ["acme-on-scripted-followers", "acme-on-scripted-reach"]
    assert all(m.channel == channel and m.source == Source.CHANNEL for m in metrics)


def test_a_key_prefix_that_clashes_with_an_existing_metric_is_refused_and_nothing_is_written(team):
    Metric.objects.create(team=team, key="shop-followers", name="Followers (manual)")
    with pytest.raises(ApplicationError) as error:
        scripted_channel(team, name="Shop")
    assert error.value.field == "key_prefix"
    assert not Channel.objects.exists()
    assert Metric.objects.count() == 1


def test_a_missing_credential_is_refused_with_a_clear_message(team):
    with pytest.raises(ApplicationError, match="access token"):
        scripted_channel(team, credentials={})


def test_credentials_are_stored_encrypted(team):
    channel = scripted_channel(team)
    assert channel.credentials_encrypted
    assert "tok-SECRET-123456" not in channel.credentials_encrypted


def test_first_sync_backfills_history_and_later_syncs_refetch_the_last_three_days(team):
    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    run = sync(channel)
    assert run.status == SyncRun.Status.OK
    first = ScriptedConnector.seen[-1].window
    assert (first.end - first.start).days == 4  # history_days = 5
    assert run.points_written == 6
    sync(Channel.objects.get(pk=channel.pk))
    second = ScriptedConnector.seen[-1].window
    assert (second.end - second.start).days == 2


def test_points_are_stored_at_local_midnight_of_the_team_time_zone(team):
    team.timezone = "America/New_York"
    team.save()
    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    sync(channel)
    point = DataPoint.objects.filter(metric__key="scripted-followers").get()
    assert point.ts.astimezone(ZoneInfo("America/New_York")).hour == 0
    assert point.source == Source.CHANNEL


def test_a_successful_sync_schedules_the_next_one_and_releases_the_claim(team):
    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    before = timezone.now()
    sync(channel)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.OK and channel.last_synced_at is not None
    assert channel.next_sync_at >= before + timedelta(hours=1)
    assert channel.claim_token == "" and channel.claimed_until is None


def test_a_sync_without_the_claim_is_refused(team):
    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    assert channel_sync_run(channel_id=channel.pk, claim_token="not-mine") is None
    assert not SyncRun.objects.exists()


def test_an_overlapping_sync_is_refused_while_one_runs(team):
    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    token = channel_claim(channel=channel)
    assert token is not None
    assert channel_claim(channel=channel) is None  # Sync now while a sync runs
    assert channels_claim_due() == []  # the dispatcher skips it too
    assert channel_sync_run(channel_id=channel.pk, claim_token=token).status == SyncRun.Status.OK


def test_an_expired_claim_lets_the_channel_sync_again(team):
    channel = scripted_channel(team)
    channel_claim(channel=channel, now=timezone.now() - timedelta(hours=2))  # a worker died long ago
    assert [pk for pk, _ in channels_claim_due()] == [channel.pk]


def test_one_failing_metric_does_not_lose_the_others(team):
    def partial(ctx):
        result = FetchResult()
        result.add("followers", ctx.window.today, 1000)
        result.metric_errors["reach"] = "(#100) The value must be a valid insights metric"
        return result

    ScriptedConnector.behaviour = partial
    channel = scripted_channel(team)
    run = sync(channel)
    assert run.status == SyncRun.Status.PARTIAL
    assert run.metric_errors == {"scripted-reach": "(#100) The value must be a valid insights metric"}
    assert DataPoint.objects.filter(metric__key="scripted-followers").count() == 1
    channel.refresh_from_db()
    assert channel.status == Channel.Status.FAILING
    assert "scripted-reach" in channel.last_error
    assert channel.next_sync_at > timezone.now()  # keeps its schedule


def test_a_permanent_error_needs_attention_and_stops_automatic_syncs_until_the_channel_is_saved(team):
    def refused(ctx):
        raise PermanentSourceError("Invalid access token", hint="Paste a new access token.")

    ScriptedConnector.behaviour = refused
    channel = scripted_channel(team)
    run = sync(channel)
    assert run.status == SyncRun.Status.FAILED and run.error == "Invalid access token"
    channel.refresh_from_db()
    assert channel.status == Channel.Status.NEEDS_ATTENTION
    assert channel.attention_hint == "Paste a new access token."
    Channel.objects.filter(pk=channel.pk).update(next_sync_at=timezone.now() - timedelta(minutes=5))
    assert channels_claim_due() == []
    channel_update(
        channel=channel,
        name=channel.name,
        account_ref="acme",
        credentials={"token": "new-token"},
        sync_interval=channel.sync_interval,
        enabled=True,
    )
    assert [pk for pk, _ in channels_claim_due()] == [channel.pk]
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.OK


def test_a_transient_error_on_the_last_attempt_backs_off_the_schedule(team):
    def down(ctx):
        raise TransientSourceError("Scripted had a server error (HTTP 503).")

    ScriptedConnector.behaviour = down
    channel = scripted_channel(team)
    before = timezone.now()
    sync(channel)
    sync(Channel.objects.get(pk=channel.pk))
    channel.refresh_from_db()
    assert channel.status == Channel.Status.FAILING
    assert channel.consecutive_failures == 2
    assert channel.next_sync_at >= before + timedelta(hours=4)
    assert channel.claim_token == ""


def test_a_transient_error_before_the_last_attempt_keeps_the_claim_for_the_retry(team):
    def limited(ctx):
        raise TransientSourceError("Slow down.", retry_after=90)

    ScriptedConnector.behaviour = limited
    channel = scripted_channel(team)
    token = channel_claim(channel=channel)
    with pytest.raises(TransientSourceError) as error:
        channel_sync_run(channel_id=channel.pk, claim_token=token, final_attempt=False)
    assert error.value.retry_in >= 90
    channel.refresh_from_db()
    assert channel.claim_token == token and channel.claimed_until > timezone.now() + timedelta(seconds=90)
    assert channel.consecutive_failures == 0
    assert channels_claim_due() == []
    ScriptedConnector.behaviour = good
    assert channel_sync_run(channel_id=channel.pk, claim_token=token, attempt=2).status == SyncRun.Status.OK


def test_credentials_never_appear_in_sync_run_errors(team):
    def leaky(ctx):
        raise PermanentSourceError(f"Bad token {ctx.secret('token')}", hint=f"Replace {ctx.secret('token')}")

    ScriptedConnector.behaviour = leaky
    channel = scripted_channel(team)
    run = sync(channel)
    channel.refresh_from_db()
    for text in (run.error, channel.last_error, channel.attention_hint):
        assert "tok-SECRET-123456" not in text
    assert "•••" in run.error


def test_an_unexpected_bug_is_logged_and_the_channel_backs_off(team, caplog):
    def broken(ctx):
        raise KeyError("surprise")

    ScriptedConnector.behaviour = broken
    channel = scripted_channel(team)
    run = sync(channel)
    assert run.status == SyncRun.Status.FAILED
    assert "surprise" in caplog.text
    channel.refresh_from_db()
    assert channel.status == Channel.Status.FAILING and channel.claim_token == ""


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (0, timedelta(hours=1)),
        (1, timedelta(hours=2)),
        (2, timedelta(hours=4)),
        (4, timedelta(hours=16)),
        (5, timedelta(days=1)),
        (30, timedelta(days=1)),
    ],
)
def test_schedule_backoff_doubles_per_failure_up_to_a_day_for_hourly_channels(failures, expected):
    assert schedule_backoff(timedelta(hours=1), failures) == expected


def test_schedule_backoff_of_daily_channels_stops_at_four_days():
    assert [schedule_backoff(timedelta(days=1), n).days for n in (1, 2, 3)] == [2, 4, 4]


def test_retry_delay_grows_exponentially_with_bounded_jitter_and_honours_retry_after():
    rng = random.Random(1)
    delays = [retry_delay(n, rng=rng) for n in range(8)]
    for n, delay in enumerate(delays):
        base = min(30 * 2**n, 900)
        assert base <= delay <= base * 1.25
    assert retry_delay(0, 600, rng=rng) == 600


def test_dispatch_enqueues_each_due_channel_once_after_commit(team, django_capture_on_commit_callbacks):
    due = scripted_channel(team, name="Due")
    later = scripted_channel(team, name="Later")
    Channel.objects.filter(pk=later.pk).update(next_sync_at=timezone.now() + timedelta(hours=1))
    paused = scripted_channel(team, name="Paused", enabled=False)
    sent = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert channels_dispatch_due(enqueue=lambda pk, token: sent.append(pk)) == 1
        assert sent == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    assert sent == [due.pk] and paused.pk not in sent
    with django_capture_on_commit_callbacks(execute=True):
        assert channels_dispatch_due(enqueue=lambda pk, token: sent.append(pk)) == 0
    assert sent == [due.pk]


def test_a_broker_outage_loses_no_sync(team, django_capture_on_commit_callbacks, settings):
    channel = scripted_channel(team)

    def broker_down(pk, token):
        raise ConnectionError("broker unreachable")

    with django_capture_on_commit_callbacks(execute=True):
        channels_dispatch_due(enqueue=broker_down)
    assert channels_claim_due() == []  # claimed, but never sent
    later = timezone.now() + timedelta(seconds=settings.SCORECARD_SYNC_LEASE_SECONDS + 1)
    assert [pk for pk, _ in channels_claim_due(now=later)] == [channel.pk]


def test_the_sync_task_runs_the_claimed_sync(team):
    from metrics.tasks import channel_sync

    ScriptedConnector.behaviour = good
    channel = scripted_channel(team)
    token = channel_claim(channel=channel)
    channel_sync.delay(channel.pk, token)
    assert SyncRun.objects.get().status == SyncRun.Status.OK


def test_the_sync_task_retries_transient_errors_a_bounded_number_of_times(team, settings, monkeypatch):
    from metrics.tasks import channel_sync

    monkeypatch.setitem(channel_sync.app.conf, "task_eager_propagates", False)
    settings.SCORECARD_SYNC_MAX_RETRIES = 2
    calls = []

    def flaky(ctx):
        calls.append(1)
        raise TransientSourceError("timeout")

    ScriptedConnector.behaviour = flaky
    channel = scripted_channel(team)
    token = channel_claim(channel=channel)
    channel_sync.apply(args=[channel.pk, token])
    assert len(calls) == 3  # first try and two retries
    assert [r.attempt for r in SyncRun.objects.order_by("started_at")] == [1, 2, 3]
    channel.refresh_from_db()
    assert channel.status == Channel.Status.FAILING and channel.claim_token == ""

from datetime import timedelta

import pytest
from django.urls import reverse

from metrics.channel_services import channel_create
from metrics.models import Channel, Metric, SyncRun

SECRET = "tok-VIEW-SECRET-987654"


@pytest.fixture
def channel(team):
    return channel_create(team=team, platform="x", name="Acme on X", account_ref="acme", credentials={"token": SECRET})


def urls(team, channel):
    args = [team.slug, channel.pk]
    return {
        "list": reverse("metrics:channel-list", args=[team.slug]),
        "create": reverse("metrics:channel-create", args=[team.slug]),
        "detail": reverse("metrics:channel-detail", args=args),
        "edit": reverse("metrics:channel-edit", args=args),
        "delete": reverse("metrics:channel-delete", args=args),
        "sync": reverse("metrics:channel-sync", args=args),
        "status": reverse("metrics:channel-status", args=args),
    }


def test_anonymous_visitors_are_sent_to_the_login_page(client, team, channel):
    for url in urls(team, channel).values():
        response = client.get(url)
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert "/login" in response["Location"] or "login" in response["Location"]


def test_outsiders_get_404_everywhere(client_for, team, channel):
    client = client_for("outsider")
    for name, url in urls(team, channel).items():
        response = client.post(url) if name in ("delete", "sync") else client.get(url)
        assert response.status_code == 404, name


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_viewers_and_editors_may_look_but_not_change(client_for, team, channel, who):
    client = client_for(who)
    u = urls(team, channel)
    assert client.get(u["list"]).status_code == 200
    detail = client.get(u["detail"])
    assert detail.status_code == 200
    assert "Sync now" not in detail.content.decode()
    assert client.get(u["status"]).status_code == 200
    assert client.get(u["create"]).status_code == 403
    assert client.post(u["create"], {"platform": "demo", "name": "Sneaky"}).status_code == 403
    assert client.get(u["edit"]).status_code == 403
    assert client.post(u["delete"]).status_code == 403
    assert client.post(u["sync"]).status_code == 403
    assert Channel.objects.count() == 1


def test_another_teams_channel_is_not_found(client_for, org, team, channel):
    other = channel_create(team=org["other"], platform="demo", name="Other demo", account_ref="x")
    response = client_for("admin").get(reverse("metrics:channel-detail", args=[team.slug, other.pk]))
    assert response.status_code == 404


def test_an_admin_adds_a_demo_channel_and_sees_its_metrics(client_for, team):
    client = client_for("admin")
    response = client.post(
        reverse("metrics:channel-create", args=[team.slug]),
        {"platform": "demo", "name": "Insta demo", "account_ref": "instagram-test", "enabled": "on"},
    )
    channel = Channel.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/channels/{channel.pk}/")
    assert channel.sync_interval == timedelta(hours=1)  # demo default
    page = client.get(response["Location"]).content.decode()
    assert "insta-demo-followers" in page and "insta-demo-reach" in page


def test_other_platforms_default_to_a_daily_sync(client_for, team):
    client_for("admin").post(
        reverse("metrics:channel-create", args=[team.slug]),
        {"platform": "mastodon", "name": "Toots", "account_ref": "alice@mastodon.social", "enabled": "on"},
    )
    assert Channel.objects.get().sync_interval == timedelta(days=1)


def test_bad_input_shows_a_clear_message_and_writes_nothing(client_for, team):
    response = client_for("admin").post(
        reverse("metrics:channel-create", args=[team.slug]),
        {"platform": "x", "name": "No token", "account_ref": "acme", "enabled": "on"},
    )
    assert response.status_code == 200
    assert "needs the" in response.content.decode()
    assert not Channel.objects.exists() and not Metric.objects.exists()


def test_credentials_are_never_shown_again(client_for, team, channel):
    client = client_for("admin")
    u = urls(team, channel)
    for name in ("list", "detail", "edit", "status"):
        assert SECRET not in client.get(u[name]).content.decode(), name


def test_saving_a_channel_that_needs_attention_clears_it_and_keeps_the_stored_credential(client_for, team, channel):
    Channel.objects.filter(pk=channel.pk).update(
        status=Channel.Status.NEEDS_ATTENTION, last_error="Unauthorized", attention_hint="New token please."
    )
    client = client_for("admin")
    page = client.get(urls(team, channel)["detail"]).content.decode()
    assert "Needs attention" in page and "New token please." in page
    response = client.post(
        urls(team, channel)["edit"], {"name": "Acme on X", "account_ref": "acme", "sync_interval": "", "enabled": "on"}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == Channel.Status.OK and channel.last_error == ""
    from metrics.crypto import credentials_decrypt

    assert credentials_decrypt(channel.credentials_encrypted) == {"token": SECRET}


def test_sync_now_runs_a_sync_and_the_status_endpoint_reports_it(client_for, team, django_capture_on_commit_callbacks):
    demo = channel_create(team=team, platform="demo", name="Demo", account_ref="instagram-a")
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:channel-sync", args=[team.slug, demo.pk]))
    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.OK and run.trigger == SyncRun.Trigger.MANUAL
    status = client.get(reverse("metrics:channel-status", args=[team.slug, demo.pk])).json()
    assert status["state"] == "ok"
    assert status["run"]["points_written"] == run.points_written > 0


def test_sync_now_while_a_sync_runs_is_refused(client_for, team, channel):
    from metrics.channel_services import channel_claim

    channel_claim(channel=channel)
    client = client_for("admin")
    response = client.post(urls(team, channel)["sync"], follow=True)
    assert "already running" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_deleting_a_channel_keeps_its_metrics(client_for, team, channel):
    response = client_for("admin").post(urls(team, channel)["delete"])
    assert response.status_code == 302
    assert not Channel.objects.exists()
    assert Metric.objects.filter(team=team).count() == 4


def test_the_channel_list_reads_a_fixed_number_of_queries(client_for, team, django_assert_max_num_queries):
    for n in range(5):
        channel_create(team=team, platform="demo", name=f"Demo {n}", account_ref=f"s{n}")
    client = client_for("viewer")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("metrics:channel-list", args=[team.slug])).status_code == 200


def test_the_channel_page_says_the_sync_interval_in_words(client_for, team, channel):
    channel.sync_interval = timedelta(hours=6)
    channel.save(update_fields=["sync_interval"])
    page = client_for("admin").get(reverse("metrics:channel-detail", args=[team.slug, channel.pk])).content.decode()
    assert "6\xa0hours" in page or "6 hours" in page
    assert "6:00:00" not in page


def test_the_add_page_first_asks_for_the_platform(client_for, team):
    page = client_for("admin").get(reverse("metrics:channel-create", args=[team.slug])).content.decode()
    assert "?platform=mastodon" in page and "?platform=tiktok" in page and 'name="account_ref"' not in page


@pytest.mark.parametrize(
    ("platform", "shown", "hidden"),
    [
        ("x", ["Bearer token", "username without @"], ["http_header", "Page id", "Seed"]),
        ("http_json", ['name="http_header"', 'name="http_metrics"'], ["username without @"]),
        ("mastodon", ['name="account_ref"'], ['name="credential"', "http_header"]),
        ("demo", ["Seed"], ['name="credential"', "http_header", "username without @"]),
    ],
)
def test_the_form_shows_only_the_chosen_platforms_fields_and_help(client_for, team, platform, shown, hidden):
    url = reverse("metrics:channel-create", args=[team.slug]) + f"?platform={platform}"
    page = client_for("admin").get(url).content.decode()
    for text in shown:
        assert text in page, text
    for text in hidden:
        assert text not in page, text
    assert "<script>" not in page


def test_a_connected_channel_is_edited_without_a_token_field(client_for, team):
    channel = channel_create(team=team, platform="x", name="X", account_ref="acme", credentials={"token": SECRET})
    Channel.objects.filter(pk=channel.pk).update(oauth_provider="x")
    page = client_for("admin").get(urls(team, channel)["edit"]).content.decode()
    assert 'name="credential"' not in page and "Reconnect" in page

"""Mastodon, Bluesky, YouTube, X and JSON endpoints against fake servers answering the documented shapes."""

import datetime as dt
import json
import time

import pytest
from werkzeug import Response

from metrics.connectors.base import PermanentSourceError, TransientSourceError

from .channel_helpers import run_connector, values

TODAY = dt.date(2026, 1, 10)


# --- Mastodon ---------------------------------------------------------------------------


def mastodon(httpserver, account="alice"):
    return run_connector(
        "mastodon", account_ref=f"{account}@{httpserver.host}:{httpserver.port}", config={"scheme": "http"}
    )


def test_mastodon_reads_followers_following_and_posts(httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup", query_string={"acct": "alice"}).respond_with_json(
        {
            "id": "1093",
            "username": "alice",
            "acct": "alice",
            "followers_count": 1532,
            "following_count": 210,
            "statuses_count": 4821,
            "last_status_at": "2026-01-14",
            "emojis": [],
            "fields": [],
            "bot": False,
        }
    )
    result = mastodon(httpserver)
    assert values(result) == {"followers": 1532, "following": 210, "posts": 4821}
    assert {s.day for s in result.samples} == {TODAY}


def test_mastodon_unknown_account_needs_attention(httpserver):
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json({"error": "Record not found"}, status=404)
    with pytest.raises(PermanentSourceError, match="no account"):
        mastodon(httpserver, "nobody")


def test_mastodon_rate_limit_is_transient_and_says_when_to_retry(httpserver):
    reset = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)).isoformat().replace("+00:00", "Z")
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json(
        {"error": "Too many requests"},
        status=429,
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    with pytest.raises(TransientSourceError) as error:
        mastodon(httpserver)
    assert 100 < error.value.retry_after <= 120


def test_a_refused_connection_to_an_allowed_host_is_transient(settings):
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["127.0.0.1"]
    with pytest.raises(TransientSourceError, match="connect"):
        run_connector("mastodon", account_ref="alice@127.0.0.1:9", config={"scheme": "http"})


def test_a_slow_platform_times_out_as_a_transient_error(httpserver):
    def slow(request):
        time.sleep(0.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_handler(slow)
    with pytest.raises(TransientSourceError, match="in time"):
        run_connector(
            "mastodon", account_ref=f"a@{httpserver.host}:{httpserver.port}", config={"scheme": "http", "timeout": 0.1}
        )


# --- Bluesky ------------------------------------------------------------------------------


def bluesky(httpserver, actor="alice.bsky.social"):
    return run_connector("bluesky", account_ref=actor, config={"base_url": httpserver.url_for("").rstrip("/")})


def test_bluesky_reads_the_profile_counts_and_treats_a_missing_count_as_zero(httpserver):
    httpserver.expect_request(
        "/xrpc/app.bsky.actor.getProfile", query_string={"actor": "alice.bsky.social"}
    ).respond_with_json(
        {
            "did": "did:plc:abc",
            "handle": "alice.bsky.social",
            "followersCount": 5230,
            "followsCount": 311,
            "associated": {"lists": 0},
            "labels": [],
        }
    )
    assert values(bluesky(httpserver)) == {"followers": 5230, "follows": 311, "posts": 0}


def test_bluesky_unknown_profile_needs_attention(httpserver):
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(
        {"error": "InvalidRequest", "message": "Profile not found"}, status=400
    )
    with pytest.raises(PermanentSourceError, match="Profile not found"):
        bluesky(httpserver, "nobody.bsky.social")


def test_bluesky_rate_limit_honours_retry_after(httpserver):
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status=429, headers={"Retry-After": "42"}
    )
    with pytest.raises(TransientSourceError) as error:
        bluesky(httpserver)
    assert error.value.retry_after == 42


def test_bluesky_proxy_error_page_is_transient(httpserver):
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_data(
        "<html><body>502 Bad Gateway</body></html>", status=502, content_type="text/html"
    )
    with pytest.raises(TransientSourceError, match="502"):
        bluesky(httpserver)


# --- YouTube ------------------------------------------------------------------------------

KEY = "AIza-fake-key-123"


def youtube(httpserver, ref="UC_x5XG1OV2P6uZZ5FSM9Ttw"):
    return run_connector(
        "youtube",
        account_ref=ref,
        credentials={"api_key": KEY},
        config={"base_url": httpserver.url_for("").rstrip("/")},
    )


def channel_list(statistics):
    return {
        "kind": "youtube#channelListResponse",
        "etag": "x",
        "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
        "items": [{"kind": "youtube#channel", "etag": "k", "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw", "statistics": statistics}],
    }


def test_youtube_reads_string_counts_with_the_api_key(httpserver):
    httpserver.expect_request(
        "/channels", query_string={"part": "statistics", "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw", "key": KEY}
    ).respond_with_json(
        channel_list(
            {
                "viewCount": "123456789",
                "subscriberCount": "2340000",
                "hiddenSubscriberCount": False,
                "videoCount": "6123",
            }
        )
    )
    assert values(youtube(httpserver)) == {"subscribers": 2340000, "views": 123456789, "videos": 6123}


def test_youtube_looks_up_a_handle(httpserver):
    httpserver.expect_request(
        "/channels", query_string={"part": "statistics", "forHandle": "@acme", "key": KEY}
    ).respond_with_json(channel_list({"viewCount": "1", "subscriberCount": "2", "videoCount": "3"}))
    assert values(youtube(httpserver, "@acme"))["videos"] == 3


def test_youtube_hidden_subscribers_fail_that_metric_only(httpserver):
    httpserver.expect_request("/channels").respond_with_json(
        channel_list({"viewCount": "10", "hiddenSubscriberCount": True, "videoCount": "2"})
    )
    result = youtube(httpserver)
    assert values(result) == {"views": 10, "videos": 2}
    assert set(result.metric_errors) == {"subscribers"}


def test_youtube_unknown_channel_answers_200_without_items(httpserver):
    httpserver.expect_request("/channels").respond_with_json(
        {"kind": "youtube#channelListResponse", "etag": "R", "pageInfo": {"totalResults": 0, "resultsPerPage": 5}}
    )
    with pytest.raises(PermanentSourceError, match="no channel"):
        youtube(httpserver)


@pytest.mark.parametrize("reason", ["API_KEY_INVALID", "keyInvalid"])
def test_youtube_bad_key_needs_attention_and_the_key_is_not_in_the_message(httpserver, reason):
    httpserver.expect_request("/channels").respond_with_json(
        {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "errors": [{"message": "API key not valid.", "domain": "global", "reason": "badRequest"}],
                "status": "INVALID_ARGUMENT",
                "details": [{"reason": reason, "domain": "googleapis.com"}],
            }
        },
        status=400,
    )
    with pytest.raises(PermanentSourceError) as error:
        youtube(httpserver)
    assert KEY not in error.value.message and KEY not in error.value.hint


def test_youtube_quota_exceeded_is_transient(httpserver):
    httpserver.expect_request("/channels").respond_with_json(
        {
            "error": {
                "code": 403,
                "message": "The request cannot be completed because you have exceeded your "
                '\u003ca href="/youtube/v3/getting-started#quota"\u003equota\u003c/a\u003e.',
                "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}],
            }
        },
        status=403,
    )
    with pytest.raises(TransientSourceError, match="quota"):
        youtube(httpserver)


# --- X ------------------------------------------------------------------------------------

BEARER = "AAAA-fake-bearer"


def x_lookup(httpserver, name="XDevelopers"):
    return run_connector(
        "x", account_ref=name, credentials={"token": BEARER}, config={"base_url": httpserver.url_for("").rstrip("/")}
    )


def test_x_reads_public_metrics_with_the_bearer_token(httpserver):
    httpserver.expect_request(
        "/users/by/username/XDevelopers",
        headers={"Authorization": f"Bearer {BEARER}"},
        query_string={"user.fields": "public_metrics"},
    ).respond_with_json(
        {
            "data": {
                "id": "2244994945",
                "name": "X Developers",
                "username": "XDevelopers",
                "public_metrics": {
                    "followers_count": 583423,
                    "following_count": 2048,
                    "tweet_count": 14052,
                    "listed_count": 1672,
                    "like_count": 3120,
                },
            }
        },
        headers={"x-rate-limit-limit": "900", "x-rate-limit-remaining": "847", "x-rate-limit-reset": "1767830400"},
    )
    assert values(x_lookup(httpserver)) == {"followers": 583423, "following": 2048, "posts": 14052, "listed": 1672}


def test_x_unknown_user_answers_200_with_errors(httpserver):
    httpserver.expect_request("/users/by/username/nosuchuser123").respond_with_json(
        {
            "errors": [
                {
                    "value": "nosuchuser123",
                    "detail": "Could not find user with username: [nosuchuser123].",
                    "title": "Not Found Error",
                    "resource_type": "user",
                    "parameter": "username",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        }
    )
    with pytest.raises(PermanentSourceError, match="Could not find user"):
        x_lookup(httpserver, "nosuchuser123")


def test_x_rate_limit_waits_until_the_reset(httpserver):
    reset = int(time.time()) + 300
    httpserver.expect_request("/users/by/username/XDevelopers").respond_with_json(
        {"title": "Too Many Requests", "type": "about:blank", "status": 429, "detail": "Too Many Requests"},
        status=429,
        headers={"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    with pytest.raises(TransientSourceError) as error:
        x_lookup(httpserver)
    assert 250 < error.value.retry_after <= 300


def test_x_unauthorized_needs_attention(httpserver):
    httpserver.expect_request("/users/by/username/XDevelopers").respond_with_json(
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, status=401
    )
    with pytest.raises(PermanentSourceError, match="bearer token"):
        x_lookup(httpserver)


# --- JSON endpoint --------------------------------------------------------------------------

METRICS = [
    {"key": "orders", "name": "Orders", "unit": "orders", "path": "data.orders.count"},
    {"key": "revenue", "name": "Revenue", "unit": "EUR", "path": "$.data.totals[0].value"},
    {"key": "leads", "name": "Leads", "unit": "leads", "path": "data.leads"},
]


def endpoint(httpserver, **extra):
    return run_connector(
        "http_json",
        account_ref=httpserver.url_for("/stats"),
        config={},
        options={"header": "X-Api-Key", "metrics": METRICS},
        credentials={"header_value": "crm-key-1"},
        **extra,
    )


def test_json_endpoint_reads_each_path_and_a_missing_path_fails_that_metric_only(httpserver):
    httpserver.expect_request("/stats", headers={"X-Api-Key": "crm-key-1"}).respond_with_json(
        {"data": {"orders": {"count": 17}, "totals": [{"value": "1534.5"}]}}
    )
    result = endpoint(httpserver)
    assert values(result) == {"orders": 17, "revenue": 1534.5}
    assert set(result.metric_errors) == {"leads"}


def test_json_endpoint_non_numeric_value_fails_that_metric_only(httpserver):
    httpserver.expect_request("/stats").respond_with_json(
        {"data": {"orders": {"count": "many"}, "totals": [{"value": 3}], "leads": 4}}
    )
    result = endpoint(httpserver)
    assert values(result) == {"revenue": 3, "leads": 4}
    assert "not a number" in result.metric_errors["orders"]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, PermanentSourceError),
        (404, PermanentSourceError),
        (503, TransientSourceError),
        (429, TransientSourceError),
    ],
)
def test_json_endpoint_errors(httpserver, status, error):
    httpserver.expect_request("/stats").respond_with_json({"error": "no"}, status=status)
    with pytest.raises(error):
        endpoint(httpserver)


def test_youtube_reads_a_channel_connected_with_google_with_the_owners_token(httpserver):
    def channels(request):
        assert request.headers["Authorization"] == "Bearer ya29.owner-token" and "key" not in request.args
        return Response(
            json.dumps(
                {"items": [{"id": "UC1", "statistics": {"subscriberCount": "12", "viewCount": "3", "videoCount": "4"}}]}
            ),
            content_type="application/json",
        )

    httpserver.expect_request("/channels").respond_with_handler(channels)
    result = run_connector(
        "youtube",
        account_ref="UC1",
        credentials={"token": "ya29.owner-token"},
        config={"base_url": httpserver.url_for("").rstrip("/")},
    )
    assert values(result) == {"subscribers": 12.0, "views": 3.0, "videos": 4.0}

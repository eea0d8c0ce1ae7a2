"""Facebook Pages and Instagram (Graph API) against fake servers answering the documented shapes."""

import datetime as dt
import json

import pytest
from werkzeug import Response

from metrics.connectors.base import PermanentSourceError, TransientSourceError

from .channel_helpers import run_connector, values

TOKEN = "EAAB-fake-page-token"
TODAY = dt.date(2026, 1, 10)


def graph_error(code, message, subcode=None, status=400):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    if subcode:
        error["error_subcode"] = subcode
    return Response(json.dumps({"error": error}), status=status, content_type="application/json")


def series(name, points):
    return {
        "name": name,
        "period": "day",
        "title": name,
        "id": f"1044/insights/{name}/day",
        "values": [{"value": v, "end_time": f"{d.isoformat()}T08:00:00+0000"} for d, v in points],
    }


# --- Facebook Pages ----------------------------------------------------------------------------


def facebook(httpserver, days=3):
    return run_connector(
        "facebook_page",
        account_ref="1044",
        credentials={"token": TOKEN},
        days=days,
        config={"base_url": httpserver.url_for("").rstrip("/"), "version": "v24.0"},
    )


def fake_page(httpserver, refused_metric=None, windows=None):
    httpserver.expect_request(
        "/v24.0/1044", query_string={"fields": "followers_count,fan_count", "access_token": TOKEN}
    ).respond_with_json(
        {"followers_count": 18342, "fan_count": 17201, "id": "1044"}, headers={"X-App-Usage": '{"call_count":28}'}
    )

    def insights(request):
        metric = request.args["metric"]
        assert request.args["access_token"] == TOKEN and request.args["period"] == "day"
        since, until = dt.date.fromisoformat(request.args["since"]), dt.date.fromisoformat(request.args["until"])
        assert (until - since).days <= 90
        if windows is not None:
            windows.append((since, until))
        if metric == refused_metric:
            return graph_error(100, "(#100) The value must be a valid insights metric")
        days = [since + dt.timedelta(days=n) for n in range((until - since).days)]
        body = {
            "data": [series(metric, [(d + dt.timedelta(days=1), 100 + d.day) for d in days])],
            "paging": {"previous": "https://graph.facebook.com/prev", "next": "https://graph.facebook.com/next"},
        }
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/v24.0/1044/insights").respond_with_handler(insights)


def test_facebook_reads_followers_and_daily_insights_for_the_last_three_days(httpserver):
    fake_page(httpserver)
    result = facebook(httpserver)
    assert values(result)["followers"] == 18342
    engagements = sorted((s.day, s.value) for s in result.samples if s.metric_key == "post_engagements")
    assert engagements == [(TODAY - dt.timedelta(days=n), 100 + (TODAY - dt.timedelta(days=n)).day) for n in (2, 1, 0)]
    assert not result.metric_errors


def test_facebook_backfill_reads_90_day_windows_and_does_not_follow_paging_forever(httpserver):
    windows = []
    fake_page(httpserver, windows=windows)
    result = facebook(httpserver, days=120)
    assert len([s for s in result.samples if s.metric_key == "reach"]) == 120
    assert len(windows) == 3 * 2  # three metrics, two windows each


def test_facebook_removed_metric_fails_alone(httpserver):
    fake_page(httpserver, refused_metric="page_impressions_unique")  # reach on 2026-01-10 (lineage.py)
    result = facebook(httpserver)
    assert set(result.metric_errors) == {"reach"}
    assert {s.metric_key for s in result.samples} == {"followers", "media_views", "post_engagements"}


@pytest.mark.parametrize(
    ("code", "subcode", "error", "text"),
    [
        (190, 463, PermanentSourceError, "access token"),
        (100, 33, PermanentSourceError, "cannot find"),
        (10, None, PermanentSourceError, "permission"),
        (4, None, TransientSourceError, "rate limit"),
        (17, None, TransientSourceError, "rate limit"),
        (32, None, TransientSourceError, "rate limit"),
    ],
)
def test_facebook_errors_are_told_apart_by_code(httpserver, code, subcode, error, text):
    httpserver.expect_request("/v24.0/1044").respond_with_handler(lambda r: graph_error(code, "nope", subcode))
    with pytest.raises(error, match=text) as raised:
        facebook(httpserver)
    assert TOKEN not in raised.value.message


# --- Instagram -----------------------------------------------------------------------------


def instagram(httpserver, refused=None):
    httpserver.expect_request("/v24.0/1784").respond_with_json(
        {"followers_count": 12840, "follows_count": 402, "media_count": 318, "username": "acme.co", "id": "1784"}
    )

    def insights(request):
        metric = request.args["metric"]
        assert request.args["metric_type"] == "total_value"
        assert int(request.args["until"]) - int(request.args["since"]) == 86400
        if metric == refused:
            return graph_error(100, "(#100) impressions is no longer supported")
        body = {
            "data": [
                {
                    "name": metric,
                    "period": "day",
                    "title": metric,
                    "total_value": {"value": 9120},
                    "id": f"1784/insights/{metric}/day",
                }
            ],
            "paging": {},
        }
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/v24.0/1784/insights").respond_with_handler(insights)
    return run_connector(
        "instagram",
        account_ref="1784",
        credentials={"token": TOKEN},
        days=2,
        config={"base_url": httpserver.url_for("").rstrip("/"), "version": "v24.0"},
    )


def test_instagram_reads_account_fields_and_total_value_insights_per_day(httpserver):
    result = instagram(httpserver)
    assert values(result) == {
        "followers": 12840,
        "follows": 402,
        "posts": 318,
        "reach": 9120,
        "views": 9120,
        "interactions": 9120,
    }
    assert len([s for s in result.samples if s.metric_key == "reach"]) == 2


def test_instagram_removed_metric_fails_alone(httpserver):
    result = instagram(httpserver, refused="views")
    assert set(result.metric_errors) == {"views"}
    assert values(result)["reach"] == 9120


def test_instagram_unknown_account_needs_attention(httpserver):
    httpserver.expect_request("/v24.0/1784").respond_with_handler(
        lambda r: graph_error(100, "Unsupported get request. Object with ID '1784' does not exist", 33)
    )
    with pytest.raises(PermanentSourceError):
        run_connector(
            "instagram",
            account_ref="1784",
            credentials={"token": TOKEN},
            config={"base_url": httpserver.url_for("").rstrip("/"), "version": "v24.0"},
        )


def test_facebook_refused_page_field_keeps_the_insights(httpserver):
    httpserver.expect_request("/v24.0/1044").respond_with_handler(
        lambda r: graph_error(100, "(#100) Tried accessing nonexisting field (followers_count)")
    )
    httpserver.expect_request("/v24.0/1044/insights").respond_with_json(
        {"data": [series("page_media_view", [(TODAY + dt.timedelta(days=1), 7)])], "paging": {}}
    )
    result = facebook(httpserver, days=1)
    assert set(result.metric_errors) == {"followers"}
    assert {s.metric_key for s in result.samples} == {"media_views", "reach", "post_engagements"}


def test_an_instagram_account_connected_with_instagram_login_is_read_on_graph_instagram_com(httpserver):
    httpserver.expect_request("/ig/v24.0/1784").respond_with_json(
        {"followers_count": 5, "follows_count": 6, "media_count": 7, "username": "acme.co", "id": "1784"}
    )
    httpserver.expect_request("/ig/v24.0/1784/insights").respond_with_json({"data": []})
    result = run_connector(
        "instagram",
        account_ref="1784",
        credentials={"token": TOKEN},
        options={"api": "instagram_login"},
        config={
            "base_url": httpserver.url_for("/fb").rstrip("/"),
            "login_base_url": httpserver.url_for("/ig").rstrip("/"),
            "version": "v24.0",
        },
    )
    assert values(result)["followers"] == 5


# --- The account is one Graph object, never a path ----------------------------------------------------------------

PATHS = ["me/accounts", "../v1.0/1044", "1044?fields=access_token", "1044#", "..", "1044/../me", "@evil.example"]


@pytest.mark.django_db
@pytest.mark.parametrize("platform", ["facebook_page", "instagram"])
@pytest.mark.parametrize("account_ref", PATHS)
def test_a_graph_account_that_is_a_path_is_refused_on_the_channel_form(team, platform, account_ref):
    from metrics.channel_services import channel_create
    from teams.errors import ApplicationError

    with pytest.raises(ApplicationError, match="not a path"):
        channel_create(team=team, platform=platform, name="Page", account_ref=account_ref, credentials={"token": TOKEN})


@pytest.mark.parametrize("platform", ["facebook_page", "instagram"])
@pytest.mark.parametrize("account_ref", PATHS)
def test_a_saved_graph_account_that_is_a_path_reads_nothing(httpserver, platform, account_ref):
    httpserver.expect_request("/v24.0/me/accounts").respond_with_json({"data": [{"access_token": "page token"}]})
    try:
        run_connector(
            platform,
            account_ref=account_ref,
            credentials={"token": TOKEN},
            config={"base_url": httpserver.url_for("").rstrip("/"), "version": "v24.0"},
        )
    except PermanentSourceError as error:
        assert "not a path" in str(error)
    assert httpserver.log == []


@pytest.mark.django_db
@pytest.mark.parametrize(("platform", "account_ref"), [("facebook_page", "acme.coffee"), ("instagram", "17841")])
def test_a_graph_account_id_or_page_name_is_accepted(team, platform, account_ref):
    from metrics.channel_services import channel_create

    channel = channel_create(
        team=team, platform=platform, name="Page", account_ref=account_ref, credentials={"token": TOKEN}
    )
    assert channel.account_ref == account_ref

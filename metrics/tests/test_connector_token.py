"""Facebook Pages, Instagram, LinkedIn and GA4 against fake servers answering the documented shapes."""

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
    fake_page(httpserver, refused_metric="page_total_media_view_unique")
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


# --- LinkedIn ------------------------------------------------------------------------------

URN = "urn%3Ali%3Aorganization%3A2414183"


def linkedin_fake(httpserver, share_status=200):
    def check(request):
        if request.headers.get("LinkedIn-Version") != "202601":
            return Response(
                json.dumps(
                    {
                        "status": 426,
                        "code": "NONEXISTENT_VERSION",
                        "message": "Requested version 20240401 is not active",
                    }
                ),
                status=426,
                content_type="application/json",
            )
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response(
                json.dumps(
                    {
                        "status": 401,
                        "serviceErrorCode": 65600,
                        "code": "INVALID_ACCESS_TOKEN",
                        "message": "Invalid access token",
                    }
                ),
                status=401,
                content_type="application/json",
            )
        assert request.headers.get("X-Restli-Protocol-Version") == "2.0.0"
        return None

    def network(request):
        return check(request) or Response(json.dumps({"firstDegreeSize": 48213}), content_type="application/json")

    def shares(request):
        failed = check(request)
        if failed:
            return failed
        if share_status == 400:
            return Response(
                json.dumps({"status": 400, "code": "ILLEGAL_ARGUMENT", "message": "Invalid timeIntervals parameter"}),
                status=400,
                content_type="application/json",
            )
        raw = request.query_string.decode()
        assert "timeGranularityType:DAY" in raw and f"organizationalEntity={URN}" in raw
        start = int(raw.split("start:")[1].split(",")[0])
        assert start % 86_400_000 == 0  # epoch milliseconds at midnight
        elements = [
            {
                "organizationalEntity": "urn:li:organization:2414183",
                "timeRange": {"start": start + n * 86_400_000, "end": start + (n + 1) * 86_400_000},
                "totalShareStatistics": {
                    "impressionCount": 1520 + n,
                    "clickCount": 41,
                    "engagement": 0.0421,
                    "likeCount": 27,
                    "shareCount": 3,
                    "commentCount": 4,
                },
            }
            for n in range(3)
        ]
        return Response(
            json.dumps({"paging": {"count": 10, "start": 0, "links": []}, "elements": elements}),
            content_type="application/json",
        )

    httpserver.expect_request(
        "/networkSizes/urn:li:organization:2414183", query_string={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    ).respond_with_handler(network)
    httpserver.expect_request("/organizationalEntityShareStatistics").respond_with_handler(shares)


def linkedin(httpserver, token=TOKEN, version="202601"):
    return run_connector(
        "linkedin_org",
        account_ref="2414183",
        credentials={"token": token},
        days=3,
        config={"base_url": httpserver.url_for("").rstrip("/"), "version": version},
    )


def test_linkedin_reads_followers_and_daily_share_statistics(httpserver):
    linkedin_fake(httpserver)
    result = linkedin(httpserver)
    assert values(result)["followers"] == 48213
    impressions = sorted((s.day, s.value) for s in result.samples if s.metric_key == "impressions")
    assert impressions == [(TODAY - dt.timedelta(days=2), 1520), (TODAY - dt.timedelta(days=1), 1521), (TODAY, 1522)]
    assert values(result)["engagement"] == pytest.approx(4.21)


def test_linkedin_invalid_token_needs_attention(httpserver):
    linkedin_fake(httpserver)
    with pytest.raises(PermanentSourceError, match="Invalid access token"):
        linkedin(httpserver, token="old")


def test_linkedin_sunset_version_needs_attention_with_what_to_do(httpserver):
    linkedin_fake(httpserver)
    with pytest.raises(PermanentSourceError) as error:
        linkedin(httpserver, version="202401")
    assert "LINKEDIN_API_VERSION" in error.value.hint


def test_linkedin_refused_share_statistics_keep_the_followers(httpserver):
    linkedin_fake(httpserver, share_status=400)
    result = linkedin(httpserver)
    assert values(result) == {"followers": 48213}
    assert set(result.metric_errors) == {"impressions", "clicks", "engagement"}


def test_linkedin_daily_limit_is_transient(httpserver):
    httpserver.expect_request("/networkSizes/urn:li:organization:2414183").respond_with_json(
        {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS", "message": "limit"}, status=429
    )
    with pytest.raises(TransientSourceError):
        linkedin(httpserver)


# --- GA4 -----------------------------------------------------------------------------------


def ga4_fake(httpserver, rows_by_day, invalid=()):
    def report(request):
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        body = request.get_json()
        names = [m["name"] for m in body["metrics"]]
        bad = [n for n in names if n in invalid]
        if bad:
            return Response(
                json.dumps(
                    {
                        "error": {
                            "code": 400,
                            "status": "INVALID_ARGUMENT",
                            "message": f"Field {bad[0]} is not a valid metric. For a list ...",
                        }
                    }
                ),
                status=400,
                content_type="application/json",
            )
        all_rows = [
            {
                "dimensionValues": [{"value": day.strftime("%Y%m%d")}, {"value": group}],
                "metricValues": [{"value": str(values[n])} for n in names],
            }
            for day, group, values in rows_by_day
        ]
        page = all_rows[body["offset"] : body["offset"] + body["limit"]]
        answer = {
            "dimensionHeaders": [{"name": "date"}, {"name": "sessionDefaultChannelGroup"}],
            "metricHeaders": [{"name": n, "type": "TYPE_INTEGER"} for n in names],
            "kind": "analyticsData#runReport",
            "metadata": {"currencyCode": "EUR"},
        }
        if all_rows:
            answer.update(rows=page, rowCount=len(all_rows))
        return Response(json.dumps(answer), content_type="application/json")

    httpserver.expect_request("/properties/123456789:runReport", method="POST").respond_with_handler(report)


def ga4(httpserver):
    return run_connector(
        "ga4",
        account_ref="123456789",
        credentials={"token": TOKEN},
        days=3,
        config={"base_url": httpserver.url_for("").rstrip("/"), "page_size": 2},
    )


def day_values(sessions):
    return {"sessions": sessions, "engagedSessions": sessions // 2, "keyEvents": 1.0, "totalRevenue": "15.5"}


def test_ga4_sums_social_channel_groups_per_day_across_pages(httpserver):
    ga4_fake(
        httpserver,
        [
            (TODAY, "Organic Social", day_values(40)),
            (TODAY, "Paid Social", day_values(10)),
            (TODAY - dt.timedelta(days=1), "Organic Social", day_values(30)),
            (TODAY - dt.timedelta(days=1), "Direct", day_values(999)),
            (TODAY - dt.timedelta(days=2), "Organic Social", day_values(20)),
        ],
    )
    result = ga4(httpserver)
    sessions = sorted((s.day, s.value) for s in result.samples if s.metric_key == "sessions")
    assert sessions == [(TODAY - dt.timedelta(days=2), 20), (TODAY - dt.timedelta(days=1), 30), (TODAY, 50)]
    assert values(result)["revenue"] == 31.0


def test_ga4_empty_report_means_zero_for_every_day(httpserver):
    ga4_fake(httpserver, [])
    result = ga4(httpserver)
    assert len(result.samples) == 3 * 4 and {s.value for s in result.samples} == {0.0}


def test_ga4_invalid_metric_fails_alone(httpserver):
    ga4_fake(httpserver, [(TODAY, "Organic Social", day_values(5))], invalid={"keyEvents"})
    result = ga4(httpserver)
    assert set(result.metric_errors) == {"key_events"}
    assert values(result)["sessions"] == 5


@pytest.mark.parametrize(
    ("status", "error"), [(403, PermanentSourceError), (401, PermanentSourceError), (429, TransientSourceError)]
)
def test_ga4_errors(httpserver, status, error):
    httpserver.expect_request("/properties/123456789:runReport").respond_with_json(
        {
            "error": {
                "code": status,
                "message": "User does not have sufficient permissions for this property.",
                "status": "PERMISSION_DENIED",
            }
        },
        status=status,
    )
    with pytest.raises(error):
        ga4(httpserver)


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

"""LinkedIn and GA4 against fake servers answering the documented shapes."""

import datetime as dt
import json

import pytest
from werkzeug import Response

from metrics.connectors.base import PermanentSourceError, TransientSourceError

from .channel_helpers import run_connector, values

TOKEN = "EAAB-fake-page-token"
TODAY = dt.date(2026, 1, 10)


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


# --- GA4 with a service-account key ------------------------------------------------------------


def service_account_key(httpserver):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = {
        "type": "service_account",
        "client_email": "scorecard@acme.iam.gserviceaccount.com",
        "private_key_id": "k1",
        "private_key": pem,
        "token_uri": httpserver.url_for("/token"),
    }
    return key, private.public_key()


def test_ga4_with_a_service_account_key_signs_a_jwt_and_exchanges_it_for_a_token(httpserver):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    key, public = service_account_key(httpserver)
    public = RSAKey.import_key(public)

    def token(request):
        assert request.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        claims = jwt.decode(request.form["assertion"], public, algorithms=["RS256"]).claims
        jwt.JWTClaimsRegistry(exp={"essential": True}).validate(claims)
        assert claims["iss"] == key["client_email"] and claims["aud"] == key["token_uri"]
        assert "analytics.readonly" in claims["scope"]
        return Response(
            json.dumps({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
            content_type="application/json",
        )

    httpserver.expect_request("/token", method="POST").respond_with_handler(token)
    ga4_fake(httpserver, {})
    result = run_connector(
        "ga4",
        account_ref="123456789",
        credentials={"service_account": json.dumps(key)},
        days=3,
        config={"base_url": httpserver.url_for("").rstrip("/")},
    )
    assert not result.metric_errors and len(result.samples) == 12


@pytest.mark.django_db
def test_a_broken_service_account_key_is_refused_with_a_clear_message(team):
    from metrics.channel_services import channel_create
    from teams.errors import ApplicationError

    with pytest.raises(ApplicationError, match="service-account key file"):
        channel_create(team=team, platform="ga4", name="GA", account_ref="123", credentials={"service_account": "{}"})
    with pytest.raises(ApplicationError, match="access token or a service-account key"):
        channel_create(team=team, platform="ga4", name="GA", account_ref="123", credentials={})

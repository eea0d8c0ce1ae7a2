"""POST /api/v1/teams/<team>/datapoints/ (DESIGN.md section 5): all or nothing, clear errors."""

import gzip
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.models import DataPoint
from teams.api_auth import ApiKeyRateThrottle
from teams.models import TeamApiKey

pytestmark = pytest.mark.django_db


def url(team):
    return reverse("metrics:api-datapoints", args=[team.slug])


def post(client, team, body, *, key=None, content_type="application/json", **headers):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return client.generic("POST", url(team), body, content_type=content_type, **headers)


@pytest.fixture
def ingest_key(team, api_key_for):
    return api_key_for(team, "ingest")


def point(metric="followers", ts="2026-01-05T09:00:00+01:00", value=10):
    return {"metric": metric, "ts": ts, "value": value}


def test_a_key_with_the_ingest_scope_stores_points_and_gets_counts(api_client, team, followers, reach, ingest_key):
    body = {"points": [point(), point(ts="2026-01-06T09:00:00+01:00", value=11.5), point("reach", value=300)]}
    response = post(api_client, team, body, key=ingest_key)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 3, "created": 3, "updated": 0}
    assert DataPoint.objects.get(metric=reach).value == 300
    assert set(DataPoint.objects.values_list("source", flat=True)) == {"api"}


def test_resending_a_batch_is_safe_and_counts_only_changes(api_client, team, followers, ingest_key):
    body = {"points": [point(value=1), point(ts="2026-01-06", value=2)]}
    post(api_client, team, body, key=ingest_key)
    assert post(api_client, team, body, key=ingest_key).json() == {"received": 2, "created": 0, "updated": 0}
    body["points"][1]["value"] = 3
    assert post(api_client, team, body, key=ingest_key).json() == {"received": 2, "created": 0, "updated": 1}
    assert DataPoint.objects.count() == 2


def test_a_date_means_midnight_in_the_teams_time_zone(api_client, team, followers, ingest_key):
    team.timezone = "America/New_York"
    team.save()
    post(api_client, team, {"points": [point(ts="2026-03-01")]}, key=ingest_key)
    stored = DataPoint.objects.get().ts
    assert stored == datetime(2026, 3, 1, tzinfo=ZoneInfo("America/New_York"))
    assert stored == datetime(2026, 3, 1, 5, tzinfo=UTC)


def test_timestamps_with_z_and_offsets_are_the_same_instant(api_client, team, followers, ingest_key):
    body = {"points": [point(ts="2026-01-05T08:00:00Z", value=1), point(ts="2026-01-05T09:00:00+01:00", value=2)]}
    assert post(api_client, team, body, key=ingest_key).json() == {"received": 2, "created": 1, "updated": 0}
    assert DataPoint.objects.get().value == 2


def test_the_last_of_two_points_for_the_same_time_wins(api_client, team, followers, ingest_key):
    body = {"points": [point(value=1), point(value=2), point(ts="2026-01-05T08:00:00Z", value=3)]}
    assert post(api_client, team, body, key=ingest_key).json() == {"received": 3, "created": 1, "updated": 0}
    assert DataPoint.objects.get().value == 3


def test_a_gzip_body_is_accepted(api_client, team, followers, ingest_key):
    body = gzip.compress(json.dumps({"points": [point()]}).encode())
    response = post(api_client, team, body, key=ingest_key, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200, response.content
    assert DataPoint.objects.count() == 1


def test_a_signed_in_editor_may_ingest(api_client, team, users, followers):
    api_client.force_login(users["editor"])
    assert post(api_client, team, {"points": [point()]}).status_code == 200
    assert DataPoint.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404), ("parent_viewer", 403)])
def test_members_without_the_editor_role_write_nothing(api_client, team, users, followers, who, status):
    api_client.force_login(users[who])
    assert post(api_client, team, {"points": [point()]}).status_code == status
    assert not DataPoint.objects.exists()


def test_anonymous_requests_are_refused(api_client, team, followers):
    assert post(api_client, team, {"points": [point()]}).status_code in (401, 403)
    assert not DataPoint.objects.exists()


def test_a_key_of_another_team_writes_nothing(api_client, org, team, followers, api_key_for):
    other_key = api_key_for(org["other"], "ingest", "write")
    assert post(api_client, team, {"points": [point()]}, key=other_key).status_code == 404
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("scopes", [("read",), ("read", "write")])
def test_a_key_without_the_ingest_scope_writes_nothing(api_client, team, followers, api_key_for, scopes):
    response = post(api_client, team, {"points": [point()]}, key=api_key_for(team, *scopes))
    assert response.status_code == 403
    assert "ingest" in response.json()["detail"]
    assert not DataPoint.objects.exists()


def test_a_revoked_key_writes_nothing(api_client, team, followers, ingest_key):
    TeamApiKey.objects.update(revoked=True)
    response = post(api_client, team, {"points": [point()]}, key=ingest_key)
    assert response.status_code == 401
    assert not DataPoint.objects.exists()


def errors_of(response):
    assert response.status_code == 400, response.content
    return response.json()["errors"]


FUTURE = (timezone.now() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"metric": "no-such-metric"}, "metric", "no metric with the key “no-such-metric”"),
        ({"metric": 7}, "metric", "as a string"),
        ({"value": True}, "value", "boolean"),
        ({"value": False}, "value", "boolean"),
        ({"value": "12"}, "value", "string"),
        ({"value": "12.5"}, "value", "string"),
        ({"value": None}, "value", "null"),
        ({"value": [1]}, "value", "must be a number"),
        ({"ts": "2026-01-05T09:00:00"}, "ts", "no UTC offset"),
        ({"ts": "05-01-2026"}, "ts", "not an ISO 8601"),
        ({"ts": "yesterday"}, "ts", "not an ISO 8601"),
        ({"ts": 1767600000}, "ts", "must be a string"),
        ({"ts": FUTURE}, "ts", "more than one day in the future"),
    ],
)
def test_a_bad_point_is_reported_with_its_index_and_nothing_is_written(
    api_client, team, followers, ingest_key, bad, field, words
):
    body = {"points": [point(value=1), {**point(), **bad}]}
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(1, field)]
    assert words.lower() in errors[0]["message"].lower()
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400])
def test_nan_and_infinities_are_refused_even_as_bare_json_tokens(api_client, team, followers, ingest_key, token):
    body = b'{"points": [{"metric": "followers", "ts": "2026-01-05", "value": %s}]}' % token.encode()
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(0, "value")]
    assert "finite number" in errors[0]["message"]
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("value", [1e16, -2e15, 1e300])
def test_values_beyond_ten_to_the_fifteenth_are_refused_like_on_every_write_path(
    api_client, team, followers, ingest_key, value
):
    errors = errors_of(post(api_client, team, {"points": [point(value=1), point(value=value)]}, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(1, "value")]
    assert "out of range" in errors[0]["message"]
    assert not DataPoint.objects.exists()


def test_missing_and_extra_fields_are_named(api_client, team, followers, ingest_key):
    body = {"points": [{"metric": "followers", "ts": "2026-01-05"}, {**point(), "unit": "people"}]}
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(0, "value"), (1, "unit")]
    assert "required" in errors[0]["message"]
    assert "Unknown field" in errors[1]["message"]


def test_every_bad_point_is_reported_at_once(api_client, team, followers, ingest_key):
    body = {"points": [point(value="x"), point(), point(metric="nope", ts="2026-01-05T09:00")]}
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(0, "value"), (2, "metric"), (2, "ts")]
    assert not DataPoint.objects.exists()


def test_a_point_that_is_not_an_object_is_refused(api_client, team, followers, ingest_key):
    errors = errors_of(post(api_client, team, {"points": [point(), ["followers", "2026-01-05", 1]]}, key=ingest_key))
    assert [(e["index"], e["field"]) for e in errors] == [(1, None)]


def test_a_timestamp_less_than_a_day_ahead_is_accepted(api_client, team, followers, ingest_key):
    soon = (timezone.now() + timedelta(hours=20)).isoformat()
    assert post(api_client, team, {"points": [point(ts=soon)]}, key=ingest_key).status_code == 200


def test_more_than_the_maximum_number_of_points_is_refused(api_client, team, followers, ingest_key, settings):
    settings.SCORECARD_INGEST_MAX_POINTS = 3
    body = {"points": [point(ts=f"2026-01-0{day}") for day in range(1, 5)]}
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert errors[0]["field"] == "points"
    assert "at most 3 points" in errors[0]["message"]
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"points": [', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[]", "must be a JSON object"),
        (b'[{"metric": "followers", "ts": "2026-01-05", "value": 1}]', "must be a JSON object"),
        (b"42", "must be a JSON object"),
        (b'{"data": []}', "Unknown field"),
        (b"{}", "“points” must be a list"),
        (b'{"points": {"metric": "followers"}}', "“points” must be a list"),
    ],
)
def test_a_body_of_the_wrong_shape_gets_a_clear_400(api_client, team, followers, ingest_key, body, words):
    errors = errors_of(post(api_client, team, body, key=ingest_key))
    assert words in errors[0]["message"]
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/csv"])
def test_a_body_that_is_not_json_gets_415(api_client, team, followers, ingest_key, content_type):
    body = json.dumps({"points": [point()]}).encode()
    response = post(api_client, team, body, key=ingest_key, content_type=content_type)
    assert response.status_code == 415
    assert "application/json" in response.json()["errors"][0]["message"]
    assert not DataPoint.objects.exists()


def test_a_signed_in_editor_posting_a_form_gets_415(api_client, team, users, followers):
    api_client.force_login(users["editor"])
    response = api_client.post(url(team), {"points": "x"}, format="multipart")
    assert response.status_code == 415
    assert not DataPoint.objects.exists()


def test_an_unknown_content_encoding_gets_415_and_broken_gzip_400(api_client, team, followers, ingest_key):
    body = json.dumps({"points": [point()]}).encode()
    assert post(api_client, team, body, key=ingest_key, HTTP_CONTENT_ENCODING="br").status_code == 415
    response = post(api_client, team, body, key=ingest_key, HTTP_CONTENT_ENCODING="gzip")
    assert "not valid gzip" in errors_of(response)[0]["message"]
    assert not DataPoint.objects.exists()


def test_a_gzip_body_that_unpacks_to_too_much_is_refused(api_client, team, followers, ingest_key, monkeypatch):
    monkeypatch.setattr("metrics.ingest.MAX_DECOMPRESSED_BYTES", 1000)
    body = gzip.compress(json.dumps({"points": [point()] * 100}).encode())
    response = post(api_client, team, body, key=ingest_key, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 413
    assert "too large" in response.json()["errors"][0]["message"]
    assert not DataPoint.objects.exists()


def test_a_key_over_its_rate_gets_429_with_retry_after(api_client, team, followers, ingest_key, monkeypatch):
    # DRF reads the rates once at import time, so the low rate is set on the throttle itself.
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", {"api_key": "2/minute"})
    body = {"points": [point()]}
    assert [post(api_client, team, body, key=ingest_key).status_code for _ in range(2)] == [200, 200]
    response = post(api_client, team, body, key=ingest_key)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


@pytest.mark.postgres  # the portable (SQLite) path writes in chunks of 500
def test_the_number_of_queries_does_not_grow_with_the_batch(
    api_client, team, followers, reach, ingest_key, django_assert_max_num_queries
):
    def batch(n):
        start = datetime(2023, 1, 1, tzinfo=UTC)
        return {
            "points": [
                point(metric, (start + timedelta(days=i)).isoformat(), i)
                for i in range(n)
                for metric in ("followers", "reach")
            ]
        }

    post(api_client, team, batch(1), key=ingest_key)  # records the key's last use
    with django_assert_max_num_queries(8):
        assert post(api_client, team, batch(10), key=ingest_key).status_code == 200
    with django_assert_max_num_queries(8):
        assert post(api_client, team, batch(1000), key=ingest_key).json()["received"] == 2000

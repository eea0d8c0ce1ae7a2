"""Hostile input to ingestion and to the CSV import: a 4xx or a form error that says what is wrong, never a 500.

The fixed cases are the ones an attacker tries first (deep nesting, bytes that are not UTF-8, gzip bombs, cut
off gzip, NUL bytes, giant cells, bare carriage returns); the hypothesis properties generate the rest: any
JSON document, JSON shaped like a batch with hostile fields, raw bytes, gzip of those, and any file content.
"""

import gzip
import json
import string
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.csv_import import decode_upload, row_count, validate_rows
from metrics.ingest import MAX_DECOMPRESSED_BYTES
from metrics.models import DataPoint, ImportJob
from metrics.validation import TimestampParser
from scorecard.tests.conftest import AMS
from teams.errors import ApplicationError

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NESTED = 100_000


def ingest(client, team, key, body: bytes, **headers):
    url = reverse("metrics:api-datapoints", args=[team.slug])
    return client.generic(
        "POST", url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {key}", **headers
    )


def assert_refused_with_a_message(response, *statuses):
    assert response.status_code in statuses, response.content[:300]
    errors = response.json()["errors"]
    assert errors and all(isinstance(e["message"], str) and e["message"] for e in errors), errors


def assert_answered_cleanly(response):
    """200 for a body that happens to be a valid batch; else a 4xx in the API's error shape."""
    if response.status_code == 200:
        assert set(response.json()) == {"received", "created", "updated"}
    else:
        assert_refused_with_a_message(response, 400, 413, 415)


@pytest.fixture
def key(team, api_key_for, followers):
    return api_key_for(team, "ingest")


# --- Ingestion: fixed attacks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * NESTED + b"]" * NESTED, "nested too deeply"),
        (b'{"points": ' + b"[" * NESTED + b"]" * NESTED + b"}", "nested too deeply"),
        (b'{"points": [' + b'{"metric": ' * NESTED + b"1" + b"}" * NESTED + b"]}", "nested too deeply"),
        (b'{"points": [{"metric": "followers", "ts": "2027-01-01", "value": 1, "x": "caf\xe9"}]}', "UTF-8"),
        (b'{"points": [{"metric": "\xff\xfe", "ts": "2027-01-01", "value": 1}]}', "UTF-8"),
    ],
)
def test_deeply_nested_or_malformed_utf8_bodies_get_a_400_that_says_why(api_client, team, key, body, words):
    response = ingest(api_client, team, key, body)

    assert_refused_with_a_message(response, 400)
    assert words in response.json()["errors"][0]["message"]
    assert not DataPoint.objects.exists()


def test_a_gzip_bomb_is_refused_without_unpacking_it_all(api_client, team, key):
    bomb = gzip.compress(b" " * (MAX_DECOMPRESSED_BYTES + 1), compresslevel=9)  # 16 MB of spaces in 16 kB

    assert_refused_with_a_message(ingest(api_client, team, key, bomb, HTTP_CONTENT_ENCODING="gzip"), 413)


@pytest.mark.parametrize(
    "body",
    [
        gzip.compress(json.dumps({"points": [{"metric": "followers", "ts": "2027-01-01", "value": 1}]}).encode())[:-9],
        gzip.compress(b'{"points": []}') + b"trailing bytes",
        gzip.compress(b'{"points": []}') + gzip.compress(b'{"points": []}'),
        b"",
    ],
    ids=["cut off", "trailing garbage", "two members", "empty"],
)
def test_gzip_that_does_not_unpack_to_exactly_one_body_is_refused(api_client, team, key, body):
    response = ingest(api_client, team, key, body, HTTP_CONTENT_ENCODING="gzip")

    assert_refused_with_a_message(response, 400)
    assert "not valid gzip" in response.json()["errors"][0]["message"]
    assert not DataPoint.objects.exists()


# --- Ingestion: generated attacks ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
hostile_points = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "metric": st.sampled_from(["followers", "unknown", ""]) | json_values,
            "ts": st.sampled_from(["2027-01-05", "2027-01-05T09:00:00+01:00", "2027-01-05T09:00:00"]) | json_values,
            "value": st.integers() | st.floats() | json_values,
        },
    )
    | json_values,
    max_size=5,
)
batches = st.fixed_dictionaries({"points": hostile_points}, optional={"extra": json_values})


def encoded(document) -> bytes:
    return json.dumps(document).encode()  # surrogates become \\udxxx escapes, NaN the bare token NaN


# Pieces of JSON and of broken UTF-8, glued together in any order, and documents nested any depth.
json_soup = st.lists(
    st.sampled_from(
        [b"[", b"]", b"{", b"}", b'"', b":", b",", b"1", b"-0.5e999", b"NaN", b"true", b'"points"', b'"metric"',
         b'"ts"', b'"value"', b'"followers"', b'"2027-01-05"', b"\\u", b"\\ud800", b"\xff", b"\xc3", b"\xe9", b" "]
    ),
    max_size=40,
).map(b"".join)  # fmt: skip
deeply_nested = st.tuples(
    st.integers(min_value=1, max_value=20_000),
    st.sampled_from([(b"[", b"]"), (b'{"points":', b"}"), (b'{"a":[', b"]}")]),
).map(lambda t: t[1][0] * t[0] + t[1][1] * t[0])
hostile_bytes = st.binary(max_size=200) | json_soup | deeply_nested


@EXAMPLES
@given(document=json_values | batches)
def test_any_json_document_gets_an_answer_with_a_message(api_client, team, key, document):
    assert_answered_cleanly(ingest(api_client, team, key, encoded(document)))


@EXAMPLES
@given(body=hostile_bytes | batches.map(encoded).map(lambda b: b[: len(b) // 2]))
def test_any_bytes_get_an_answer_with_a_message(api_client, team, key, body):
    assert_answered_cleanly(ingest(api_client, team, key, body))


@EXAMPLES
@given(body=(hostile_bytes | (json_values | batches).map(encoded)).map(gzip.compress) | st.binary())
def test_any_gzip_body_gets_an_answer_with_a_message(api_client, team, key, body):
    assert_answered_cleanly(ingest(api_client, team, key, body, HTTP_CONTENT_ENCODING="gzip"))


# --- CSV import ---------------------------------------------------------------------------------------------


def upload(client, team, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("metrics:import-upload", args=[team.slug])
    return client.post(url, {"file": SimpleUploadedFile("points.csv", data, content_type="text/csv")})


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"metric,ts,value\nfollowers,2027-01-05,1\x00\n", "NUL bytes"),
        ("metric;ts;value\nfollowers;2027-01-05;1\n".encode("utf-16"), "NUL bytes"),
        (b"metric,ts,value\nfollowers,2027-01-05," + b"1" * 200_000 + b"\n", "Line 2 cannot be read"),
        (b"metric,ts,value," + b"x" * 200_000 + b"\n", "Line 1 cannot be read"),
    ],
    ids=["NUL byte", "UTF-16", "huge cell", "huge header"],
)
def test_a_file_that_is_not_csv_text_is_refused_at_upload_with_a_reason(client_for, team, followers, data, words):
    response = upload(client_for("editor"), team, data)

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_bare_carriage_returns_end_rows_like_excel_on_a_mac_writes_them(client_for, team, followers):
    response = upload(client_for("editor"), team, b"metric,ts,value\rfollowers,2027-01-05,1\rfollowers,2027-01-06,2\r")

    assert response.status_code == 302
    assert ImportJob.objects.get().total_rows == 2


def check_csv(data: bytes) -> None:
    """What the upload and the import do with a file: a clean refusal, or every row checked with a message."""
    try:
        text = decode_upload(data)
        row_count(text)
        parser = TimestampParser(tz=AMS, now=None, naive_is_local=True)
        result = validate_rows(text, metric_ids={"followers": 1}, parser=parser)
    except ApplicationError as error:
        assert error.message and error.field == "file"
        return
    assert result.error_count == 0 or all(e["message"] for e in result.errors)
    assert result.points or result.error_count or result.rows == 0


csv_cells = st.text(alphabet=st.sampled_from(string.printable + ";,\"'\x00\x85\u2028é€"), max_size=12)
csv_like = st.lists(st.lists(csv_cells | st.sampled_from(["followers", "2027-01-05", "1,5", "-3"]), max_size=4))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300))
def test_the_csv_reader_takes_any_bytes(data):
    check_csv(data)


@settings(max_examples=200, deadline=None)
@given(
    rows=csv_like,
    header=st.sampled_from(["metric,ts,value", "metric;ts;value", "value,metric,ts", ""]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_the_csv_reader_takes_any_text_laid_out_like_a_csv(rows, header, line_end, encoding):
    text = line_end.join([header, *(",".join(cells) for cells in rows)])
    check_csv(text.encode(encoding, errors="replace"))


@EXAMPLES
@given(data=st.binary(max_size=200))
def test_uploading_any_bytes_answers_with_a_page(client_for, team, followers, data):
    response = upload(client_for("editor"), team, data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors["file"]


def test_the_preview_of_an_upload_reads_its_rows(client_for, team, followers):
    client = client_for("editor")
    upload(client, team, f"metric,ts,value\rfollowers,{date(2027, 1, 5)},1\r".encode())
    response = client.get(reverse("metrics:import-detail", args=[team.slug, ImportJob.objects.get().pk]))

    assert response.context["preview_rows"] == [(2, ["followers", "2027-01-05", "1"])]

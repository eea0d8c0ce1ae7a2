"""Connectors cannot be pointed at this machine or its network, nor hog or blow up a worker.

Every request goes through the real connection path (`safe_client`, as a sync uses it) to fake
servers on this machine. A spy on the socket layer proves that a refusal happens before any
connection is opened, and the fake servers' logs prove that nothing arrived.
"""

from __future__ import annotations

import gzip
import re
import socket
import time

import httpcore
import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Response

from metrics.connectors.base import PermanentSourceError, Sample, TransientSourceError
from metrics.connectors.safety import BlockedAddressError, blocked_message, check_url, safe_client
from metrics.models import Channel, DataPoint, Metric, SyncRun

from .channel_helpers import ScriptedConnector, run_connector, scripted_channel, sync

BLOCKED = blocked_message()
PUBLIC_IP = "93.184.216.34"  # what the fake resolver answers for public-looking names


@pytest.fixture(scope="module")
def loopback_server():
    """A fake service on 127.0.0.1 that a team admin would like the worker to reach."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def loopback(loopback_server, settings):
    """The loopback service, answering anything, with an empty log and nothing allowed."""
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = []
    loopback_server.clear()
    loopback_server.expect_request(re.compile(".*")).respond_with_json({"orders": 1})
    yield loopback_server
    loopback_server.clear()


@pytest.fixture
def connects(monkeypatch):
    """Every socket the connectors open: (address, port)."""
    opened: list[tuple[str, int]] = []
    real = httpcore.SyncBackend.connect_tcp

    def spy(self, host, port, *args, **kwargs):
        opened.append((host, port))
        return real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", spy)
    return opened


def fake_dns(monkeypatch, answers):
    """Resolve names through `answers` (name -> list of addresses, or a function of the call number)."""
    real = socket.getaddrinfo
    calls: dict[str, int] = {}

    def resolve(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls[host] = calls.get(host, 0) + 1
        found = answers[host]
        addresses = found(calls[host]) if callable(found) else found
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return calls


def endpoint(url, **extra):
    """The JSON endpoint connector, as a sync runs it."""
    return run_connector(
        "http_json",
        account_ref=url,
        options={"metrics": [{"key": "orders", "name": "Orders", "path": "orders"}], **extra.pop("options", {})},
        config=extra.pop("config", {}),
        **extra,
    )


SPELLINGS = [
    "http://127.0.0.1:{port}/stats",
    "http://2130706433:{port}/stats",  # decimal
    "http://017700000001:{port}/stats",  # octal, whole
    "http://0x7f.1:{port}/stats",  # hex, short
    "http://0x7f000001:{port}/stats",  # hex, whole
    "http://127.1:{port}/stats",  # short
    "http://127.0.0.2:{port}/stats",  # the rest of 127/8
    "http://localhost:{port}/stats",
    "http://LOCALHOST:{port}/stats",
    "http://[::ffff:127.0.0.1]:{port}/stats",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]:{port}/stats",
    "http://[::1]:{port}/stats",
    "http://[::]:{port}/stats",
    "http://0.0.0.0:{port}/stats",
    "http://0:{port}/stats",
    "https://127.0.0.1:{port}/stats",
    "http://user:pw@127.0.0.1:{port}/stats",
    "http://example.com@127.0.0.1:{port}/stats",  # a public name as user info
    "http://127.0.0.1:{port}#@example.com/stats",
    "http://127.0.0.1.:{port}/stats",
]
PRIVATE_NETWORKS = [
    "http://10.0.0.1/stats",
    "http://172.16.5.4/stats",
    "http://192.168.1.1/stats",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.64.0.1/stats",  # carrier-grade NAT
    "http://224.0.0.1/stats",  # multicast
    "http://255.255.255.255/stats",
    "http://[fe80::1]/stats",
    "http://[fc00::1]/stats",
    "http://[ff02::1]/stats",
    "http://[64:ff9b::a00:1]/stats",  # NAT64 of 10.0.0.1
    "http://[2002:a00:1::]/stats",  # 6to4 of 10.0.0.1
    "http://[::ffff:169.254.169.254]/stats",
    "http://[::ffff:a00:1]/stats",  # IPv4-mapped 10.0.0.1 in hex
    "http://[fe80::1%25eth0]/stats",  # with a zone
    "http://[::a00:1]/stats",  # IPv4-compatible (deprecated)
]


@pytest.mark.parametrize("spelling", SPELLINGS + PRIVATE_NETWORKS)
def test_no_spelling_of_a_local_or_private_address_is_reached(spelling, loopback, connects):
    url = spelling.format(port=loopback.port)
    with pytest.raises(PermanentSourceError) as error:
        endpoint(url)
    assert error.value.message == BLOCKED
    assert connects == [] and loopback.log == []


@pytest.mark.parametrize("spelling", SPELLINGS + PRIVATE_NETWORKS)
def test_the_channel_form_refuses_every_spelling_early(spelling, loopback):
    with pytest.raises(ValueError, match=re.escape(BLOCKED)):
        check_url(spelling.format(port=loopback.port))


def test_an_octal_address_that_httpx_cannot_parse_is_refused_too(loopback, connects):
    url = f"http://0177.0.0.1:{loopback.port}/stats"
    with pytest.raises(ValueError, match=re.escape(BLOCKED)):
        check_url(url)
    with pytest.raises(PermanentSourceError, match="not a valid URL"):
        endpoint(url)
    assert connects == [] and loopback.log == []


def test_a_name_that_resolves_to_loopback_is_refused(loopback, connects, monkeypatch):
    fake_dns(monkeypatch, {"metrics.attacker.example": ["127.0.0.1"]})
    with pytest.raises(PermanentSourceError, match=re.escape(BLOCKED)):
        endpoint(f"http://metrics.attacker.example:{loopback.port}/stats")
    assert connects == [] and loopback.log == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(loopback, connects, monkeypatch):
    fake_dns(monkeypatch, {"mixed.example": [PUBLIC_IP, "127.0.0.1"]})
    with pytest.raises(PermanentSourceError, match=re.escape(BLOCKED)):
        endpoint(f"http://mixed.example:{loopback.port}/stats")
    assert connects == [] and loopback.log == []


def test_an_operator_allows_an_internal_system_by_range_or_by_name(loopback, settings, connects):
    """The control of the tests above: the same spellings do reach the server once allowed."""
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["127.0.0.0/8"]
    assert endpoint(f"http://2130706433:{loopback.port}/stats").samples[0].value == 1
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["localhost"]
    assert endpoint(f"http://localhost:{loopback.port}/stats").samples[0].value == 1
    assert len(loopback.log) == 2
    assert connects and all(address in {"127.0.0.1", "::1"} for address, _port in connects)


def test_allowed_hosts_are_names_domains_or_ranges(settings, monkeypatch):
    fake_dns(
        monkeypatch,
        {"crm.corp.example": ["10.1.2.3"], "wiki.intranet.example": ["10.9.9.9"], "other.corp.example": ["10.1.2.4"]},
    )
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["crm.corp.example", ".intranet.example", "192.168.0.0/16"]
    for allowed in ("https://crm.corp.example/", "https://wiki.intranet.example/", "http://192.168.4.5/"):
        check_url(allowed)
    for refused in ("https://other.corp.example/", "http://10.1.2.3/", "http://172.16.0.1/"):
        with pytest.raises(ValueError, match=re.escape(BLOCKED)):
            check_url(refused)


def test_dns_rebinding_cannot_reach_loopback(loopback, connects, monkeypatch):
    """The name answers a public address when the form checks it and loopback when the worker connects."""
    fake_dns(monkeypatch, {"rebind.example": lambda call: [PUBLIC_IP] if call == 1 else ["127.0.0.1"]})
    url = f"http://rebind.example:{loopback.port}/stats"
    check_url(url)  # the form accepts it: it looked public
    with pytest.raises(PermanentSourceError, match=re.escape(BLOCKED)):
        endpoint(url)
    assert connects == [] and loopback.log == []


def test_the_connection_goes_to_the_address_that_was_checked_with_the_name_as_host(loopback, monkeypatch):
    """Resolved once per connection: the socket opens to the checked public address (here routed to the
    fake server), whatever the name would answer next, and the request still names the host."""
    calls = fake_dns(monkeypatch, {"rebind.example": lambda call: [PUBLIC_IP] if call == 1 else ["127.0.0.1"]})
    opened = []
    real = httpcore.SyncBackend.connect_tcp

    def public_host_is_the_fake(self, host, port, *args, **kwargs):
        opened.append(host)
        return real(self, "127.0.0.1", loopback.port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", public_host_is_the_fake)
    assert endpoint(f"http://rebind.example:{loopback.port}/stats").samples[0].value == 1
    assert opened == [PUBLIC_IP] and calls == {"rebind.example": 1}
    request, _response = loopback.log[0]
    assert request.headers["Host"] == f"rebind.example:{loopback.port}"


def test_a_redirect_to_loopback_is_not_followed(httpserver, loopback, settings):
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = [httpserver.host]  # the redirecting server only
    target = f"http://127.0.0.1:{loopback.port}/stats"
    httpserver.expect_request("/stats").respond_with_response(Response(status=302, headers={"Location": target}))
    with pytest.raises(PermanentSourceError, match="HTTP 302"):
        endpoint(httpserver.url_for("/stats"))
    with safe_client() as client, pytest.raises(BlockedAddressError):
        client.get(httpserver.url_for("/stats"), follow_redirects=True)  # a caller who follows: each hop is checked
    assert loopback.log == []


def test_a_credential_is_never_sent_over_plain_http(loopback, connects, monkeypatch):
    fake_dns(monkeypatch, {"crm.example": [PUBLIC_IP], "api.example": [PUBLIC_IP]})
    with pytest.raises(PermanentSourceError, match="https://"):
        endpoint(
            "http://crm.example/stats", options={"header": "X-Api-Key"}, credentials={"header_value": "crm-key-123"}
        )
    with pytest.raises(PermanentSourceError, match="https://"):  # a key in the query string
        run_connector(
            "youtube",
            account_ref="UC1",
            credentials={"api_key": "yt-key-123"},
            config={"base_url": "http://api.example"},
        )
    with pytest.raises(ValueError, match="https://"):
        check_url("http://crm.example/stats", with_credential=True)
    assert connects == []


@pytest.mark.parametrize(
    ("platform", "account"),
    [("bluesky", "alice.bsky.social"), ("youtube", "UC1"), ("x", "acme"), ("ga4", "123"), ("linkedin_org", "42")],
)
def test_every_base_url_goes_through_the_same_check(platform, account, loopback, settings, connects):
    config = {**settings.SCORECARD_CONNECTORS[platform], "base_url": f"http://127.0.0.1:{loopback.port}"}
    with pytest.raises(PermanentSourceError, match=re.escape(BLOCKED)):
        run_connector(
            platform, account_ref=account, credentials={"token": "t-123456", "api_key": "k-123456"}, config=config
        )
    assert connects == [] and loopback.log == []


@pytest.mark.parametrize("instance", ["127.0.0.1:{port}", "localhost:{port}", "2130706433:{port}", "[::1]:{port}"])
def test_a_mastodon_instance_on_this_machine_is_refused(instance, loopback, connects):
    account = f"alice@{instance.format(port=loopback.port)}"
    with pytest.raises(PermanentSourceError, match=re.escape(BLOCKED)):
        run_connector("mastodon", account_ref=account, config={"scheme": "http"})
    assert connects == [] and loopback.log == []


# --- What a team admin sees ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "account"),
    [
        ("http_json", "http://127.0.0.1:{port}/stats"),
        ("http_json", "http://2130706433:{port}/stats"),
        ("mastodon", "alice@127.0.0.1:{port}"),
        ("mastodon", "alice@localhost"),
    ],
)
def test_the_channel_form_says_the_address_is_not_allowed(platform, account, client_for, team, loopback):
    response = client_for("admin").post(
        reverse("metrics:channel-create", args=[team.slug]),
        {
            "platform": platform,
            "name": "Internal",
            "account_ref": account.format(port=loopback.port),
            "http_metrics": "orders | Orders | orders | orders",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert BLOCKED in response.content.decode()
    assert not Channel.objects.exists() and loopback.log == []


def test_the_channel_form_asks_for_https_when_the_endpoint_gets_a_credential(client_for, team, monkeypatch):
    fake_dns(monkeypatch, {"crm.example": [PUBLIC_IP]})
    response = client_for("admin").post(
        reverse("metrics:channel-create", args=[team.slug]),
        {
            "platform": "http_json",
            "name": "CRM",
            "account_ref": "http://crm.example/stats",
            "credential": "crm-key-123",
            "http_header": "X-Api-Key",
            "http_metrics": "orders | Orders | orders | orders",
            "enabled": "on",
        },
    )
    assert "use https://" in response.content.decode()
    assert not Channel.objects.exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_channel_page_and_the_sync_run_say_the_same_for_an_open_and_a_closed_port(
    client_for, team, loopback, settings
):
    """An operator allowed loopback when the channels were made, then withdrew it."""
    settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["127.0.0.1"]
    answers = {}
    for name, port in (("open", loopback.port), ("closed", _closed_port())):
        channel = scripted_or_json_channel(team, name, f"http://127.0.0.1:{port}/stats")
        settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = []
        run = sync(channel)
        settings.SCORECARD_CONNECTOR_ALLOWED_HOSTS = ["127.0.0.1"]
        channel.refresh_from_db()
        page = client_for("admin").get(reverse("metrics:channel-detail", args=[team.slug, channel.pk])).content.decode()
        assert BLOCKED in page and "Traceback" not in page
        answers[name] = (run.status, run.error, channel.status, channel.last_error, channel.attention_hint)
    assert answers["open"] == answers["closed"]
    assert answers["open"][:3] == (SyncRun.Status.FAILED, BLOCKED, Channel.Status.NEEDS_ATTENTION)
    assert loopback.log == []


def scripted_or_json_channel(team, name, url):
    from metrics.channel_services import channel_create

    return channel_create(
        team=team,
        platform="http_json",
        name=name,
        account_ref=url,
        options={"metrics": [{"key": "orders", "name": "Orders", "path": "orders"}]},
    )


# --- Time and size -----------------------------------------------------------------------------------


def test_one_deadline_covers_all_requests_of_a_sync(httpserver, settings):
    """Each answer comes well within the timeout, but together they take longer than the sync may."""
    settings.SCORECARD_SYNC_DEADLINE_SECONDS = 0.6

    def slow(request):
        time.sleep(0.25)
        return Response('{"data": []}', content_type="application/json")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(slow)
    config = {"base_url": httpserver.url_for("").rstrip("/"), "timeout": 5}
    with pytest.raises(TransientSourceError, match="SCORECARD_SYNC_DEADLINE_SECONDS"):
        run_connector("instagram", account_ref="1784", credentials={"token": "t-123456"}, config=config, days=10)
    assert 1 <= len(httpserver.log) < 10


def test_an_answer_that_trickles_in_is_stopped_at_the_deadline(httpserver, settings):
    settings.SCORECARD_SYNC_DEADLINE_SECONDS = 0.5

    def trickle():
        yield b'{"orders": '
        for _ in range(30):  # one byte every 0.1 s: every read is quick, the answer never ends in time
            time.sleep(0.1)
            yield b" "
        yield b"1}"

    httpserver.expect_request("/stats").respond_with_response(Response(trickle(), content_type="application/json"))
    with pytest.raises(TransientSourceError, match="SCORECARD_SYNC_DEADLINE_SECONDS"):
        endpoint(httpserver.url_for("/stats"), config={"timeout": 5})


def test_a_name_server_that_never_answers_is_given_up_at_the_deadline(settings, monkeypatch):
    settings.SCORECARD_SYNC_DEADLINE_SECONDS = 0.3
    fake_dns(monkeypatch, {"slow-dns.example": lambda call: time.sleep(3) or [PUBLIC_IP]})
    with pytest.raises(TransientSourceError, match="SCORECARD_SYNC_DEADLINE_SECONDS"):
        endpoint("https://slow-dns.example/stats", config={"timeout": 5})


def _huge_stream():
    chunk = b" " * 65536
    for _ in range(800):  # 50 MB, streamed without a length
        yield chunk


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda: Response(_huge_stream(), content_type="application/json"), id="streamed"),
        pytest.param(lambda: Response(b" " * 2_000_000, content_type="application/json"), id="with-length"),
        pytest.param(
            lambda: Response(
                gzip.compress(b'{"orders": 1' + b" " * 20_000_000 + b"}"),
                content_type="application/json",
                headers={"Content-Encoding": "gzip"},
            ),
            id="gzip-bomb",
        ),
    ],
)
def test_an_answer_larger_than_the_cap_is_refused_while_it_streams(answer, httpserver, settings):
    settings.SCORECARD_CONNECTOR_MAX_BYTES = 1_000_000
    httpserver.expect_request("/stats").respond_with_response(answer())
    with pytest.raises(PermanentSourceError, match="SCORECARD_CONNECTOR_MAX_BYTES"):
        endpoint(httpserver.url_for("/stats"))


def test_an_answer_nested_too_deeply_to_decode_is_a_clear_error(httpserver):
    httpserver.expect_request("/stats").respond_with_data("[" * 200_000, content_type="application/json")
    with pytest.raises(PermanentSourceError, match="without JSON"):
        endpoint(httpserver.url_for("/stats"))


def test_a_compressed_answer_under_the_cap_is_read(httpserver, settings):
    settings.SCORECARD_CONNECTOR_MAX_BYTES = 1_000_000
    body = gzip.compress(b'{"orders": 7}')
    httpserver.expect_request("/stats").respond_with_response(
        Response(body, content_type="application/json", headers={"Content-Encoding": "gzip"})
    )
    assert endpoint(httpserver.url_for("/stats")).samples[0].value == 7


def test_the_sync_run_says_which_limit_was_hit(httpserver, settings, team):
    channel = scripted_or_json_channel(team, "Big", httpserver.url_for("/stats"))
    settings.SCORECARD_CONNECTOR_MAX_BYTES = 1000
    httpserver.expect_request("/stats").respond_with_response(Response(_huge_stream()))
    run = sync(channel)
    assert run.status == SyncRun.Status.FAILED
    assert "larger than the limit of 1000" in run.error and "SCORECARD_CONNECTOR_MAX_BYTES" in run.error


# --- Values no write path may store ------------------------------------------------------------------

BAD_VALUES = {"nan": "NaN", "infinity": "-Infinity", "huge": "1e300", "just-over": "1000000000000001"}


def _platform_channel(platform, httpserver, settings, team):
    """A channel of `platform` on the fake server; the answer's template has {bad} for one metric's value."""
    from metrics.channel_services import channel_create

    base = httpserver.url_for("").rstrip("/")
    settings.SCORECARD_CONNECTORS = {
        **settings.SCORECARD_CONNECTORS,
        "bluesky": {"base_url": base},
        "youtube": {"base_url": base},
        "x": {"base_url": base},
        "mastodon": {"scheme": "http"},
    }
    setups = {
        "mastodon": (
            f"alice@{httpserver.host}:{httpserver.port}",
            {},
            '{"followers_count": {bad}, "following_count": 210, "statuses_count": 4821}',
            "followers",
        ),
        "bluesky": (
            "alice.bsky.social",
            {},
            '{"followersCount": {bad}, "followsCount": 3, "postsCount": 4}',
            "followers",
        ),
        "youtube": (
            "UC1",
            {"api_key": "yt-key-123"},
            '{"items": [{"statistics": {"subscriberCount": "9", "viewCount": {bad}, "videoCount": "3"}}]}',
            "views",
        ),
        "x": (
            "acme",
            {"token": "x-token-123"},
            '{"data": {"public_metrics": {"followers_count": {bad}, "following_count": 1, "tweet_count": 2, '
            '"listed_count": 3}}}',
            "followers",
        ),
        "http_json": (httpserver.url_for("/stats"), {}, '{"orders": {bad}, "visits": 12}', "orders"),
    }
    account, credentials, template, bad_metric = setups[platform]
    options = {}
    if platform == "http_json":
        options = {
            "metrics": [
                {"key": "orders", "name": "Orders", "path": "orders"},
                {"key": "visits", "name": "Visits", "path": "visits"},
            ]
        }
    channel = channel_create(
        team=team, platform=platform, name=platform, account_ref=account, credentials=credentials, options=options
    )
    return channel, template, bad_metric


@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "youtube", "x", "http_json"])
def test_a_value_no_write_path_may_store_fails_that_metric_only(platform, bad, httpserver, settings, team):
    channel, template, bad_metric = _platform_channel(platform, httpserver, settings, team)
    body = template.replace("{bad}", BAD_VALUES[bad] if platform != "youtube" else f'"{BAD_VALUES[bad]}"')
    httpserver.expect_request(re.compile(".*")).respond_with_data(body, content_type="application/json")
    run = sync(channel)
    assert run.status == SyncRun.Status.PARTIAL
    failed = f"{channel.key_prefix}-{bad_metric}"
    assert list(run.metric_errors) == [failed]
    assert "cannot be stored" in run.metric_errors[failed]
    stored = dict(DataPoint.objects.filter(metric__channel=channel).values_list("metric__key", "value"))
    assert failed not in stored
    assert len(stored) == Metric.objects.filter(channel=channel).count() - 1
    assert all(abs(value) <= 1e15 for value in stored.values())


def test_a_connector_that_builds_samples_itself_cannot_store_nan_either(team):
    from metrics.connectors.base import FetchResult

    def answer(ctx):
        return FetchResult(
            samples=[Sample("followers", ctx.window.today, float("nan")), Sample("reach", ctx.window.today, 5.0)]
        )

    ScriptedConnector.behaviour = answer
    channel = scripted_channel(team)
    run = sync(channel)
    assert run.status == SyncRun.Status.PARTIAL and list(run.metric_errors) == [f"{channel.key_prefix}-followers"]
    assert list(DataPoint.objects.values_list("metric__key", "value")) == [(f"{channel.key_prefix}-reach", 5.0)]


# --- TLS: the checked address is dialled, the certificate is checked against the name ---------------


def _certificate_authority(tmp_path, name):
    """A CA and a server certificate for `name`: (client context trusting the CA, server context)."""
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def issue(subject, issuer, key, signer, *, ca):
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = issue("Test CA", "Test CA", ca_key, ca_key, ca=True)
    server_cert = issue(name, "Test CA", server_key, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (tmp_path / "server.pem").write_bytes(
        server_cert.public_bytes(pem)
        + server_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "server.pem")
    return ssl.create_default_context(cadata=ca_cert.public_bytes(pem).decode()), server_context


@pytest.mark.parametrize(("certificate_for", "works"), [("stats.example", True), ("someone-else.example", False)])
def test_https_dials_the_checked_address_and_verifies_the_certificate_for_the_name(
    certificate_for, works, tmp_path, monkeypatch
):
    from metrics.connectors import safety

    client_context, server_context = _certificate_authority(tmp_path, certificate_for)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=server_context)
    server.expect_request("/stats").respond_with_json({"orders": 3})
    server.start()
    try:
        monkeypatch.setattr(safety, "_ssl_context", lambda: client_context)
        fake_dns(monkeypatch, {"stats.example": [PUBLIC_IP]})
        opened = []
        real = httpcore.SyncBackend.connect_tcp

        def public_host_is_the_fake(self, host, port, *args, **kwargs):
            opened.append(host)
            return real(self, "127.0.0.1", server.port, *args, **kwargs)

        monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", public_host_is_the_fake)
        url = f"https://stats.example:{server.port}/stats"
        if works:
            assert endpoint(url).samples[0].value == 3
            assert server.log[0][0].headers["Host"] == f"stats.example:{server.port}"
        else:
            with pytest.raises(TransientSourceError, match="Could not connect"):
                endpoint(url)
            assert server.log == []
        assert opened == [PUBLIC_IP]
    finally:
        server.stop()

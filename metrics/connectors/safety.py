"""The only way connectors (and anything else that calls a URL a user typed) reach the network.

`safe_client()` returns an `httpx.Client` that

* connects only to public addresses: the host is resolved once, every address it resolves to is
  checked (loopback, private, link-local, carrier-grade NAT, multicast, unspecified, reserved,
  and IPv4 addresses wrapped in IPv6: mapped, 6to4, NAT64), and the socket is opened to that
  checked address while the Host header and TLS server name stay the URL's name. The check is
  at connect time, after DNS, so a name that answers differently the second time (DNS
  rebinding) cannot get through, and every spelling of an address (2130706433, 0x7f.1, 127.1,
  [::ffff:127.0.0.1], localhost) is judged by the address it really is. Nothing is sent before
  the check, so a refusal says nothing about whether a port is open;
* does not follow redirects (and when a caller asks it to, each hop is checked the same way);
* refuses plain `http://` for a request that carries a credential (an Authorization or Cookie
  header, user:password in the URL, or one of `secrets` in the URL, a header or the body);
* stops after one deadline for all its requests together (`SCORECARD_SYNC_DEADLINE_SECONDS`),
  on top of the timeout of each connect, read and write (`SCORECARD_CONNECTOR_TIMEOUT`);
* stops reading an answer larger than `SCORECARD_CONNECTOR_MAX_BYTES`, counted while it
  streams in and after decompression;
* ignores proxy settings from the environment (a proxy would connect on our behalf, unchecked).

`SCORECARD_CONNECTOR_ALLOWED_HOSTS` lets an operator allow internal systems: host names
(`crm.corp.example`, or `.corp.example` for a domain and its subdomains) or address ranges
(`10.20.0.0/16`, `127.0.0.1`). An allowed host may also be called over `http://` with a
credential: internal systems often have no certificate, and the operator vouches for the network.

Refusals raise a `RefusedRequest` (an `httpx.TransportError`) whose `message` is safe to show.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import ssl
import threading
import time
import typing
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import unquote, unquote_plus, urlsplit

import certifi
import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_DECOMPRESSED = frozenset({"gzip", "x-gzip", "deflate"})


def blocked_message() -> str:
    return _(
        "This address is not allowed: it points to a private or local network. "
        "An operator can allow it with SCORECARD_CONNECTOR_ALLOWED_HOSTS."
    )


class RefusedRequest(httpx.TransportError):
    """A request this module stopped; `message` and `hint` are safe to show to users."""

    transient: ClassVar[bool] = False

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class BlockedAddressError(RefusedRequest):
    def __init__(self) -> None:
        super().__init__(
            blocked_message(), hint=_("Enter the address of a public service, or ask an operator to allow this one.")
        )


class InsecureCredentialError(RefusedRequest):
    def __init__(self) -> None:
        super().__init__(
            _("This address starts with http://, which would send the credential unencrypted; use https://."),
            hint=_("Change the address to https://, then save the channel."),
        )


class ResponseTooLargeError(RefusedRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(
            _("The answer was larger than the limit of %(limit)s (SCORECARD_CONNECTOR_MAX_BYTES); it was not read.")
            % {"limit": filesizeformat(limit)},
            hint=_("Make the endpoint answer with less data, or ask an operator to raise the limit."),
        )


class DeadlineExceededError(RefusedRequest, httpx.TimeoutException):
    """The whole fetch took longer than its deadline (a later sync may be quicker)."""

    transient = True

    def __init__(self, seconds: float) -> None:
        super().__init__(
            _(
                "The sync took longer than its limit of %(seconds)s seconds for all requests together "
                "(SCORECARD_SYNC_DEADLINE_SECONDS) and was stopped."
            )
            % {"seconds": f"{seconds:g}"}
        )


# --- Which addresses may be reached -------------------------------------------------------------


def is_public_address(ip: IPAddress) -> bool:
    """True for an address on the public internet; IPv4 wrapped in IPv6 is judged unwrapped."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and any(ip in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    in_carrier_nat = isinstance(ip, ipaddress.IPv4Address) and ip in _CARRIER_GRADE_NAT
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or in_carrier_nat)


@dataclass(frozen=True)
class AllowedHosts:
    """SCORECARD_CONNECTOR_ALLOWED_HOSTS: names, `.domain` suffixes and address ranges."""

    names: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def from_settings(cls) -> AllowedHosts:
        names, suffixes, networks = set(), [], []
        for entry in getattr(settings, "SCORECARD_CONNECTOR_ALLOWED_HOSTS", []):
            entry = entry.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                if "/" in entry:
                    raise ImproperlyConfigured(
                        f"SCORECARD_CONNECTOR_ALLOWED_HOSTS: {entry!r} is not an address range."
                    ) from None
            if entry.startswith("."):
                suffixes.append(entry)
            else:
                names.add(entry)
        return cls(frozenset(names), tuple(suffixes), tuple(networks))

    def allows_name(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.names or any(host.endswith(s) or host == s[1:] for s in self.suffixes)

    def in_ranges(self, ip: IPAddress) -> bool:
        return any(ip.version == network.version and ip in network for network in self.networks)

    def allows_address(self, ip: IPAddress) -> bool:
        return is_public_address(ip) or self.in_ranges(ip)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(unquote(host).rstrip(".").strip("[]"))
    except ValueError:
        return None


def _lookup(host: str, port: int, timeout: float | None) -> list[Any]:
    """getaddrinfo, given up after `timeout` seconds (it has no timeout of its own: a slow name
    server could otherwise hold a worker far beyond the deadline). The lookup runs in a daemon
    thread that is left to finish on its own."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: dict[str, Any] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            found["error"] = error

    thread = threading.Thread(target=lookup, name="connector-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise httpcore.ConnectTimeout("the host name did not resolve in time")
    if "error" in found:
        raise found["error"]
    return found["infos"]  # type: ignore[no-any-return]


def _resolve(host: str, port: int, timeout: float | None = None) -> list[IPAddress]:
    """Every address the host stands for (a literal stands for itself); OSError when DNS fails."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    infos = _lookup(host, port, timeout)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in infos))


def checked_addresses(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """The addresses to connect to for `host`: all of them allowed, else BlockedAddressError.

    A host that resolves to several addresses is refused when any one of them is not allowed,
    so the answer does not depend on which address a later lookup puts first.
    """
    allowed = AllowedHosts.from_settings()
    try:
        addresses = _resolve(host, port, timeout)
    except OSError as error:
        raise httpcore.ConnectError(f"could not resolve the host: {error}") from error
    if not allowed.allows_name(host) and not all(allowed.allows_address(ip) for ip in addresses):
        raise BlockedAddressError()
    return addresses


def check_url(url: str, *, with_credential: bool = False) -> None:
    """Refuse, before saving, a URL that points to a private or local network, or an http:// URL
    that would carry a credential (ValueError with the message for the form).

    For the channel form: a clear message early. The real guard is the connect-time check,
    because what a name resolves to may change after the form was saved. A name that does not
    resolve here is left to that check (it may resolve only where the worker runs).
    """
    try:
        parsed = httpx.URL(url.strip())
        host, port = parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)
    except httpx.InvalidURL:
        # httpx refuses some spellings the resolver accepts (octal 0177.0.0.1): judge those by the
        # address they spell, the rest are simply not URLs.
        try:
            host, port = urlsplit(url.strip()).hostname or "", 80
            socket.inet_aton(host)
        except (OSError, ValueError):
            raise ValueError(_("Enter a valid address, e.g. https://example.com/stats.")) from None
    if not host:
        raise ValueError(_("Enter a valid address, e.g. https://example.com/stats."))
    try:
        checked_addresses(host, port)
    except BlockedAddressError as error:
        raise ValueError(error.message) from None
    except httpcore.ConnectError:
        pass
    if with_credential and url.strip().lower().startswith("http:"):
        try:
            refuse_plain_http_credential(host, port)
        except RefusedRequest as error:
            raise ValueError(error.message) from None


def refuse_plain_http_credential(host: str, port: int) -> None:
    """For a credential over plain http: InsecureCredentialError unless the operator allowed the
    host (by name, or all its addresses in an allowed range); BlockedAddressError first when the
    address is not allowed at all."""
    allowed = AllowedHosts.from_settings()
    if allowed.allows_name(host):
        return
    try:
        addresses = checked_addresses(host, port)
    except httpcore.ConnectError:
        raise InsecureCredentialError() from None
    if not all(allowed.in_ranges(ip) for ip in addresses):
        raise InsecureCredentialError()


# --- Time: one deadline for a client's requests together -------------------------------------------


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._at - time.monotonic()

    def cap(self, timeout: float | None) -> float:
        """The timeout for one socket operation: at most what is left; DeadlineExceededError if nothing."""
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceededError(self.seconds)
        return left if timeout is None else min(timeout, left)

    def raise_if_passed(self) -> None:
        """After a timeout: DeadlineExceededError when it was the deadline that ran out."""
        if self.remaining() <= 0:
            raise DeadlineExceededError(self.seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write waits no longer than the client's deadline allows."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def _timed(self, operation: Any, *args: Any, timeout: float | None) -> Any:
        try:
            return operation(*args, timeout=self._deadline.cap(timeout))
        except httpcore.TimeoutException:
            self._deadline.raise_if_passed()
            raise

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._timed(self._stream.read, max_bytes, timeout=timeout)  # type: ignore[no-any-return]

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._timed(self._stream.write, buffer, timeout=timeout)

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._timed(self._stream.start_tls, ssl_context, server_hostname, timeout=timeout)
        return _DeadlineStream(stream, self._deadline)

    def close(self) -> None:
        self._stream.close()

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Opens sockets only to checked addresses (the name is resolved here, once per connection)."""

    def __init__(self, deadline: Deadline) -> None:
        self._sockets = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        try:
            addresses = checked_addresses(host, port, timeout=self._deadline.cap(timeout))
        except httpcore.ConnectTimeout:
            self._deadline.raise_if_passed()
            raise
        for address in addresses:
            try:
                stream = self._sockets.connect_tcp(
                    str(address),
                    port,
                    timeout=self._deadline.cap(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as error:
                failure = error
                continue
            except httpcore.ConnectTimeout:
                self._deadline.raise_if_passed()
                raise
            return _DeadlineStream(stream, self._deadline)
        raise failure or httpcore.ConnectError("no address to connect to")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddressError()

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self._deadline.remaining(), 0)))


# --- Size: a cap on each answer, counted while it streams -------------------------------------------


class _CappedStream(httpx.SyncByteStream):
    """The body, decompressed here (gzip or deflate) so the cap counts what would be kept in memory."""

    def __init__(self, stream: httpx.SyncByteStream, *, compressed: bool, max_bytes: int) -> None:
        self._stream = stream
        self._compressed = compressed
        self._max_bytes = max_bytes

    def __iter__(self) -> Iterator[bytes]:
        decoder = zlib.decompressobj(zlib.MAX_WBITS | 32) if self._compressed else None  # | 32: gzip or zlib
        total = 0
        for chunk in self._stream:
            if decoder is not None:
                try:
                    chunk = decoder.decompress(chunk, self._max_bytes - total + 1)
                except zlib.error as error:
                    raise httpx.DecodingError(f"the compressed answer is damaged: {error}") from error
            total += len(chunk)
            if total > self._max_bytes:
                raise ResponseTooLargeError(self._max_bytes)
            yield chunk

    def close(self) -> None:
        self._stream.close()


def _capped(response: httpx.Response, max_bytes: int) -> httpx.Response:
    encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()]
    encodings = [e for e in encodings if e != "identity"]
    if len(encodings) > 1 or (encodings and encodings[0] not in _DECOMPRESSED):
        response.close()
        raise httpx.DecodingError(f"unsupported content encoding {', '.join(encodings)}")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        response.close()
        raise ResponseTooLargeError(max_bytes)
    if not encodings:
        headers = response.headers.raw
    else:  # the body below is already decompressed: httpx must not decode it again
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in (b"content-encoding", b"content-length")]
    stream = typing.cast(httpx.SyncByteStream, response.stream)
    return httpx.Response(
        status_code=response.status_code,
        headers=headers,
        stream=_CappedStream(stream, compressed=bool(encodings), max_bytes=max_bytes),
        extensions=response.extensions,
    )


# --- The client ------------------------------------------------------------------------------------


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs ~50 ms of CPU, more than a whole sync."""
    return ssl.create_default_context(cafile=certifi.where())


def _carries_credential(request: httpx.Request, secrets: tuple[str, ...]) -> bool:
    if request.url.userinfo or any(name.lower() in _CREDENTIAL_HEADERS for name in request.headers):
        return True
    if not secrets:
        return False
    texts = [unquote_plus(str(request.url)), *request.headers.values()]
    with contextlib.suppress(httpx.RequestNotRead):  # a streamed body is not inspected
        texts.append(request.content.decode("utf-8", "replace"))
    return any(secret in text for secret in secrets for text in texts)


class _SafeTransport(httpx.HTTPTransport):
    def __init__(self, *, secrets: tuple[str, ...], max_bytes: int, deadline: Deadline) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx offers no option for httpcore's network backend, so its pool is built again with ours.
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(), network_backend=_GuardedBackend(deadline))
        self._secrets = secrets
        self._max_bytes = max_bytes
        self._deadline = deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._deadline.cap(None)
        url = request.url
        if url.scheme == "http" and _carries_credential(request, self._secrets):
            refuse_plain_http_credential(url.host, url.port or 80)
        return _capped(super().handle_request(request), self._max_bytes)


def safe_client(
    *,
    secrets: Iterable[str] = (),
    timeout: float | None = None,
    max_bytes: int | None = None,
    deadline_seconds: float | None = None,
) -> httpx.Client:
    """An httpx client for outgoing requests to addresses users entered or platforms named.

    secrets: credential values this client will send (tokens, keys, client secrets); a request
        over plain http:// that contains one is refused. Authorization and Cookie headers count
        as credentials without being listed.
    timeout: seconds for each connect, read and write (default SCORECARD_CONNECTOR_TIMEOUT).
    max_bytes: the largest answer read (default SCORECARD_CONNECTOR_MAX_BYTES).
    deadline_seconds: time for all requests of this client together, counted from now
        (default SCORECARD_SYNC_DEADLINE_SECONDS): make one client per sync or per flow.

    Use it as a context manager. Refusals raise `RefusedRequest` subclasses (httpx.TransportError).
    """
    deadline = Deadline(
        deadline_seconds if deadline_seconds is not None else float(settings.SCORECARD_SYNC_DEADLINE_SECONDS)
    )
    transport = _SafeTransport(
        secrets=tuple(s for s in secrets if s),
        max_bytes=max_bytes if max_bytes is not None else int(settings.SCORECARD_CONNECTOR_MAX_BYTES),
        deadline=deadline,
    )
    return httpx.Client(
        transport=transport,
        timeout=timeout if timeout is not None else float(settings.SCORECARD_CONNECTOR_TIMEOUT),
        headers={"User-Agent": "Scorecard connector", "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        trust_env=False,
    )

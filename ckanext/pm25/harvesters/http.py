"""Bounded, checked HTTP GETs for harvesters. No CKAN imports.

Every fetch:

- accepts only ``http``/``https`` URLs to a destination :mod:`.destinations` allows: a
  non-public address only through an allow-list entry of the same scheme, host and port
  (``policy.allowed_hosts``), the portal's own services (``policy.portal_services``) never;
- resolves the host once per connection, checks every address it resolved to, and connects
  to those checked addresses only (the connection is pinned: a DNS answer that changes after
  the check cannot redirect it); TLS is still verified against the host name (SNI and
  certificate), since the connection keeps the name and only the socket is pinned;
- follows redirects itself (up to ``max_redirects``), repeating that check for every hop and
  dropping caller headers (API keys) when a hop leaves the original origin;
- retries idempotent GETs on connection errors and on 429/500/502/503/504 with exponential
  backoff, honouring ``Retry-After`` (capped at ``max_retry_wait``); the sleep is
  ``policy.sleep`` so tests can observe or shorten it;
- verifies TLS; only when ``allow_http_fallback`` is set and the https attempt failed with a TLS
  error does it repeat the request over plain http, and the result says so;
- streams the body and aborts past ``max_bytes`` (decompressed size) or ``total_timeout``;
- stops at ``budget_ends`` (a ``time.monotonic()`` instant: the end of the job's time budget)
  when set: no request starts after it, each request's timeouts end with it, and no retry
  begins past it (``FetchError("out_of_time")``);
- ignores proxy and ``.netrc`` settings from the environment (``trust_env`` off) so the
  destination checked is the destination contacted.

A source whose key travels in the URL (FIRMS puts its MAP_KEY in the path) passes ``redact``:
every URL and message of the result, of a :class:`FetchError` and of the log records this
module and urllib3 write during the fetch goes through it (:func:`fetch_text`).

Failures raise :class:`FetchError` with a ``kind`` a harvester can act on. A body is quoted
(``snippet``) only when it could not be decoded (not JSON, an error page), never when it was
too large.
"""
from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from ckanext.pm25.harvesters import destinations
from ckanext.pm25.harvesters.destinations import Origin, Refused

log = logging.getLogger(__name__)

FetchErrorKind = Literal[
    "timeout", "out_of_time", "http_status", "too_large", "refused_host", "bad_scheme", "tls", "not_json",
    "connection",
]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SNIPPET_CHARS = 300
_CHUNK = 64 * 1024

Resolver = Callable[..., list[tuple[Any, ...]]]
AddressInfo = tuple[Any, ...]  # (family, type, proto, canonname, sockaddr) as getaddrinfo gives


def system_resolve(host: str, port: int, **kwargs: Any) -> list[AddressInfo]:
    """``socket.getaddrinfo``, looked up at each call."""
    return socket.getaddrinfo(host, port, **kwargs)


@dataclass(frozen=True)
class HttpPolicy:
    """How far a harvester may go with one source. Times in seconds, sizes in bytes."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff_factor: float = 1.0
    max_bytes: int = 50 * 1024 * 1024
    user_agent: str = "ckanext-pm25-harvester/0.1"
    allowed_hosts: frozenset[str] = frozenset()  # destinations.parse_allowed entries
    portal_services: frozenset[str] = frozenset()  # URLs of the portal's own services
    allow_http_fallback: bool = False
    max_redirects: int = 5
    max_retry_wait: float = 120.0
    total_timeout: float = 300.0
    budget_ends: float | None = None  # time.monotonic() instant; None: no budget
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    resolve: Resolver = field(default=system_resolve, compare=False, repr=False)
    # called before each retry of a request: a rate-limited upstream counts every attempt
    before_retry: Callable[[], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FetchResult:
    data: Any
    final_url: str
    used_http_fallback: bool
    status: int
    elapsed: float
    bytes: int
    headers: Mapping[str, str] = field(default_factory=dict)


class FetchError(Exception):
    """A fetch that did not yield usable content. ``snippet``: start of the body, if any;
    ``status``: the HTTP status when one was received."""

    def __init__(self, kind: FetchErrorKind, message: str, url: str, snippet: str = "",
                 status: int | None = None) -> None:
        super().__init__(f"{kind}: {message} ({url})")
        self.kind = kind
        self.message = message
        self.url = url
        self.snippet = snippet[:SNIPPET_CHARS]
        self.status = status


@dataclass(frozen=True)
class _RawResponse:
    body: bytes
    final_url: str
    status: int
    content_type: str
    used_http_fallback: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)


# --- public ----------------------------------------------------------------------------------


def fetch_json(
    url: str,
    policy: HttpPolicy,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
) -> FetchResult:
    """GET ``url`` and decode its JSON body. An HTML page (even with status 200), an empty or
    undecodable body raises ``FetchError("not_json")`` with the body's start as snippet.

    Pass ``session=make_session(policy)`` to reuse connections across calls; without it a
    session is made and closed for this call."""
    started = time.monotonic()
    raw = _fetch(url, policy, params, {"Accept": "application/json", **(headers or {})}, session)
    data = _decode_json(raw)
    return FetchResult(data, raw.final_url, raw.used_http_fallback, raw.status,
                       time.monotonic() - started, len(raw.body), raw.headers)


def fetch_text(
    url: str,
    policy: HttpPolicy,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    redact: Callable[[str], str] | None = None,
) -> FetchResult:
    """GET ``url`` and decode its body as text (UTF-8; undecodable bytes replaced): a CSV, say.
    What the text is (an error page, a truncated CSV) is for the caller's parser to judge.

    ``redact`` rewrites every URL and message that leaves this call (the result's
    ``final_url``, a :class:`FetchError`, the log lines of this module and of urllib3 during
    the call), for a key carried in the URL itself."""
    started = time.monotonic()
    scrub = redact or _unchanged
    with _scrubbed_logs(scrub):
        try:
            raw = _fetch(url, policy, params, {"Accept": "text/csv, text/plain;q=0.9, */*;q=0.1",
                                               **(headers or {})}, session)
        except FetchError as error:
            if redact is None:
                raise
            raise FetchError(error.kind, scrub(error.message), scrub(error.url),
                             scrub(error.snippet), error.status) from None
    text = raw.body.decode("utf-8", errors="replace")
    return FetchResult(text, scrub(raw.final_url), raw.used_http_fallback, raw.status,
                       time.monotonic() - started, len(raw.body))


def _unchanged(text: str) -> str:
    return text


class _ScrubbingFilter(logging.Filter):
    """Rewrites the records of the loggers it sits on with every active redaction, so a key in
    a URL never reaches a log handler (urllib3 writes request lines at DEBUG)."""

    def __init__(self) -> None:
        super().__init__()
        self.active: list[Callable[[str], str]] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if self.active:
            text = record.getMessage()
            for scrub in list(self.active):
                text = scrub(text)
            record.msg, record.args = text, ()
        return True


_SCRUBBER = _ScrubbingFilter()
for _name in (__name__, "urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection"):
    logging.getLogger(_name).addFilter(_SCRUBBER)


@contextlib.contextmanager
def _scrubbed_logs(scrub: Callable[[str], str]) -> Any:
    if scrub is _unchanged:
        yield
        return
    _SCRUBBER.active.append(scrub)
    try:
        yield
    finally:
        _SCRUBBER.active.remove(scrub)


def make_session(policy: HttpPolicy) -> requests.Session:
    """A session with the policy's retry rules and destination guard mounted; reuse it across
    fetches of one source."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = policy.user_agent
    adapter = _GuardedAdapter(policy, max_retries=_retry_for(policy))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_destination(url: str, policy: HttpPolicy) -> list[AddressInfo]:
    """The addresses ``url``'s host resolves to, each checked; raises FetchError unless ``url``
    is http(s) to a destination the policy allows at every one of them."""
    try:
        return _checked_addresses(destinations.target_of(url), policy)
    except Refused as refused:
        raise FetchError(refused.kind, str(refused), url) from refused  # type: ignore[arg-type]
    except _Unresolved as error:
        raise FetchError("connection", str(error), url) from error


def check_source_url(url: str, policy: HttpPolicy) -> None:
    """Raise Refused (a translatable message) when ``url`` cannot be a harvest source. A host
    that does not resolve now is let through: the fetch checks again."""
    with contextlib.suppress(_Unresolved):
        _checked_addresses(destinations.target_of(url), policy)


class _Unresolved(Exception):
    pass


def _checked_addresses(target: Origin, policy: HttpPolicy) -> list[AddressInfo]:
    allowed, invalid = destinations.parse_allowed(policy.allowed_hosts)
    if invalid:
        log.warning("ckanext.pm25.harvest.allowed_hosts: entries that allow nothing (not "
                    "scheme://host:port or a bare host): %s", ", ".join(invalid))
    services = destinations.service_endpoints(policy.portal_services)
    literal = destinations.address_of(target.host)
    if literal is not None:  # no DNS: the checked address is the address connected to
        destinations.check_address(target, literal, allowed, services,
                                   _service_addresses(services, policy))
    try:
        infos = policy.resolve(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise _Unresolved(f"cannot resolve {target.host!r}: {error}") from error
    if not infos:
        raise _Unresolved(f"{target.host!r} resolves to no address")
    service_addresses = _service_addresses(services, policy)
    for info in infos:
        destinations.check_address(target, _address(info[4][0]), allowed, services,
                                   service_addresses)
    return list(infos)


def _service_addresses(services: frozenset[destinations.Endpoint], policy: HttpPolicy,
                       ) -> frozenset[tuple[destinations.Address, int]]:
    found = set()
    for service in services:
        literal = destinations.address_of(service.host)
        if literal is not None:
            found.add((literal, service.port))
            continue
        try:
            infos = policy.resolve(service.host, service.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            continue
        found.update((_address(info[4][0]), service.port) for info in infos)
    return frozenset(found)


# --- pinned connections ----------------------------------------------------------------------


class _PinnedConnectionMixin:
    """Connects only to the addresses the guard checked for this connection's host and port.
    The host name stays the connection's host, so TLS (SNI, certificate) uses the name."""

    pinned_scheme = "http"
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def __init__(self, *args: Any, guard: Callable[[str, str, int], list[AddressInfo]],
                 **kwargs: Any) -> None:
        self._guard = guard
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        infos = self._guard(self.pinned_scheme, self.host, self.port)
        last: OSError | None = None
        for family, socktype, proto, _name, sockaddr in infos:
            sock = socket.socket(family, socktype, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is None or isinstance(self.timeout, (int, float)):
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as error:
                sock.close()
                last = error
        if isinstance(last, socket.timeout):
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})",
            ) from last
        raise urllib3.exceptions.NewConnectionError(
            self, f"Failed to establish a new connection: {last}") from last  # type: ignore[arg-type]


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pinned_scheme = "http"


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pinned_scheme = "https"


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections are pinned to addresses the policy allows."""

    def __init__(self, policy: HttpPolicy, **kwargs: Any) -> None:
        self._policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        guard = functools.partial(_guard, self._policy)
        self.poolmanager.pool_classes_by_scheme = {
            "http": functools.partial(_PinnedHTTPPool, guard=guard),
            "https": functools.partial(_PinnedHTTPSPool, guard=guard),
        }


def _guard(policy: HttpPolicy, scheme: str, host: str, port: int) -> list[AddressInfo]:
    """The checked addresses of one new connection; FetchError (not an OSError, so neither
    urllib3 nor requests retries or wraps it) when the destination is refused."""
    url = str(Origin(scheme, host, port))
    try:
        return _checked_addresses(Origin(scheme, destinations.canonical_host(host), port), policy)
    except Refused as refused:
        raise FetchError(refused.kind, str(refused), url) from refused  # type: ignore[arg-type]
    except _Unresolved as error:
        raise FetchError("connection", str(error), url) from error


# --- retries ---------------------------------------------------------------------------------


class _PolicyRetry(Retry):
    """urllib3 Retry whose waits go through an injectable sleep and are capped."""

    sleeper: Callable[[float], None] = staticmethod(time.sleep)
    max_wait: float = 120.0
    budget_ends: float | None = None
    before_retry: Callable[[], None] | None = None

    def new(self, **kw: Any) -> _PolicyRetry:
        fresh = super().new(**kw)
        fresh.sleeper = self.sleeper
        fresh.max_wait = self.max_wait
        fresh.budget_ends = self.budget_ends
        fresh.before_retry = self.before_retry
        return fresh

    def increment(self, method: str | None = None, url: str | None = None,
                  response: BaseHTTPResponse | None = None, error: Exception | None = None,
                  _pool: ConnectionPool | None = None,
                  _stacktrace: TracebackType | None = None) -> _PolicyRetry:
        following = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.budget_ends is not None and time.monotonic() >= self.budget_ends:
            raise urllib3.exceptions.MaxRetryError(
                _pool, url, _OutOfTime("the job's time budget ran out"))  # type: ignore[arg-type]
        return following

    def sleep(self, response: Any = None) -> None:
        delay: float | None = None
        if self.respect_retry_after_header and response is not None:
            delay = self.get_retry_after(response)
        if not delay:
            delay = self.get_backoff_time()
        if delay > 0:
            self.sleeper(min(delay, self.max_wait, _remaining(self.budget_ends) or delay))
        if self.before_retry is not None:
            self.before_retry()


def _retry_for(policy: HttpPolicy) -> Retry:
    retry = _PolicyRetry(
        total=policy.retries,
        connect=policy.retries,
        read=policy.retries,
        status=policy.retries,
        other=0,  # TLS and protocol errors are not transient: fail (or fall back) at once
        redirect=0,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=policy.backoff_factor,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    retry.sleeper = policy.sleep
    retry.max_wait = policy.max_retry_wait
    retry.budget_ends = policy.budget_ends
    retry.before_retry = policy.before_retry
    return retry


class _OutOfTime(Exception):
    """Why urllib3 stopped retrying: the job's time budget, not the upstream."""


def _remaining(budget_ends: float | None) -> float | None:
    """Seconds left of the budget (at least a little, so a timeout is never zero); None
    without a budget."""
    if budget_ends is None:
        return None
    return max(0.05, budget_ends - time.monotonic())


def _out_of_time(url: str) -> FetchError:
    return FetchError("out_of_time", "the job's time budget ran out", url)


# --- fetching --------------------------------------------------------------------------------


def _fetch(url: str, policy: HttpPolicy, params: Mapping[str, Any] | None,
           headers: Mapping[str, str], session: requests.Session | None) -> _RawResponse:
    own_session = session is None
    active = session or make_session(policy)
    deadline = time.monotonic() + policy.total_timeout
    if policy.budget_ends is not None:
        if time.monotonic() >= policy.budget_ends:
            raise _out_of_time(url)
        deadline = min(deadline, policy.budget_ends)
    try:
        try:
            return _follow(active, url, policy, params, headers, deadline)
        except FetchError as error:
            if not (error.kind == "tls" and policy.allow_http_fallback
                    and urlsplit(url).scheme == "https"):
                raise
            fallback_url = urlunsplit(urlsplit(url)._replace(scheme="http"))
            log.warning("TLS failed for %s (%s); falling back to %s", url, error.message,
                        fallback_url)
            raw = _follow(active, fallback_url, policy, params, headers, deadline)
            return replace(raw, used_http_fallback=True)
    finally:
        if own_session:
            active.close()


def _follow(session: requests.Session, url: str, policy: HttpPolicy,
            params: Mapping[str, Any] | None, headers: Mapping[str, str],
            deadline: float) -> _RawResponse:
    origin = _origin(url)
    current, current_params = url, params
    for _hop in range(policy.max_redirects + 1):
        _check_url(current, policy)
        hop_headers = dict(headers) if _origin(current) == origin else {}
        response = _get(session, current, current_params, hop_headers, policy)
        try:
            location = response.headers.get("Location")
            if response.status_code in REDIRECT_STATUSES and location:
                current, current_params = urljoin(response.url, location), None
                continue
            if not 200 <= response.status_code < 300:
                raise FetchError("http_status", f"HTTP {response.status_code}", response.url,
                                 _peek(response), response.status_code)
            body = _read_capped(response, policy, deadline)
            return _RawResponse(body, response.url, response.status_code,
                                response.headers.get("Content-Type", ""),
                                headers=dict(response.headers))
        finally:
            response.close()
    raise FetchError("http_status", f"more than {policy.max_redirects} redirects", url)


def _check_url(url: str, policy: HttpPolicy) -> None:
    """What can be checked of a hop before connecting: the scheme, the host and port, and a
    numeric host's address. A name's addresses are checked by the connection that uses them."""
    try:
        target = destinations.target_of(url)
        literal = destinations.address_of(target.host)
        if literal is not None:
            allowed, _ = destinations.parse_allowed(policy.allowed_hosts)
            services = destinations.service_endpoints(policy.portal_services)
            destinations.check_address(target, literal, allowed, services,
                                       _service_addresses(services, policy))
    except Refused as refused:
        raise FetchError(refused.kind, str(refused), url) from refused  # type: ignore[arg-type]


def _get(session: requests.Session, url: str, params: Mapping[str, Any] | None,
         headers: Mapping[str, str], policy: HttpPolicy) -> requests.Response:
    if not any(isinstance(adapter, _GuardedAdapter) for adapter in session.adapters.values()):
        raise TypeError("fetch with a session from make_session(policy): its connections are "
                        "the guarded ones")
    left = _remaining(policy.budget_ends)
    if left is not None and time.monotonic() >= (policy.budget_ends or 0):
        raise _out_of_time(url)  # the budget ended during a redirect
    timeouts = (policy.connect_timeout, policy.read_timeout) if left is None else (
        min(policy.connect_timeout, left), min(policy.read_timeout, left))
    try:
        return session.get(url, params=params, headers=dict(headers), stream=True,
                           allow_redirects=False, timeout=timeouts)
    except FetchError as error:  # refused by the connection's guard
        raise FetchError(error.kind, error.message, url) from error
    except requests.exceptions.RequestException as error:
        if policy.budget_ends is not None and time.monotonic() >= policy.budget_ends:
            raise _out_of_time(url) from error
        raise _classify(error, url) from error


def _read_capped(response: requests.Response, policy: HttpPolicy, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError("too_large",
                         f"Content-Length {declared} exceeds the limit of {policy.max_bytes} bytes",
                         response.url)
    chunks: list[bytes] = []
    received = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            received += len(chunk)
            if received > policy.max_bytes:
                raise FetchError("too_large",
                                 f"body exceeds the limit of {policy.max_bytes} bytes",
                                 response.url)
            if time.monotonic() > deadline:
                if policy.budget_ends is not None and time.monotonic() >= policy.budget_ends:
                    raise _out_of_time(response.url)
                raise FetchError("timeout", f"body not read within {policy.total_timeout} s",
                                 response.url)
            chunks.append(chunk)
    except requests.exceptions.RequestException as error:
        raise _classify(error, response.url) from error
    return b"".join(chunks)


def _peek(response: requests.Response) -> str:
    try:
        head = response.raw.read(SNIPPET_CHARS * 4, decode_content=True) or b""
    except Exception:  # the snippet is a courtesy; the status error is what matters
        return ""
    return head.decode("utf-8", errors="replace")[:SNIPPET_CHARS]


def _decode_json(raw: _RawResponse) -> Any:
    head = raw.body[: SNIPPET_CHARS * 4].decode("utf-8", errors="replace")[:SNIPPET_CHARS]
    stripped = raw.body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FetchError("not_json", "empty body", raw.final_url, head, raw.status)
    if stripped[:1] == b"<":
        served_as = raw.content_type or "no content type"
        raise FetchError("not_json", f"HTML/XML page with status {raw.status} ({served_as})",
                         raw.final_url, head, raw.status)
    try:
        return json.loads(stripped)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError("not_json", f"body is not JSON: {error}", raw.final_url, head,
                         raw.status) from error


# --- helpers ---------------------------------------------------------------------------------


def _classify(error: requests.exceptions.RequestException, url: str) -> FetchError:
    message = str(error)
    if isinstance(error, requests.exceptions.SSLError):
        return FetchError("tls", message, url)
    if isinstance(error, (requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema,
                          requests.exceptions.InvalidURL)):
        return FetchError("bad_scheme", message, url)
    if isinstance(error, requests.exceptions.Timeout):
        return FetchError("timeout", message, url)
    causes = list(_causes(error))
    if any(isinstance(cause, urllib3.exceptions.NewConnectionError) for cause in causes):
        return FetchError("connection", message, url)
    if any(isinstance(cause, (urllib3.exceptions.TimeoutError, socket.timeout))
           for cause in causes):
        return FetchError("timeout", message, url)
    if any(isinstance(cause, urllib3.exceptions.SSLError) for cause in causes):
        return FetchError("tls", message, url)
    return FetchError("connection", message, url)


def _causes(error: BaseException, depth: int = 0) -> list[BaseException]:
    """The error and what it wraps (args, reason, __cause__, __context__), a few levels deep."""
    if depth > 6:
        return [error]
    found = [error]
    nested: list[object] = [*error.args, getattr(error, "reason", None), error.__cause__,
                            error.__context__]
    for inner in nested:
        if isinstance(inner, BaseException) and inner is not error:
            found.extend(_causes(inner, depth + 1))
    return found


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def _address(text: str) -> destinations.Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    return destinations.embedded_ipv4(address) or address

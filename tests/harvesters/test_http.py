"""The HTTP policy against local imitation servers on 127.0.0.1: retries, limits, refusals."""
from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests

from ckanext.pm25.harvesters.http import (
    FetchError,
    HttpPolicy,
    check_destination,
    fetch_json,
    make_session,
)
from tests.upstream import AgencyCkanServer, Air4ThaiServer, ImitationServer, Reply
from tests.upstream.allowing import origin_of

LATEST = Air4ThaiServer.LATEST


class Sleeps(list[float]):
    """Records the waits the retry logic asks for, without waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def air4thai() -> Iterator[Air4ThaiServer]:
    with Air4ThaiServer() as server:
        yield server


def allowing(policy: HttpPolicy, *urls: str) -> HttpPolicy:
    """``policy`` with the servers at ``urls`` allowed by their exact origin."""
    return replace(policy, allowed_hosts=policy.allowed_hosts | set(map(origin_of, urls)))


@pytest.fixture
def policy(sleeps: Sleeps, air4thai: Air4ThaiServer) -> HttpPolicy:
    return HttpPolicy(connect_timeout=2, read_timeout=2, retries=3, backoff_factor=0.01,
                      max_bytes=1_000_000, allowed_hosts=frozenset({origin_of(air4thai.url)}),
                      sleep=sleeps)


def test_fetches_json(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    result = fetch_json(air4thai.url + LATEST, policy, params={"stationID": "35t"})
    assert [s["stationID"] for s in result.data["stations"]] == ["35t"]
    assert result.status == 200
    assert result.final_url == f"{air4thai.url}{LATEST}?stationID=35t"
    assert result.used_http_fallback is False
    (request,) = air4thai.requests
    assert request.headers["User-Agent"] == policy.user_agent
    with urllib.request.urlopen(f"{air4thai.url}{LATEST}?stationID=35t") as plain:
        assert result.bytes == len(plain.read())


def test_retries_server_errors_then_succeeds(air4thai: Air4ThaiServer, policy: HttpPolicy,
                                             sleeps: Sleeps) -> None:
    air4thai.fail_next(LATEST, 2, status=500)
    result = fetch_json(air4thai.url + LATEST, policy)
    assert result.status == 200
    assert len(air4thai.requests_to(LATEST)) == 3
    # urllib3 retries the first failure at once, then backs off: factor × 2^(n-1)
    assert list(sleeps) == [pytest.approx(0.02)]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_retries_each_transient_status(air4thai: Air4ThaiServer, policy: HttpPolicy,
                                       status: int) -> None:
    air4thai.fail_next(LATEST, 1, status=status)
    assert fetch_json(air4thai.url + LATEST, policy).status == 200
    assert len(air4thai.requests) == 2


def test_gives_up_after_the_retries(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.fail_next(LATEST, 10, status=503)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, retries=2))
    assert (raised.value.kind, raised.value.status) == ("http_status", 503)
    assert len(air4thai.requests) == 3


def test_client_errors_are_not_retried(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + "/no/such/path", policy)
    assert raised.value.kind == "http_status"
    assert "no route" in raised.value.snippet
    assert len(air4thai.requests) == 1


def test_429_honours_retry_after(air4thai: Air4ThaiServer, policy: HttpPolicy, sleeps: Sleeps) -> None:
    air4thai.rate_limit_next(LATEST, retry_after=1)
    result = fetch_json(air4thai.url + LATEST, policy)
    assert result.status == 200
    assert len(air4thai.requests) == 2
    assert sleeps == [1]  # the server's Retry-After, not the 0.01 s backoff


def test_retry_after_is_capped(air4thai: Air4ThaiServer, policy: HttpPolicy,
                               sleeps: Sleeps) -> None:
    air4thai.rate_limit_next(LATEST, retry_after=3600)
    fetch_json(air4thai.url + LATEST, replace(policy, max_retry_wait=0.2))
    assert sleeps == [0.2]


class SentTimeouts(list[Any]):
    """The timeout each request of a session's adapter was sent with (the requests adapter
    hands it to urllib3 as the connect and read timeouts of every attempt)."""

    def __init__(self, session: requests.Session) -> None:
        super().__init__()
        self.adapter = session.get_adapter("http://")
        send = self.adapter.send

        def recording_send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            self.append(kwargs.get("timeout"))
            return send(request, **kwargs)

        self.adapter.send = recording_send  # type: ignore[method-assign]


def test_read_timeout_is_bounded(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.slow_next(LATEST, seconds=5, count=10)
    quick = replace(policy, read_timeout=0.3, retries=1)
    with make_session(quick) as session:
        sent = SentTimeouts(session)
        with pytest.raises(FetchError) as raised:
            fetch_json(air4thai.url + LATEST, quick, session=session)
    assert raised.value.kind == "timeout"
    assert sent == [(2, 0.3)]
    assert sent.adapter.max_retries.read == 1
    assert len(air4thai.requests) == 2  # one retry of the idempotent GET


def test_stall_in_the_body_is_a_timeout(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.stall_next(LATEST, seconds=5)
    quick = replace(policy, read_timeout=0.3)
    with make_session(quick) as session:
        sent = SentTimeouts(session)
        with pytest.raises(FetchError) as raised:
            fetch_json(air4thai.url + LATEST, quick, session=session)
    assert raised.value.kind == "timeout"
    assert sent == [(2, 0.3)]  # the read timeout bounds each wait for the body too
    assert len(air4thai.requests) == 1  # a body already started is not re-requested


@pytest.mark.parametrize("send_length", [True, False])
def test_size_cap(air4thai: Air4ThaiServer, policy: HttpPolicy, send_length: bool) -> None:
    air4thai.oversize_next(LATEST, size=300_000, send_length=send_length)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, max_bytes=100_000))
    assert raised.value.kind == "too_large"
    assert "100000" in raised.value.message


def test_html_page_with_200_is_not_json(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.html_error_next(LATEST)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, policy)
    assert (raised.value.kind, raised.value.status) == ("not_json", 200)
    assert raised.value.snippet.startswith("<!DOCTYPE html>")
    assert len(raised.value.snippet) <= 300
    assert len(air4thai.requests) == 1


def test_truncated_json_is_not_json(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.truncate_next(LATEST)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, policy)
    assert raised.value.kind == "not_json"
    assert raised.value.snippet.startswith('{"stations"')


def test_json_served_as_text_html_is_accepted(policy: HttpPolicy) -> None:
    with ImitationServer() as server:  # PHP's default content type
        server.route("/x.php", lambda request: Reply(200, b'{"ok": 1}', "text/html"))
        assert fetch_json(server.url + "/x.php", allowing(policy, server.url)).data == {"ok": 1}


def test_loopback_is_refused_unless_allowed(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, allowed_hosts=frozenset()))
    assert raised.value.kind == "refused_host"
    assert air4thai.requests == []


def test_allowed_by_host_name(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    url = f"http://localhost:{air4thai.port}{LATEST}"
    with pytest.raises(FetchError) as raised:
        fetch_json(url, replace(policy, allowed_hosts=frozenset()))
    assert raised.value.kind == "refused_host"
    by_name = replace(policy, allowed_hosts=frozenset({f"http://LOCALHOST:{air4thai.port}"}))
    assert fetch_json(url, by_name).status == 200


def test_a_bare_host_allows_its_default_ports_only(air4thai: Air4ThaiServer,
                                                   policy: HttpPolicy) -> None:
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, allowed_hosts=frozenset({"127.0.0.1"})))
    assert raised.value.kind == "refused_host"
    assert air4thai.requests == []


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.1", "169.254.169.254", "224.0.0.1",
                                     "0.0.0.0", "::1", "fe80::1", "::ffff:127.0.0.1",
                                     "100.64.0.1", "240.0.0.1", "203.0.113.9"])
def test_internal_addresses_refused(policy: HttpPolicy, address: str) -> None:
    with pytest.raises(FetchError) as raised:
        host = f"[{address}]" if ":" in address else address
        check_destination(f"http://{host}/", replace(policy, allowed_hosts=frozenset(),
                                                     resolve=fake_dns(address)))
    assert raised.value.kind == "refused_host"


def fake_dns(*addresses: str):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int, **_: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in addresses]
    return resolve


def test_every_resolved_address_is_checked(policy: HttpPolicy) -> None:
    mixed = replace(policy, resolve=fake_dns("1.1.1.1", "8.8.8.8", "10.0.0.5"))
    with pytest.raises(FetchError) as raised:
        check_destination("https://air4thai.example/", mixed)
    assert "10.0.0.5" in raised.value.message
    check_destination("https://air4thai.example/", replace(policy, resolve=fake_dns("8.8.8.8")))


def test_unresolvable_host_is_a_connection_error(policy: HttpPolicy) -> None:
    def no_dns(*_: object, **__: object) -> list[tuple[object, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    with pytest.raises(FetchError) as raised:
        check_destination("http://no-such-host.invalid/", replace(policy, resolve=no_dns))
    assert raised.value.kind == "connection"


def test_redirect_to_a_refused_host_is_refused(air4thai: Air4ThaiServer,
                                               policy: HttpPolicy) -> None:
    air4thai.redirect_next(LATEST, "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, policy)
    assert raised.value.kind == "refused_host"
    assert raised.value.url.startswith("http://169.254.169.254/")


def test_redirects_are_followed_and_rechecked(air4thai: Air4ThaiServer,
                                              policy: HttpPolicy) -> None:
    with AgencyCkanServer() as other:
        air4thai.redirect_next(LATEST, f"{other.url}{other.SEARCH}?rows=1", status=301)
        result = fetch_json(air4thai.url + LATEST, allowing(policy, other.url),
                            headers={"X-API-Key": "secret"})
        assert result.final_url == f"{other.url}{other.SEARCH}?rows=1"
        assert len(result.data["result"]["results"]) == 1
        # a different origin does not receive the caller's credentials
        assert air4thai.requests[0].headers["X-API-Key"] == "secret"
        assert "X-API-Key" not in other.requests[0].headers


def test_relative_redirect_keeps_headers(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.redirect_next("/old.php", LATEST, status=308)
    result = fetch_json(air4thai.url + "/old.php", policy, headers={"X-API-Key": "secret"})
    assert result.final_url == air4thai.url + LATEST
    assert [r.headers.get("X-API-Key") for r in air4thai.requests] == ["secret", "secret"]


def test_redirect_loop_is_bounded(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.redirect_next(LATEST, LATEST, count=50)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, max_redirects=3))
    assert raised.value.kind == "http_status"
    assert len(air4thai.requests) == 4


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/data.json", "file:///etc/passwd",
                                 "gopher://127.0.0.1:70/", "127.0.0.1/no-scheme", "http:///x"])
def test_non_http_urls_refused(policy: HttpPolicy, url: str) -> None:
    with pytest.raises(FetchError) as raised:
        fetch_json(url, policy)
    assert raised.value.kind == "bad_scheme"


def test_connection_refused(policy: HttpPolicy) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(FetchError) as raised:
        fetch_json(url, allowing(replace(policy, retries=1), url))
    assert raised.value.kind == "connection"


@pytest.fixture
def tls_air4thai() -> Iterator[Air4ThaiServer]:
    with Air4ThaiServer(tls=True) as server:
        yield server


def test_self_signed_certificate_is_a_tls_error(tls_air4thai: Air4ThaiServer,
                                                policy: HttpPolicy) -> None:
    assert tls_air4thai.url.startswith("https://")
    with pytest.raises(FetchError) as raised:
        fetch_json(tls_air4thai.url + LATEST, allowing(policy, tls_air4thai.url))
    assert raised.value.kind == "tls"
    assert tls_air4thai.requests == []  # never got as far as an HTTP request


def test_http_fallback_when_allowed(tls_air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    both = allowing(policy, tls_air4thai.url, tls_air4thai.http_url)
    result = fetch_json(tls_air4thai.url + LATEST, replace(both, allow_http_fallback=True))
    assert result.used_http_fallback is True
    assert result.final_url == tls_air4thai.http_url + LATEST
    assert len(result.data["stations"]) == 9


def test_fallback_is_only_for_tls_errors(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    air4thai.html_error_next(LATEST)
    with pytest.raises(FetchError) as raised:
        fetch_json(air4thai.url + LATEST, replace(policy, allow_http_fallback=True))
    assert raised.value.kind == "not_json"


def test_shared_session(air4thai: Air4ThaiServer, policy: HttpPolicy) -> None:
    session = make_session(policy)
    with session:
        for _ in range(3):
            assert fetch_json(air4thai.url + LATEST, policy, session=session).status == 200
    assert len(air4thai.requests) == 3

"""The SSRF suite: every kind of refused destination a harvest source URL (or a redirect, or a
DNS answer) can name leads to no connection at all, proven by plain TCP listeners on loopback
that record every connection made to them.

The listeners stand for what must never be reached: another port of an allowed host, the
portal's Solr, Redis and PostgreSQL, the portal itself. A connection the kernel completed sits
in a listener's backlog until accepted, so draining the backlog after the fetch counts every
connection made, without threads or waiting.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from ckanext.pm25.harvesters.http import (
    FetchError,
    HttpPolicy,
    check_destination,
    fetch_json,
)
from tests.upstream import Air4ThaiServer
from tests.upstream.allowing import origin_of

LATEST = Air4ThaiServer.LATEST


class Listener:
    """A TCP socket listening on ``host:port`` that accepts nothing until asked how many
    connections reached it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.hits = 0

    def connections(self) -> int:
        """Connections made to this listener so far."""
        while True:
            try:
                accepted, _ = self.sock.accept()
            except BlockingIOError:
                return self.hits
            accepted.close()
            self.hits += 1

    def close(self) -> None:
        self.sock.close()


@dataclass
class Stage:
    """An allowed imitation server and the listeners that must never be reached."""

    allowed: Air4ThaiServer
    other_port: Listener       # 127.0.0.1, another port of the allowed host
    other_address: Listener    # 127.0.0.2, the allowed server's port on another loopback address
    ipv6: Listener             # [::1]
    solr: Listener
    redis: Listener
    postgres: Listener
    datastore: Listener
    site: Listener

    @property
    def listeners(self) -> list[Listener]:
        return [self.other_port, self.other_address, self.ipv6, self.solr, self.redis,
                self.postgres, self.datastore, self.site]

    def policy(self, *extra_allowed: str) -> HttpPolicy:
        """The allowed server by its exact origin, the portal services on the listeners, and
        those services allow-listed too (the allow-list never opens them)."""
        services = {f"http://127.0.0.1:{self.solr.port}/solr/ckan",
                    f"redis://127.0.0.1:{self.redis.port}/1",
                    f"postgresql://ckan_default:pass@127.0.0.1:{self.postgres.port}/ckan_test",
                    f"postgresql://datastore_default:pass@localhost:{self.datastore.port}/ds",
                    f"http://127.0.0.1:{self.site.port}"}
        allowed = {origin_of(self.allowed.url), *(origin_of(url) for url in services
                                                  if url.startswith("http")),
                   f"http://127.0.0.1:{self.redis.port}", f"http://127.0.0.1:{self.postgres.port}",
                   *extra_allowed}
        return HttpPolicy(connect_timeout=1, read_timeout=1, retries=0, backoff_factor=0,
                          max_redirects=3, allowed_hosts=frozenset(allowed),
                          portal_services=frozenset(services))

    def format(self, template: str) -> str:
        return template.format(A=self.allowed.port, L=self.other_port.port, L6=self.ipv6.port,
                               S=self.solr.port, R=self.redis.port, P=self.postgres.port,
                               D=self.datastore.port, W=self.site.port)

    def hits(self) -> dict[str, int]:
        return {f"{listener.host}:{listener.port}": listener.connections()
                for listener in self.listeners if listener.connections()}


@pytest.fixture
def stage() -> Iterator[Stage]:
    with Air4ThaiServer() as allowed:
        listeners = [Listener(), Listener("127.0.0.2", allowed.port), Listener("::1"),
                     *(Listener() for _ in range(5))]
        try:
            yield Stage(allowed, *listeners)
        finally:
            for listener in listeners:
                listener.close()


# (id, URL template, extra allow-list entries). {A}: the allowed server's port; {L}: another
# port on 127.0.0.1; {L6}: a port on [::1]; {S} Solr, {R} Redis, {P} PostgreSQL, {D} DataStore,
# {W} the portal itself.
DIRECT = [
    ("another-port-of-the-allowed-host", "http://127.0.0.1:{L}/", ()),
    ("bare-host-entry-means-default-ports", "http://127.0.0.1:{L}/", ("127.0.0.1", "localhost")),
    ("entry-of-another-scheme", "http://127.0.0.1:{L}/", ("https://127.0.0.1:{L}",)),
    ("allowed-port-on-another-loopback-address", "http://127.0.0.2:{A}/", ()),
    ("localhost-name", "http://localhost:{L}/", ()),
    ("localhost-upper-case-trailing-dot", "http://LOCALHOST.:{L}/", ()),
    ("short-form-127.1", "http://127.1:{L}/", ()),
    ("hexadecimal-0x7f000001", "http://0x7f000001:{L}/", ()),
    ("decimal-2130706433", "http://2130706433:{L}/", ()),
    ("octal-017700000001", "http://017700000001:{L}/", ()),
    ("dotted-octal-0177.0.0.1", "http://0177.0.0.1:{L}/", ()),
    ("dotted-hex-0x7f.0.0.1", "http://0x7f.0.0.1:{L}/", ()),
    ("unspecified-0.0.0.0", "http://0.0.0.0:{L}/", ()),
    ("ipv4-mapped-ipv6", "http://[::ffff:127.0.0.1]:{L}/", ()),
    ("ipv4-mapped-ipv6-hex", "http://[::ffff:7f00:1]:{L}/", ()),
    ("ipv4-compatible-6to4", "http://[2002:7f00:1::]:{L}/", ()),
    ("nat64-embedded-loopback", "http://[64:ff9b::7f00:1]:{L}/", ()),
    ("ipv6-loopback", "http://[::1]:{L6}/", ()),
    ("ipv6-loopback-long-form", "http://[0:0:0:0:0:0:0:1]:{L6}/", ()),
    ("ipv6-loopback-zone-id", "http://[::1%25lo]:{L6}/", ()),
    ("ipv6-unspecified", "http://[::]:{L6}/", ()),
    ("userinfo-naming-the-allowed-origin", "http://127.0.0.1:{A}@127.0.0.1:{L}/", ()),
    ("userinfo-naming-a-public-host", "http://pm25.example.org@127.0.0.1:{L}/", ()),
    ("portal-solr-select-allow-listed", "http://127.0.0.1:{S}/solr/ckan/select?q=*:*&wt=json", ()),
    ("portal-solr-admin-by-name", "http://localhost:{S}/solr/admin/cores?action=STATUS", ()),
    ("portal-solr-port-via-0.0.0.0", "http://0.0.0.0:{S}/solr/ckan/select", ()),
    ("portal-redis-port-allow-listed", "http://127.0.0.1:{R}/", ()),
    ("portal-postgresql-port-allow-listed", "http://127.0.0.1:{P}/", ()),
    ("portal-datastore-port-named-localhost", "http://127.0.0.1:{D}/", ()),
    ("portal-site-url-allow-listed", "http://127.0.0.1:{W}/api/3/action/package_search", ()),
    ("scheme-file", "file:///etc/passwd", ()),
    ("scheme-ftp", "ftp://127.0.0.1:{L}/", ()),
    ("scheme-gopher", "gopher://127.0.0.1:{L}/_INFO%0d%0a", ()),
    ("scheme-dict", "dict://127.0.0.1:{L}/info", ()),
    ("scheme-data", "data:application/json,{{}}", ()),
    ("no-scheme", "//127.0.0.1:{L}/", ()),
]


@pytest.mark.parametrize("template, extra", [(t, e) for _, t, e in DIRECT],
                         ids=[kind for kind, _, _ in DIRECT])
def test_a_refused_destination_is_never_connected_to(stage: Stage, template: str,
                                                     extra: tuple[str, ...]) -> None:
    url = stage.format(template)
    policy = stage.policy(*(stage.format(entry) for entry in extra))
    with pytest.raises(FetchError) as raised:
        fetch_json(url, policy)
    assert raised.value.kind in ("refused_host", "bad_scheme"), raised.value
    assert stage.hits() == {}
    assert stage.allowed.requests == []


REDIRECTS = [
    ("302-absolute-to-another-port", 302, "http://127.0.0.1:{L}/"),
    ("307-absolute-to-ipv6-loopback", 307, "http://[::1]:{L6}/"),
    ("308-to-a-numeric-form", 308, "http://2130706433:{L}/"),
    ("301-to-localhost", 301, "http://localhost:{L}/"),
    ("303-to-portal-solr", 303, "http://127.0.0.1:{S}/solr/ckan/select?q=*:*"),
    ("302-scheme-relative", 302, "//127.0.0.1:{L}/"),
    ("302-to-the-portal-itself", 302, "http://127.0.0.1:{W}/api/3/action/status_show"),
    ("302-userinfo-trick", 302, "http://127.0.0.1:{A}@127.0.0.1:{L}/"),
    ("302-scheme-change-to-file", 302, "file:///etc/passwd"),
    ("307-scheme-change-to-gopher", 307, "gopher://127.0.0.1:{R}/_FLUSHALL"),
]


@pytest.mark.parametrize("status, location", [(s, loc) for _, s, loc in REDIRECTS],
                         ids=[kind for kind, _, _ in REDIRECTS])
def test_a_redirect_to_a_refused_destination_is_not_followed(stage: Stage, status: int,
                                                             location: str) -> None:
    stage.allowed.redirect_next(LATEST, stage.format(location), status=status)
    with pytest.raises(FetchError) as raised:
        fetch_json(stage.allowed.url + LATEST, stage.policy())
    assert raised.value.kind in ("refused_host", "bad_scheme"), raised.value
    assert stage.hits() == {}
    assert len(stage.allowed.requests) == 1  # the redirecting hop, and nothing after it


def test_a_relative_redirect_stays_on_the_allowed_origin(stage: Stage) -> None:
    stage.allowed.redirect_next("/old.php", LATEST, status=302)
    assert fetch_json(stage.allowed.url + "/old.php", stage.policy()).status == 200
    assert stage.hits() == {}


class RebindingDns:
    """A DNS that answers ``first`` to the first question about ``name``, ``then`` to every
    later one; numeric hosts and other names go to the system resolver."""

    def __init__(self, name: str, first: list[str], then: list[str]) -> None:
        self.name, self.first, self.then = name, first, then
        self.questions = 0
        self.system = socket.getaddrinfo

    def __call__(self, host: object, port: object, *args: object, **kwargs: object,
                 ) -> list[tuple[object, ...]]:
        if host != self.name:
            return self.system(host, port, *args, **kwargs)  # type: ignore[arg-type]
        self.questions += 1
        answers = self.first if self.questions == 1 else self.then
        return [(socket.AF_INET6 if ipaddress.ip_address(a).version == 6 else socket.AF_INET,
                 socket.SOCK_STREAM, 6, "", (a, port)) for a in answers]


def _rebinding(monkeypatch: pytest.MonkeyPatch, stage: Stage, first: list[str],
               then: list[str]) -> tuple[RebindingDns, HttpPolicy]:
    """The same rebinding DNS for the policy's check and for anything that asks the system."""
    dns = RebindingDns("rebind.pm25.test", first, then)
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    return dns, replace(stage.policy(), resolve=dns)


def test_dns_rebinding_after_the_check_cannot_redirect_the_connection(
        stage: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    dns, policy = _rebinding(monkeypatch, stage, ["127.0.0.1"], ["127.0.0.2"])
    result = fetch_json(f"http://rebind.pm25.test:{stage.allowed.port}{LATEST}", policy)
    assert result.status == 200
    assert dns.questions == 1  # resolved once: the checked answer is the one connected to
    assert len(stage.allowed.requests) == 1
    assert stage.hits() == {}


def test_a_new_connection_is_checked_against_its_own_answer(
        stage: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    _, policy = _rebinding(monkeypatch, stage, ["127.0.0.1"], ["127.0.0.2"])
    url = f"http://rebind.pm25.test:{stage.allowed.port}{LATEST}"
    fetch_json(url, policy)
    with pytest.raises(FetchError) as raised:  # a fresh session: a new connection, a new answer
        fetch_json(url, policy)
    assert raised.value.kind == "refused_host"
    assert stage.hits() == {}


@pytest.mark.parametrize("answers", [["127.0.0.2"], ["127.0.0.1", "127.0.0.2"],
                                     ["127.0.0.2", "127.0.0.1"]],
                         ids=["refused-answer", "allowed-then-refused", "refused-then-allowed"])
def test_every_resolved_address_is_checked_before_any_connection(
        stage: Stage, monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
    _, policy = _rebinding(monkeypatch, stage, answers, answers)
    with pytest.raises(FetchError) as raised:
        fetch_json(f"http://rebind.pm25.test:{stage.allowed.port}{LATEST}", policy)
    assert raised.value.kind == "refused_host"
    assert stage.hits() == {}
    assert stage.allowed.requests == []


def test_the_allowed_origin_still_answers(stage: Stage) -> None:
    result = fetch_json(stage.allowed.url + LATEST, stage.policy())
    assert len(result.data["stations"]) == 9
    assert stage.hits() == {}


def test_an_allow_list_entry_by_name_allows_that_name_at_that_port_only(stage: Stage) -> None:
    by_name = replace(stage.policy(), allowed_hosts=frozenset({
        f"http://localhost:{stage.allowed.port}"}))
    assert check_destination(f"http://localhost:{stage.allowed.port}/", by_name)
    with pytest.raises(FetchError):
        check_destination(f"http://localhost:{stage.other_port.port}/", by_name)
    with pytest.raises(FetchError):
        check_destination(f"https://localhost:{stage.allowed.port}/", by_name)
    assert stage.hits() == {}


"""Where a harvester may connect: the destination policy. Pure: no CKAN imports, no network.

- A URL's host is normalised before anything is compared: IPv6 brackets and zone ids go,
  names lose case and trailing dots, and numeric IPv4 forms (``127.1``, ``0x7f000001``,
  ``2130706433``, ``017700000001``) become the address the C resolver would make of them;
  an IPv4 address carried in IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64) is checked as IPv4.
- Only ``http`` and ``https`` URLs are destinations.
- A non-public address (private, loopback, link-local, reserved, unspecified…) is contacted
  only through an allow-list entry of the same scheme, host and port (:func:`parse_allowed`:
  ``scheme://host:port``; a bare host stands for ``http://host:80`` and ``https://host:443``).
  An entry naming a host allows the addresses that name resolves to; an entry naming an
  address allows that address whatever name led to it.
- The portal's own services (:func:`service_endpoints`: Solr, Redis, PostgreSQL, the site
  itself) are never a destination, allow-listed or not: their host and port, their addresses
  on that port, and that port on every loopback address.

Refusals are :class:`Refused` with an English msgid and parameters, for the CKAN side to
translate.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

HTTP_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443, "postgresql": 5432, "postgres": 5432,
                 "redis": 6379, "rediss": 6379}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_V4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it here."""
    return message


class Refused(ValueError):
    """A destination the policy does not allow. ``kind``: ``bad_scheme`` (not an http(s) URL
    with a host and a valid port) or ``refused_host``."""

    def __init__(self, kind: str, message: str, **params: object) -> None:
        self.kind = kind
        self.msgid = message
        self.params = params
        super().__init__(message % params)


@dataclass(frozen=True)
class Origin:
    """A scheme, a canonical host (see :func:`canonical_host`) and a port."""

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@dataclass(frozen=True)
class Endpoint:
    """A service the portal itself uses: a canonical host and a port."""

    host: str
    port: int


# --- hosts -----------------------------------------------------------------------------------


def address_of(host: str) -> Address | None:
    """The address a host text stands for, in any numeric form, or None for a name."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0].rstrip(".")  # an IPv6 zone id (%25 in URLs is decoded to %)
    try:
        address: Address = ipaddress.ip_address(text)
    except ValueError:
        if not _NUMERIC_V4.match(text):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return embedded_ipv4(address) or address


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def canonical_host(host: str) -> str:
    """An address as its standard text, or a name in lower case without a trailing dot."""
    address = address_of(host)
    if address is not None:
        return str(address)
    return host.strip().strip("[]").lower().rstrip(".")


def is_internal(address: Address) -> bool:
    """Whether ``address`` is anything but a public unicast address."""
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_reserved or address.is_multicast or address.is_unspecified
            or not address.is_global)


def _is_local(address: Address) -> bool:
    """An address that reaches this machine itself (0.0.0.0 connects to the local host)."""
    return address.is_loopback or address.is_unspecified


# --- URLs ------------------------------------------------------------------------------------


def target_of(url: str) -> Origin:
    """The origin an http(s) URL points at, its host normalised; raises Refused otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused("bad_scheme", N_("The URL %(url)s is not valid: %(error)s"),
                      url=url, error=str(error)) from error
    if parts.scheme not in HTTP_SCHEMES:
        raise Refused("bad_scheme", N_("Only http:// and https:// URLs can be harvested, not "
                                       "%(url)s"), url=url)
    if not parts.hostname:
        raise Refused("bad_scheme", N_("The URL %(url)s has no host"), url=url)
    return Origin(parts.scheme, canonical_host(parts.hostname),
                  port if port is not None else DEFAULT_PORTS[parts.scheme])


def parse_allowed(entries: Iterable[str]) -> tuple[frozenset[Origin], list[str]]:
    """The origins of ``ckanext.pm25.harvest.allowed_hosts`` entries, and the entries that are
    not ``scheme://host[:port]`` or a bare host (those allow nothing)."""
    origins: set[Origin] = set()
    invalid: list[str] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        if "://" not in text:
            if (":" in text.strip("[]") and address_of(text) is None) or "/" in text:
                invalid.append(entry)  # host:port without a scheme is ambiguous
                continue
            host = canonical_host(text)
            origins.update({Origin("http", host, 80), Origin("https", host, 443)})
            continue
        parts = urlsplit(text)
        try:
            origin = target_of(text)
        except Refused:
            invalid.append(entry)
            continue
        if parts.path not in ("", "/") or parts.query or parts.username is not None:
            invalid.append(entry)
            continue
        origins.add(origin)
    return frozenset(origins), invalid


def service_endpoints(urls: Iterable[str]) -> frozenset[Endpoint]:
    """The host and port of each service URL (``scheme://[user[:password]@]host[:port]/…``,
    several ``host:port`` separated by commas as libpq allows). URLs without a host (a Unix
    socket) or with an unknown scheme and no port give nothing."""
    endpoints: set[Endpoint] = set()
    for url in urls:
        parts = urlsplit((url or "").strip())
        scheme = parts.scheme.split("+", 1)[0]
        hosts = parts.netloc.rpartition("@")[2]
        for hostport in filter(None, hosts.split(",")):
            host, port = _split_hostport(hostport, DEFAULT_PORTS.get(scheme))
            if host and port:
                endpoints.add(Endpoint(canonical_host(host), port))
    return frozenset(endpoints)


def _split_hostport(text: str, default: int | None) -> tuple[str, int | None]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = text.partition(":")
    if port_text:
        return host, int(port_text) if port_text.isdigit() else None
    return host, default


# --- the check -------------------------------------------------------------------------------


def check_address(target: Origin, address: Address, allowed: frozenset[Origin],
                  services: frozenset[Endpoint],
                  service_addresses: frozenset[tuple[Address, int]] = frozenset()) -> None:
    """Raise Refused unless ``target`` may be contacted at ``address`` (one of the addresses its
    host resolved to). ``service_addresses``: the services' hosts resolved, with their ports."""
    checked = embedded_ipv4(address) or address
    service_ports = {service.port for service in services}
    if target.port in service_ports and (
            Endpoint(target.host, target.port) in services
            or (checked, target.port) in service_addresses
            or Endpoint(str(checked), target.port) in services
            or _is_local(checked)
            or (isinstance(address, ipaddress.IPv6Address) and _is_local(address))):
        raise Refused("refused_host", N_("%(origin)s is one of this portal's own services and "
                                         "is never harvested"), origin=str(target))
    if not (is_internal(checked) or is_internal(address)):
        return
    if Origin(target.scheme, target.host, target.port) in allowed \
            or Origin(target.scheme, str(checked), target.port) in allowed:
        return
    raise Refused("refused_host", N_("%(origin)s is a non-public address (%(address)s) that "
                                     "ckanext.pm25.harvest.allowed_hosts does not list"),
                  origin=str(target), address=str(checked))

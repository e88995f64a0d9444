"""A local imitation HTTP server on 127.0.0.1 with a request log and switchable faults.

Subclasses register routes (path → handler returning a :class:`Reply`). Faults are queued per
path (or ``"*"`` for any path) and consumed one request at a time, before the route runs:

    with Air4ThaiServer() as server:
        server.fail_next(Air4ThaiServer.LATEST, 2)          # two HTTP 500s, then normal
        server.rate_limit_next(Air4ThaiServer.LATEST, retry_after=1)
        fetch(server.url + Air4ThaiServer.LATEST)

With ``tls=True`` the same port speaks both TLS (self-signed certificate) and plain HTTP,
so ``.url`` is ``https://…`` and ``.http_url`` is ``http://…`` on the same port: that is how
a client's https → http fallback is exercised.
"""
from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from ckanext.pm25.demo.upstream.certificates import self_signed_certificate

HOST = "127.0.0.1"
HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>"
    "<body><h1>ระบบขัดข้องชั่วคราว</h1><p>Database connection failed. Please try again later.</p>"
    "</body></html>"
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    send_length: bool = True
    # Send this many body bytes, then stall for stall_seconds before the rest.
    stall_after: int | None = None
    stall_seconds: float = 0.0

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass
class Fault:
    """One queued misbehaviour. ``kind``: status, rate_limit, slow (before the headers), stall
    (in the middle of the body), truncate, html, redirect, oversize."""

    kind: str
    remaining: int = 1
    status: int = 500
    retry_after: str = "1"
    delay: float = 0.0
    location: str = ""
    size: int = 0
    send_length: bool = True


Route = Callable[[RecordedRequest], Reply]

ServerT = TypeVar("ServerT", bound="ImitationServer")


class ImitationServer:
    """Threaded HTTP server in a background thread. Use as a context manager or start()/stop()."""

    def __init__(self, *, tls: bool = False) -> None:
        self._routes: dict[str, Route] = {}
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._tls = tls
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self: ServerT) -> ServerT:
        context = _server_tls_context() if self._tls else None
        self._httpd = _Server(self, context)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self._tls else 'http'}://{HOST}:{self.port}"

    @property
    def http_url(self) -> str:
        """Plain-http URL of the same port (the fallback target of a TLS server)."""
        return f"http://{HOST}:{self.port}"

    # --- request log -------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    # --- routes and faults -------------------------------------------------------------------

    def route(self, path: str, handler: Route) -> None:
        self._routes[path] = handler

    def add_fault(self, path: str, fault: Fault) -> None:
        with self._lock:
            self._faults[path].append(fault)

    def fail_next(self, path: str, count: int = 1, status: int = 500) -> None:
        self.add_fault(path, Fault("status", count, status=status))

    def rate_limit_next(self, path: str, retry_after: int | str = 1, count: int = 1) -> None:
        self.add_fault(path, Fault("rate_limit", count, status=429, retry_after=str(retry_after)))

    def slow_next(self, path: str, seconds: float, count: int = 1) -> None:
        self.add_fault(path, Fault("slow", count, delay=seconds))

    def stall_next(self, path: str, seconds: float, count: int = 1) -> None:
        """Send the headers and half the body, then go quiet for ``seconds``."""
        self.add_fault(path, Fault("stall", count, delay=seconds))

    def truncate_next(self, path: str, count: int = 1) -> None:
        self.add_fault(path, Fault("truncate", count))

    def html_error_next(self, path: str, count: int = 1, status: int = 200) -> None:
        self.add_fault(path, Fault("html", count, status=status))

    def redirect_next(self, path: str, location: str, count: int = 1, status: int = 302) -> None:
        self.add_fault(path, Fault("redirect", count, status=status, location=location))

    def oversize_next(self, path: str, size: int, count: int = 1,
                      send_length: bool = True) -> None:
        self.add_fault(path, Fault("oversize", count, size=size, send_length=send_length))

    # --- dispatch (server threads) -----------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for key in (path, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        queue.popleft()
                    return fault
        return None

    def _dispatch(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._log.append(request)
        fault = self._take_fault(request.path)
        if fault is not None and fault.kind not in ("slow", "stall", "truncate"):
            return _fault_reply(fault)
        handler = self._routes.get(request.path)
        reply = handler(request) if handler else Reply.json(
            {"error": f"no route {request.path}"}, status=404)
        if fault is not None and fault.kind == "slow":
            reply.delay = fault.delay
        if fault is not None and fault.kind == "stall":
            reply.stall_after, reply.stall_seconds = len(reply.body) // 2, fault.delay
        if fault is not None and fault.kind == "truncate":
            reply.body = reply.body[: max(1, len(reply.body) // 2)]
        return reply

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "status":
        return Reply.json({"error": "internal error"}, status=fault.status)
    if fault.kind == "rate_limit":
        return Reply(429, b'{"error": "rate limited"}', headers={"Retry-After": fault.retry_after})
    if fault.kind == "html":
        return Reply(fault.status, HTML_ERROR_PAGE.encode("utf-8"), "text/html; charset=UTF-8")
    if fault.kind == "redirect":
        return Reply(fault.status, b"", "text/plain", headers={"Location": fault.location})
    if fault.kind == "oversize":
        body = b'{"padding": "' + b"x" * fault.size + b'"}'
        return Reply(200, body, send_length=fault.send_length)
    raise ValueError(f"unknown fault {fault.kind}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10

    def do_GET(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        request = RecordedRequest("GET", parts.path, parse_qs(parts.query, keep_blank_values=True),
                                  {k: v for k, v in self.headers.items()}, time.monotonic())
        reply = owner._dispatch(request)
        if reply.delay:
            owner._wait(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.send_length:
                self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if reply.stall_after is not None:
                self.wfile.write(reply.body[: reply.stall_after])
                self.wfile.flush()
                owner._wait(reply.stall_seconds)
                self.wfile.write(reply.body[reply.stall_after:])
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (timeout, size cap): expected in fault tests

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: ImitationServer, tls_context: ssl.SSLContext | None) -> None:
        self.owner = owner
        self.tls_context = tls_context
        super().__init__((HOST, 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls_context is None:
            super().finish_request(request, client_address)
            return
        # Same port, both protocols: a TLS ClientHello starts with byte 0x16.
        request.settimeout(5)
        try:
            first = request.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if first != b"\x16":
            request.settimeout(None)
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate
        try:
            wrapped.settimeout(None)
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-response are part of the tests


def _server_tls_context() -> ssl.SSLContext:
    cert_file, key_file = self_signed_certificate()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context

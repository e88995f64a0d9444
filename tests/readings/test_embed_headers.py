"""The widget's headers as they leave the portal (readings/embed_headers.py), on a bare WSGI app."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ckanext.pm25.readings.embed_headers import MARK, POLICY, EmbedHeaders, embed_headers

CKAN_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "private"),
    ("Pragma", "no-cache"),
    ("Vary", "Cookie, Accept-Encoding"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Set-Cookie", "ckan=abc; HttpOnly; Path=/"),
    ("Set-Cookie", "remember_token=x; Path=/"),
]


def test_public_for_max_age_without_cookies_and_framable() -> None:
    assert embed_headers(CKAN_HEADERS, 300) == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Vary", "Accept-Encoding"),
        ("Cache-Control", "public, max-age=300"),
        ("Content-Security-Policy", POLICY),
    ]
    assert "frame-ancestors *" in POLICY and "script-src" not in POLICY


def test_a_vary_on_cookie_alone_goes() -> None:
    assert ("Vary", "Cookie") not in embed_headers([("Vary", "Cookie")], 60)
    assert not [name for name, _ in embed_headers([("Vary", "Cookie")], 60) if name == "Vary"]


def run(app: EmbedHeaders, environ: dict[str, Any]) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen.extend(headers)

    b"".join(app(environ, start_response))
    return seen


def test_only_marked_requests_change() -> None:
    def inner(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/pm25/embed/TH-52":
            environ[MARK] = 120  # as the view does, before the response starts
        start_response("200 OK", list(CKAN_HEADERS))
        return [b"ok"]

    app = EmbedHeaders(inner)
    assert run(app, {"PATH_INFO": "/pm25"}) == CKAN_HEADERS
    marked = dict(run(app, {"PATH_INFO": "/pm25/embed/TH-52"}))
    assert marked["Cache-Control"] == "public, max-age=120" and "Set-Cookie" not in marked

"""The headers of the embeddable widget's responses, set as they leave the portal. Pure: no CKAN.

CKAN's own after-request handler runs after every view and blueprint handler (it sets
``Cache-Control`` from ``ckan.cache_expires``, private for a logged-in user), and the session is
saved after it (a logged-in user's session cookie is refreshed on every response). A widget's
page is the same for everyone and is served to other sites, so its final headers are settled
below all of that, in a WSGI wrapper around the Flask application: public for ``max_age``
seconds, no cookie (a shared cache must never store one), framable by any site and loading
nothing itself (:data:`POLICY`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

MARK = "ckanext.pm25.embed.max_age"
"""The WSGI environ key a widget view sets (to the max-age in seconds) to ask for these headers."""

_DROPPED = {"set-cookie", "x-frame-options", "cache-control", "pragma", "expires", "content-security-policy"}

POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
"""Any site may frame the widget; the widget itself loads nothing and runs no script."""

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]


def embed_headers(headers: Iterable[tuple[str, str]], max_age: int) -> Headers:
    """``headers`` with no cookie, no framing refusal, and cacheable by anyone for ``max_age``
    seconds; ``Vary`` keeps everything but ``Cookie`` (the response does not depend on it)."""
    kept: Headers = []
    for name, value in headers:
        lower = name.lower()
        if lower in _DROPPED:
            continue
        if lower == "vary":
            value = ", ".join(part.strip() for part in value.split(",")
                              if part.strip() and part.strip().lower() != "cookie")
            if not value:
                continue
        kept.append((name, value))
    kept.append(("Cache-Control", f"public, max-age={max(int(max_age), 0)}"))
    kept.append(("Content-Security-Policy", POLICY))
    return kept


class EmbedHeaders:
    """WSGI middleware: a response whose request carries :data:`MARK` leaves with
    :func:`embed_headers`; every other response passes untouched."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: Headers, exc_info: Any = None) -> Any:
            max_age = environ.get(MARK)
            if max_age is not None:
                headers = embed_headers(headers, max_age)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return self.app(environ, start)

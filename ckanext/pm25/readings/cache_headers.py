"""HTTP caching of the readings' pages, API answers and downloads: their validator and their final
headers, set as they leave the portal. Pure: no CKAN.

A response's cacheability is decided per request (``http_cache.py`` puts a :class:`CachePolicy`
in the WSGI environ under :data:`MARK`) and settled here, below CKAN's after-request handler
(which rewrites ``Cache-Control`` from ``ckan.cache_expires``) and the session's save (which sets
a cookie on anonymous requests too, for the CSRF token every page carries), as
``embed_headers.EmbedHeaders`` does for the widget:

- anonymous (``shared``): ``Cache-Control: public, max-age=…``, the validator (a weak ``ETag``
  and ``Last-Modified``), ``Vary: Cookie``, and no ``Set-Cookie`` (a shared cache must never
  store one; the token it would have carried belongs to a session nobody received);
- anyone else (logged in, an API token, a flash message waiting): ``Cache-Control: private,
  no-cache``, ``Vary: Cookie, Authorization``, no validator: never stored by a shared cache.

Only successful answers (200, 304) are touched; errors keep CKAN's headers.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.http import http_date, is_resource_modified, quote_etag

MARK = "ckanext.pm25.cache.policy"
"""The WSGI environ key under which a request's :class:`CachePolicy` travels to :class:`CacheHeaders`."""

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]

_REPLACED = {"cache-control", "pragma", "expires", "etag", "last-modified"}
_SETTLED_STATUSES = ("200", "304")


@dataclass(frozen=True)
class Validator:
    """What a response's content depends on, as an entity tag and a modification time."""

    etag: str
    last_modified: datetime

    def unchanged_for(self, environ: dict[str, Any]) -> bool:
        """Whether the request's ``If-None-Match`` (or, without one, ``If-Modified-Since``)
        says the client already holds this version."""
        return not is_resource_modified(environ, etag=self.etag, last_modified=self.last_modified)


def make_validator(parts: Sequence[object], last_modified: datetime) -> Validator:
    """A validator from everything the content depends on (``parts``: the newest hour shown,
    the language, the URL…); equal parts give an equal tag, in any process."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:32]
    return Validator(etag=digest, last_modified=last_modified.replace(microsecond=0))


@dataclass(frozen=True)
class CachePolicy:
    """How one response may be cached: by anyone for ``max_age`` seconds with ``validator``
    (``shared``), or by the user's own browser only."""

    shared: bool
    max_age: int = 0
    validator: Validator | None = None


PRIVATE = CachePolicy(shared=False)


def _vary(headers: Headers, wanted: Iterable[str]) -> Headers:
    """``headers`` with one ``Vary`` naming what it named and ``wanted``."""
    names: list[str] = []
    kept: Headers = []
    for name, value in headers:
        if name.lower() == "vary":
            names += [part.strip() for part in value.split(",") if part.strip()]
        else:
            kept.append((name, value))
    for name in wanted:
        if name.lower() not in {known.lower() for known in names}:
            names.append(name)
    return [*kept, ("Vary", ", ".join(names))]


def settled_headers(headers: Iterable[tuple[str, str]], policy: CachePolicy) -> Headers:
    """``headers`` as a response under ``policy`` leaves the portal."""
    kept = [(name, value) for name, value in headers if name.lower() not in _REPLACED]
    if not policy.shared:
        return _vary([*kept, ("Cache-Control", "private, no-cache")], ("Cookie", "Authorization"))
    kept = [(name, value) for name, value in kept if name.lower() != "set-cookie"]
    kept.append(("Cache-Control", f"public, max-age={max(int(policy.max_age), 0)}"))
    if policy.validator is not None:
        kept.append(("ETag", quote_etag(policy.validator.etag, weak=True)))
        kept.append(("Last-Modified", http_date(policy.validator.last_modified)))
    return _vary(kept, ("Cookie",))


class CacheHeaders:
    """WSGI middleware: a 200 or 304 answer to a request carrying a :data:`MARK` policy leaves
    with :func:`settled_headers`; every other response passes untouched."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: Headers, exc_info: Any = None) -> Any:
            policy = environ.get(MARK)
            if isinstance(policy, CachePolicy) and status.startswith(_SETTLED_STATUSES):
                headers = settled_headers(headers, policy)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return self.app(environ, start)

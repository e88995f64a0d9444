"""The readings' cache headers as they leave the portal (readings/cache_headers.py), on a bare
WSGI app, and the validator's conditional matching."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ckanext.pm25.readings.cache_headers import (MARK, PRIVATE, CacheHeaders, CachePolicy, make_validator,
                                                 settled_headers)

CKAN_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "private"),
    ("Pragma", "no-cache"),
    ("Vary", "Accept-Encoding"),
    ("Set-Cookie", "ckan=abc; HttpOnly; Path=/"),
]
MODIFIED = datetime(2026, 3, 1, 5, 0, 0, 123456, tzinfo=timezone.utc)
VALIDATOR = make_validator(("2026-03-01T05:00", "th", "/pm25"), MODIFIED)


def test_shared_public_with_the_validator_and_no_cookie() -> None:
    headers = settled_headers(CKAN_HEADERS, CachePolicy(shared=True, max_age=60, validator=VALIDATOR))
    assert ("Cache-Control", "public, max-age=60") in headers
    assert ("ETag", f'W/"{VALIDATOR.etag}"') in headers
    assert ("Last-Modified", "Sun, 01 Mar 2026 05:00:00 GMT") in headers
    assert ("Vary", "Accept-Encoding, Cookie") in headers
    names = [name for name, _ in headers]
    assert "Set-Cookie" not in names and "Pragma" not in names
    assert names.count("Cache-Control") == 1 and names.count("Vary") == 1


def test_private_keeps_the_cookie_and_drops_any_validator() -> None:
    headers = settled_headers([*CKAN_HEADERS, ("ETag", '"x"')], PRIVATE)
    assert ("Cache-Control", "private, no-cache") in headers
    assert ("Vary", "Accept-Encoding, Cookie, Authorization") in headers
    assert ("Set-Cookie", "ckan=abc; HttpOnly; Path=/") in headers
    assert "ETag" not in [name for name, _ in headers]


def test_the_validator_depends_on_every_part() -> None:
    assert make_validator(("2026-03-01T05:00", "th", "/pm25"), MODIFIED).etag == VALIDATOR.etag
    assert make_validator(("2026-03-01T05:00", "en", "/pm25"), MODIFIED).etag != VALIDATOR.etag
    assert make_validator(("2026-03-01T06:00", "th", "/pm25"), MODIFIED).etag != VALIDATOR.etag


def test_conditional_matching() -> None:
    assert VALIDATOR.unchanged_for({"HTTP_IF_NONE_MATCH": f'W/"{VALIDATOR.etag}"'})
    assert VALIDATOR.unchanged_for({"HTTP_IF_NONE_MATCH": f'"{VALIDATOR.etag}"'})  # weak comparison
    assert not VALIDATOR.unchanged_for({"HTTP_IF_NONE_MATCH": '"other"'})
    assert VALIDATOR.unchanged_for({"HTTP_IF_MODIFIED_SINCE": "Sun, 01 Mar 2026 05:00:00 GMT"})
    assert not VALIDATOR.unchanged_for({"HTTP_IF_MODIFIED_SINCE": "Sun, 01 Mar 2026 04:59:59 GMT"})
    # If-None-Match decides when both are sent
    assert not VALIDATOR.unchanged_for({"HTTP_IF_NONE_MATCH": '"other"',
                                        "HTTP_IF_MODIFIED_SINCE": "Sun, 01 Mar 2026 05:00:00 GMT"})
    assert not VALIDATOR.unchanged_for({})


def run(app: CacheHeaders, environ: dict[str, Any], status: str = "200 OK") -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def start_response(given: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen.extend(headers)
    b"".join(app(environ, start_response))
    return seen


def test_only_marked_successful_answers_change() -> None:
    answer = {"status": "200 OK"}

    def inner(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response(answer["status"], list(CKAN_HEADERS))
        return [b"body"]

    app = CacheHeaders(inner)
    policy = CachePolicy(shared=True, max_age=60, validator=VALIDATOR)
    assert run(app, {}) == CKAN_HEADERS
    assert ("Cache-Control", "public, max-age=60") in run(app, {MARK: policy})
    answer["status"] = "304 NOT MODIFIED"
    assert ("Cache-Control", "public, max-age=60") in run(app, {MARK: policy})
    answer["status"] = "404 NOT FOUND"
    assert run(app, {MARK: policy}) == CKAN_HEADERS

"""How long to wait before the next request to a rate-limited upstream. Pure: no CKAN, no clock.

Two sources of truth, and the later of their answers wins:

- our own count: the send times of the last hour against each window (OpenAQ: 60 a minute,
  2,000 an hour), so the limits hold even when upstream sends no headers;
- upstream's headers after each answer: ``x-ratelimit-remaining`` with ``x-ratelimit-reset``
  (seconds until the window resets, or a Unix time when larger than a day), or
  ``x-ratelimit-used`` with ``x-ratelimit-limit``; no requests remaining means none until the
  reset.

A 429 itself is left to the HTTP retry (``http.py``: urllib3's ``Retry`` honouring
``Retry-After``, in seconds or as an HTTP date, within the job's time budget).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAY = 86_400.0


@dataclass(frozen=True)
class Window:
    requests: int
    seconds: float


@dataclass(frozen=True)
class Limits:
    windows: tuple[Window, ...]

    @property
    def longest(self) -> float:
        return max((w.seconds for w in self.windows), default=0.0)


def limits(per_minute: int, per_hour: int) -> Limits:
    return Limits((Window(per_minute, 60.0), Window(per_hour, 3600.0)))


def wait_for_windows(sent: Sequence[float], now: float, rules: Limits) -> float:
    """Seconds from ``now`` until one more request keeps every window within its count, given
    the send times ``sent`` (any order)."""
    wait = 0.0
    for window in rules.windows:
        inside = sorted(t for t in sent if t > now - window.seconds)
        if len(inside) >= window.requests:
            # the oldest request that must leave the window before one more fits
            leaving = inside[len(inside) - window.requests]
            wait = max(wait, leaving + window.seconds - now)
    return max(0.0, wait)


def _header(headers: Mapping[str, str], name: str) -> float | None:
    for key, value in headers.items():
        if key.lower() == name:
            try:
                return float(str(value).strip())
            except ValueError:
                return None
    return None


def blocked_until(headers: Mapping[str, str], now: float) -> float | None:
    """The instant before which upstream will refuse another request (its window is used up),
    from the answer's headers; None when the headers allow more or say nothing usable."""
    remaining = _header(headers, "x-ratelimit-remaining")
    if remaining is None:
        used, limit = _header(headers, "x-ratelimit-used"), _header(headers, "x-ratelimit-limit")
        if used is None or limit is None:
            return None
        remaining = limit - used
    if remaining > 0:
        return None
    reset = _header(headers, "x-ratelimit-reset")
    if reset is None or reset < 0:
        return now + 60.0  # used up, reset unknown: the shortest window OpenAQ documents
    return reset if reset > DAY else now + reset

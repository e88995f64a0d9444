"""Requests to a rate-limited upstream paced across every process of the site: the send times and
upstream's "used up until" instant live in Redis (CKAN's own connection), and one process at a
time decides when it may send (a PostgreSQL advisory lock, :mod:`.locks`), so fetch consumers
running side by side share one allowance. The rules are :mod:`.rate_limits`."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from ckan.lib.redis import connect_to_redis

from ckanext.pm25.harvesters import locks, rate_limits
from ckanext.pm25.harvesters.http import FetchError


class Pacer:
    """The allowance of one upstream account (one harvest source)."""

    def __init__(self, key: str, rules: rate_limits.Limits,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._key = f"pm25:rate:{key}"
        self._rules = rules
        self._sleep = sleep
        self._redis = connect_to_redis()

    def before_request(self, url: str, budget_ends: float | None) -> str:
        """Wait until one more request keeps to the limits, then count it; FetchError
        ``out_of_time`` when that wait would pass the job's time budget. Returns the request's
        mark, for :meth:`answered`."""
        with locks.item_lock(self._key):
            now = time.time()
            self._redis.zremrangebyscore(f"{self._key}:sent", 0, now - self._rules.longest)
            sent = self._sent()
            wait = rate_limits.wait_for_windows(sent, now, self._rules)
            blocked = self._redis.get(f"{self._key}:blocked")
            if blocked is not None:
                wait = max(wait, float(blocked) - now)
            if wait > 0:
                if budget_ends is not None and time.monotonic() + wait > budget_ends:
                    raise FetchError("out_of_time", f"the next request is allowed in {wait:.0f} s, "
                                                    f"after the job's time budget ends", url)
                self._sleep(wait)
            sent_at = time.time()
            mark = repr(sent_at)
            self._redis.zadd(f"{self._key}:sent", {mark: sent_at})
            self._redis.expire(f"{self._key}:sent", int(self._rules.longest) + 60)
            return mark

    def answered(self, mark: str) -> None:
        """Count the request at the time its answer came. Upstream counts it when it arrives,
        somewhere between the send and the answer; a slow connection would otherwise let the
        next window start too early by that delay."""
        self._redis.zadd(f"{self._key}:sent", {mark: time.time()}, xx=True)

    def _sent(self) -> list[float]:
        pairs: list[tuple[bytes, float]] = self._redis.zrange(  # type: ignore[assignment]
            f"{self._key}:sent", 0, -1, withscores=True)
        return [float(score) for _member, score in pairs]

    def after_response(self, headers: Mapping[str, str]) -> None:
        """Remember upstream's own count: no request before its reset when it says none are
        left."""
        now = time.time()
        until = rate_limits.blocked_until(headers, now)
        if until is not None and until > now:
            self._redis.set(f"{self._key}:blocked", repr(until), ex=int(until - now) + 1)

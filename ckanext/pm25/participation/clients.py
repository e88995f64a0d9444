"""The per-client limits (alert subscriptions; data requests and their supports), counted in
CKAN's Redis for a Thai day. The client's address is kept only as a salted hash in a key that
expires with the day."""
from __future__ import annotations

import hashlib
from datetime import datetime

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.pm25.participation import rules

DAY_SECONDS = 24 * 3600


def allow(client: str, now: datetime, *, counter: str = "alerts",
          limit_key: str = "ckanext.pm25.alerts.max_requests_per_client") -> bool:
    """Count one request of ``client`` (its IP address) on ``counter``; False once it is over
    today's limit (the config key ``limit_key``)."""
    limit = int(tk.config.get(limit_key))
    salt = str(tk.config.get("ckan.site_id") or "")
    digest = hashlib.sha256(f"{salt}:{client}".encode()).hexdigest()[:32]
    key = f"{salt}:pm25:{counter}:client:{digest}:{rules.thai_day(now).isoformat()}"
    redis = connect_to_redis()
    count = int(redis.incr(key))
    if count == 1:
        redis.expire(key, DAY_SECONDS + 3600)
    return count <= limit

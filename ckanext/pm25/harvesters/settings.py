"""The HTTP policy of a source: the site's limits (``ckanext.pm25.harvest.*``) with the source
config's per-source options on top, and source configuration problems in the user's language."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.harvesters.http import HttpPolicy
from ckanext.pm25.harvesters.source_config import ConfigError, HttpOverrides


def user_agent() -> str:
    configured = tk.config.get("ckanext.pm25.harvest.user_agent")
    if configured:
        return configured
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    return f"ckanext-pm25-harvester/0.1 (+{site})" if site else "ckanext-pm25-harvester/0.1"


def http_policy(overrides: HttpOverrides) -> HttpPolicy:
    """The site's HTTP limits with a source's own options applied."""
    config = tk.config
    policy = HttpPolicy(
        connect_timeout=float(config.get("ckanext.pm25.harvest.connect_timeout")),
        read_timeout=float(config.get("ckanext.pm25.harvest.read_timeout")),
        total_timeout=float(config.get("ckanext.pm25.harvest.total_timeout")),
        retries=int(config.get("ckanext.pm25.harvest.retries")),
        backoff_factor=float(config.get("ckanext.pm25.harvest.backoff_factor")),
        max_retry_wait=float(config.get("ckanext.pm25.harvest.max_retry_wait")),
        max_bytes=int(config.get("ckanext.pm25.harvest.max_bytes")),
        user_agent=user_agent(),
        allowed_hosts=frozenset(tk.aslist(config.get("ckanext.pm25.harvest.allowed_hosts"))),
        portal_services=portal_services(),
    )
    changes: dict[str, Any] = {"allow_http_fallback": overrides.allow_http_fallback}
    for name in ("connect_timeout", "read_timeout", "retries", "backoff_factor"):
        value = getattr(overrides, name)
        if value is not None:
            changes[name] = value
    if overrides.max_bytes is not None:
        changes["max_bytes"] = min(overrides.max_bytes, policy.max_bytes)
    return replace(policy, **changes)


# The portal's own services: never a harvest destination (destinations.py).
PORTAL_SERVICE_KEYS = ("solr_url", "ckan.redis.url", "sqlalchemy.url", "ckan.datastore.write_url",
                       "ckan.datastore.read_url", "ckan.site_url")


def portal_services() -> frozenset[str]:
    return frozenset(str(value) for key in PORTAL_SERVICE_KEYS if (value := tk.config.get(key)))


def translated(error: ConfigError) -> str:
    return "; ".join(f"{option}: {tk._(message) % params}"
                     for option, message, params in error.problems)

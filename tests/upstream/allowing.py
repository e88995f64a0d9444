"""Allow-list entries for the imitation servers: each is allowed by its exact origin."""
from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``: an allow-list entry for exactly that server."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}[parts.scheme]
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return f"{parts.scheme}://{host}:{port}"

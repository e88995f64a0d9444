"""Allow-list entries for the imitation servers: each is allowed by its exact origin."""
from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``: an allow-list entry for exactly that server."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}"

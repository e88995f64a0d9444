"""The API keys of upstream sources. They come from CKAN's config or the environment, never from
a harvest source's config: ckanext-harvest shows that config to every editor of the source's
organisation and keeps it in the source's activity.

For a source type (``dustboy``, ``firms``, ``openaq``) and a harvest source named ``name``, the
first of these that is set wins:

1. config ``ckanext.pm25.<type>.api_key.<name>``  (one source's own key)
2. environment ``CKANEXT_PM25_<TYPE>_API_KEY_<NAME>`` (the name upper-cased, ``-`` as ``_``)
3. config ``ckanext.pm25.<type>.api_key``  (the site's key for that type)
4. environment ``CKANEXT_PM25_<TYPE>_API_KEY``
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable

import ckan.plugins.toolkit as tk

from ckanext.pm25.common.messages import N_

SOURCE_TYPES: tuple[str, ...] = ("dustboy", "firms", "openaq")
_NOT_ENV = re.compile(r"[^A-Z0-9]+")
REDACTED = "[secret]"


def _env_name(source_type: str, source_name: str | None) -> str:
    base = f"CKANEXT_PM25_{source_type.upper()}_API_KEY"
    return f"{base}_{_NOT_ENV.sub('_', source_name.upper())}" if source_name else base


def _config_key(source_type: str, source_name: str | None) -> str:
    base = f"ckanext.pm25.{source_type}.api_key"
    return f"{base}.{source_name}" if source_name else base


def api_key(source_type: str, source_name: str | None = None) -> str | None:
    """The key to send to a source of ``source_type`` named ``source_name``; None when the site
    has none (the harvester then records a job error naming the config key to set)."""
    if source_type not in SOURCE_TYPES:
        raise ValueError(f"no API key is kept for source type {source_type!r}")
    names: list[str | None] = [source_name, None] if source_name else [None]
    for name in names:
        # An explicit default: CKAN's declaration does not match the dynamic `.<NAME>` key, and
        # would log it as undeclared on every call.
        value = tk.config.get(_config_key(source_type, name), None) or os.environ.get(
            _env_name(source_type, name))
        if value and str(value).strip():
            return str(value).strip()
    return None


def missing_key_message(source_type: str) -> tuple[str, dict[str, str]]:
    """An English msgid with its parameters, for the job error when no key is set."""
    return (N_("No API key for %(type)s sources: set %(key)s in the CKAN config (or the environment "
            "variable %(env)s)"),
            {"type": source_type, "key": _config_key(source_type, None),
             "env": _env_name(source_type, None)})


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` (a URL, an error message, a log line) with every secret replaced, so that a key
    carried in a URL path (FIRMS puts its MAP_KEY there) never reaches a log or a job report."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text

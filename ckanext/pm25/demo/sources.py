"""What every demo harvest does around its imitation: the demo organisation and harvest source
(made, or updated to the imitation's new URL), and settings that hold for the run only, in this
process only: the imitation's loopback origin as an allowed destination, and its API key as the
demo source's key (keys live in the CKAN config, never in a published source config)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.harvesters import site_user

ALLOWED_HOSTS = "ckanext.pm25.harvest.allowed_hosts"


def ensure_org(name: str, title: str) -> str:
    """The demo organisation's id, made if missing."""
    group = model.Group.get(name)
    if group is not None and group.state == "active":
        return group.id
    return site_user.call("organization_create", {"name": name, "title": title})["id"]


def save_source(*, name: str, title: str, url: str, source_type: str, org_name: str,
                org_title: str, config: dict[str, Any], notes: str) -> str:
    """The demo harvest source's id: made, or updated (a new run's imitation has a new port)."""
    data = {"name": name, "title": title, "url": url, "source_type": source_type,
            "owner_org": ensure_org(org_name, org_title), "frequency": "MANUAL", "active": True,
            "config": json.dumps(config), "notes": notes}
    try:
        existing = site_user.call("harvest_source_show", {"id": name})
    except tk.ObjectNotFound:
        return site_user.call("harvest_source_create", data)["id"]
    site_user.call("harvest_source_update", {**data, "id": existing["id"]})
    return existing["id"]


@contextmanager
def for_this_run(option: str, value: Any) -> Iterator[None]:
    """``option`` set to ``value`` until the block ends, then as it was."""
    before = tk.config.get(option)
    tk.config[option] = value
    try:
        yield
    finally:
        tk.config[option] = before


@contextmanager
def loopback_allowed(url: str) -> Iterator[None]:
    """The imitation's origin (``http://127.0.0.1:PORT``) allowed as a destination for the run."""
    hosts = tk.aslist(tk.config.get(ALLOWED_HOSTS))
    with for_this_run(ALLOWED_HOSTS, hosts if url in hosts else [*hosts, url]):
        yield


def key_option(source_type: str, source_name: str) -> str:
    """The CKAN config option of one source's API key (harvesters/api_keys.py)."""
    return f"ckanext.pm25.{source_type}.api_key.{source_name}"


@contextmanager
def demo_key(source_type: str, source_name: str, key: str) -> Iterator[None]:
    """The imitation's key as the demo source's own key for the run (the imitation takes no
    other, so a key the site set for that source would only make the demo fail)."""
    with for_this_run(key_option(source_type, source_name), key):
        yield

"""The demo harvest of OpenAQ: a local imitation of OpenAQ v3 harvested after the Air4Thai one,
so the demo shows its republished Air4Thai stations linked (counted once) and its own locations
(Khon Kaen, Phuket, a low-cost sensor in Chiang Mai) with their providers and licences.

As with Air4Thai, the imitation's origin is allowed for the run in this process only; its API
key is set for the run (``ckanext.pm25.openaq.api_key.openaq-demo``) in this process only too,
never in the source's config."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.demo.upstream import OpenAQServer
from ckanext.pm25.harvesters import runner, site_user

SOURCE_NAME = "openaq-demo"
ORG_NAME = "openaq"
ORG_TITLE = "OpenAQ (aggregator, demo)"
KEY_CONFIG = f"ckanext.pm25.openaq.api_key.{SOURCE_NAME}"


@contextmanager
def _for_this_run(key: str, value: Any) -> Iterator[None]:
    before = tk.config.get(key)
    tk.config[key] = value
    try:
        yield
    finally:
        tk.config[key] = before


def _ensure_org() -> str:
    group = model.Group.get(ORG_NAME)
    if group is not None and group.state == "active":
        return group.id
    return site_user.call("organization_create", {"name": ORG_NAME, "title": ORG_TITLE})["id"]


def _ensure_source(url: str, org_id: str, hours: int) -> str:
    config = json.dumps({"interval_minutes": 60, "backfill_hours": hours,
                         "maintainer_email": "openaq-demo@example.org"})
    data = {"name": SOURCE_NAME, "title": "OpenAQ (local imitation, demo)", "url": url,
            "source_type": "pm25_openaq", "owner_org": org_id, "frequency": "MANUAL",
            "config": config, "active": True,
            "notes": "A local imitation of OpenAQ v3 used by `ckan pm25 demo harvest`."}
    try:
        existing = site_user.call("harvest_source_show", {"id": SOURCE_NAME})
    except tk.ObjectNotFound:
        return site_user.call("harvest_source_create", data)["id"]
    site_user.call("harvest_source_update", {**data, "id": existing["id"]})
    return existing["id"]


def harvest_openaq_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the OpenAQ demo harvest; returns the finished job (``harvest_job_show``)."""
    server = OpenAQServer(hours=hours).start()
    try:
        echo(f"Imitation OpenAQ serving {len(server.locations)} locations × {hours} hours at "
             f"{server.url}")
        hosts = tk.aslist(tk.config.get("ckanext.pm25.harvest.allowed_hosts"))
        with _for_this_run("ckanext.pm25.harvest.allowed_hosts", [*hosts, server.url]), \
                _for_this_run(KEY_CONFIG, server.api_key):
            return runner.run_inline(_ensure_source(server.url, _ensure_org(), hours))
    finally:
        server.stop()

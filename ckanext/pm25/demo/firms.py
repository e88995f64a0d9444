"""The demo's hotspots: a local imitation of NASA FIRMS harvested into the portal, so a
newcomer's ``/pm25`` map and northern province pages show a burning season.

A :class:`~ckanext.pm25.demo.upstream.FirmsServer` starts on 127.0.0.1 with a month of
detections in the northern provinces (and a few across the border, which the harvest drops);
a ``firms-demo`` harvest source of a demo organisation points at it and one job runs in this
process, for the last ``day_range`` days. The demo MAP_KEY is set for this source only, in this
process only, for the duration of the run (a key is never a source's config); the server stops
when the command ends.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.demo.upstream import DEMO_MAP_KEY, FirmsServer
from ckanext.pm25.harvesters import runner, site_user

SOURCE_NAME = "firms-demo"
ORG_NAME = "firms-demo"
ORG_TITLE = "จุดความร้อน NASA FIRMS (สาธิต) | NASA FIRMS hotspots (demo)"
KEY_SETTING = f"ckanext.pm25.firms.api_key.{SOURCE_NAME}"


def _ensure_org() -> str:
    group = model.Group.get(ORG_NAME)
    if group is not None and group.state == "active":
        return group.id
    return site_user.call("organization_create", {"name": ORG_NAME, "title": ORG_TITLE})["id"]


def _ensure_source(url: str, org_id: str, day_range: int) -> str:
    data = {"name": SOURCE_NAME, "title": "NASA FIRMS (local imitation, demo)", "url": url,
            "source_type": "pm25_firms", "owner_org": org_id, "frequency": "MANUAL",
            "config": json.dumps({"interval_minutes": 180, "day_range": day_range,
                                  "maintainer_email": "firms-demo@example.org"}),
            "active": True,
            "notes": "A local imitation of NASA FIRMS used by `ckan pm25 demo harvest`."}
    try:
        existing = site_user.call("harvest_source_show", {"id": SOURCE_NAME})
    except tk.ObjectNotFound:
        return site_user.call("harvest_source_create", data)["id"]
    site_user.call("harvest_source_update", {**data, "id": existing["id"]})
    return existing["id"]


def harvest_firms_demo(allowing: Callable[[str], AbstractContextManager[None]],
                       echo: Callable[[str], Any] = print, day_range: int = 10) -> dict[str, Any]:
    """Run the demo's FIRMS harvest (``allowing(url)``: the imitation allowed as a destination
    while it runs); returns the finished job."""
    before = tk.config.get(KEY_SETTING)
    server = FirmsServer().start()
    try:
        echo(f"Imitation NASA FIRMS serving {len(server.detections)} hotspots at {server.url}")
        tk.config[KEY_SETTING] = DEMO_MAP_KEY
        with allowing(server.url):
            job = runner.run_inline(_ensure_source(server.url, _ensure_org(), day_range))
    finally:
        tk.config[KEY_SETTING] = before
        server.stop()
    echo(f"FIRMS demo harvest: {job['status']}, {job['stats']}")
    return job

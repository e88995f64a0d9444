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

from collections.abc import Callable
from typing import Any

from ckanext.pm25.demo.sources import demo_key, key_option, loopback_allowed, save_source
from ckanext.pm25.demo.upstream import DEMO_MAP_KEY, FirmsServer
from ckanext.pm25.harvesters import runner

SOURCE_NAME = "firms-demo"
ORG_NAME = "firms-demo"
ORG_TITLE = "จุดความร้อน NASA FIRMS (สาธิต) | NASA FIRMS hotspots (demo)"
KEY_SETTING = key_option("firms", SOURCE_NAME)


def harvest_firms_demo(echo: Callable[[str], Any] = print, day_range: int = 10) -> dict[str, Any]:
    """Run the demo's FIRMS harvest; returns the finished job."""
    server = FirmsServer().start()
    try:
        echo(f"Imitation NASA FIRMS serving {len(server.detections)} hotspots at {server.url}")
        with loopback_allowed(server.url), demo_key("firms", SOURCE_NAME, DEMO_MAP_KEY):
            job = runner.run_inline(save_source(
                name=SOURCE_NAME, title="NASA FIRMS (local imitation, demo)", url=server.url,
                source_type="pm25_firms", org_name=ORG_NAME, org_title=ORG_TITLE,
                config={"interval_minutes": 180, "day_range": day_range,
                        "maintainer_email": "firms-demo@example.org"},
                notes="A local imitation of NASA FIRMS used by `ckan pm25 demo harvest`."))
    finally:
        server.stop()
    echo(f"FIRMS demo harvest: {job['status']}, {job['stats']}")
    return job

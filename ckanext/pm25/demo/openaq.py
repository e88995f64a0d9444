"""The demo harvest of OpenAQ: a local imitation of OpenAQ v3 harvested after the Air4Thai one,
so the demo shows its republished Air4Thai stations linked (counted once) and its own locations
(Khon Kaen, Phuket, a low-cost sensor in Chiang Mai) with their providers and licences.

As with Air4Thai, the imitation's origin is allowed for the run in this process only; its API
key is set for the run (``ckanext.pm25.openaq.api_key.openaq-demo``) in this process only too,
never in the source's config."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.pm25.demo.sources import demo_key, loopback_allowed, save_source
from ckanext.pm25.demo.upstream import OpenAQServer
from ckanext.pm25.harvesters import runner

SOURCE_NAME = "openaq-demo"
ORG_NAME = "openaq"
ORG_TITLE = "OpenAQ (aggregator, demo)"


def harvest_openaq_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the OpenAQ demo harvest; returns the finished job (``harvest_job_show``)."""
    server = OpenAQServer(hours=hours).start()
    try:
        echo(f"Imitation OpenAQ serving {len(server.locations)} locations × {hours} hours at "
             f"{server.url}")
        with loopback_allowed(server.url), demo_key("openaq", SOURCE_NAME, server.api_key):
            return runner.run_inline(save_source(
                name=SOURCE_NAME, title="OpenAQ (local imitation, demo)", url=server.url,
                source_type="pm25_openaq", org_name=ORG_NAME, org_title=ORG_TITLE,
                config={"interval_minutes": 60, "backfill_hours": hours,
                        "maintainer_email": "openaq-demo@example.org"},
                notes="A local imitation of OpenAQ v3 used by `ckan pm25 demo harvest`."))
    finally:
        server.stop()

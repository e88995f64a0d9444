"""The demo harvest: a local imitation of Air4Thai harvested into the portal, end to end.

An :class:`~ckanext.pm25.demo.upstream.Air4ThaiServer` starts on 127.0.0.1 (a free port) with
``hours`` of hourly readings up to the current hour for stations in Sing Buri, Lampang,
Chiang Mai and Bangkok; a harvest source ``air4thai-demo`` of the PCD demo organisation points
at it; one job runs gather, fetch and import in this process (no queues, so consumers running
beside the portal do not pick up objects whose server is about to stop). The server stops
when the command ends: a later run of the source (``ckan pm25 harvest run-due``) records
"connection refused" until the source is pointed at a real service or run with this command
again, which updates its URL.

The server's address is loopback; its exact origin (``http://127.0.0.1:PORT``) is added to
``ckanext.pm25.harvest.allowed_hosts`` for the duration of the run, in this process only.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.demo.sources import demo_key, loopback_allowed, save_source
from ckanext.pm25.demo.upstream import Air4ThaiServer, DustBoyServer, GistdaServer
from ckanext.pm25.harvesters import runner

SOURCE_NAME = "air4thai-demo"
ORG_NAME = "pcd"
ORG_TITLE = "กรมควบคุมมลพิษ (Pollution Control Department)"


def current_thai_hour() -> datetime:
    """The current hour in Thai time, naive (the imitation server's convention)."""
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def harvest_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the demo harvest; returns the finished job (``harvest_job_show``)."""
    server = Air4ThaiServer(now_local=current_thai_hour(), hours=hours).start()
    try:
        echo(f"Imitation Air4Thai serving {len(server.stations)} stations × {hours} hours at "
             f"{server.url}")
        with loopback_allowed(server.url):
            return runner.run_inline(save_source(
                name=SOURCE_NAME, title="Air4Thai (local imitation, demo)", url=server.url,
                source_type="pm25_air4thai", org_name=ORG_NAME, org_title=ORG_TITLE,
                config={"interval_minutes": 60, "backfill_hours": hours,
                        "maintainer_email": "air4thai-demo@example.org"},
                notes="A local imitation of PCD's Air4Thai used by `ckan pm25 demo harvest`."))
    finally:
        server.stop()


DUSTBOY_SOURCE_NAME = "dustboy-demo"
DUSTBOY_ORG_NAME = "ccdc-cmu"
DUSTBOY_ORG_TITLE = "CCDC, Chiang Mai University (DustBoy)"


def harvest_dustboy_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Harvest a local imitation of DustBoy (low-cost sensors around Chiang Mai, in Lamphun and
    Chiang Rai) as ``harvest_demo`` does Air4Thai; returns the finished job."""
    server = DustBoyServer(now_local=current_thai_hour(), hours=hours).start()
    try:
        echo(f"Imitation DustBoy serving {len(server.sensors)} sensors × {hours} hours at {server.url}")
        with loopback_allowed(server.url), demo_key("dustboy", DUSTBOY_SOURCE_NAME, server.key):
            return runner.run_inline(save_source(
                name=DUSTBOY_SOURCE_NAME, title="DustBoy (local imitation, demo)", url=server.url,
                source_type="pm25_dustboy", org_name=DUSTBOY_ORG_NAME, org_title=DUSTBOY_ORG_TITLE,
                config={"interval_minutes": 60, "backfill_hours": hours,
                        "maintainer_email": "dustboy-demo@example.org"},
                notes="A local imitation of CCDC CMU's DustBoy used by `ckan pm25 demo harvest`."))
    finally:
        server.stop()


GISTDA_SOURCE_NAME = "gistda-demo"
GISTDA_ORG_NAME = "gistda"
GISTDA_ORG_TITLE = "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (GISTDA)"


def harvest_gistda_demo(echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """GISTDA's model estimates of all 77 provinces and 928 districts from its imitation, so
    every province on /pm25 has a value; returns the finished job."""
    server = GistdaServer(now_local=current_thai_hour()).start()
    try:
        echo(f"Imitation GISTDA serving 77 provinces and {len(server.districts)} districts at "
             f"{server.url}")
        with loopback_allowed(server.url):
            return runner.run_inline(save_source(
                name=GISTDA_SOURCE_NAME, title="GISTDA PM2.5 model (local imitation, demo)",
                url=server.url, source_type="pm25_gistda", org_name=GISTDA_ORG_NAME,
                org_title=GISTDA_ORG_TITLE,
                config={"interval_minutes": 60, "maintainer_email": "gistda-demo@example.org"},
                notes="A local imitation of GISTDA's PM2.5 model service."))
    finally:
        server.stop()

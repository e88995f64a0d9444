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

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.pm25.demo.firms import harvest_firms_demo
from ckanext.pm25.demo.upstream import Air4ThaiServer, DustBoyServer, GistdaServer
from ckanext.pm25.harvesters import runner, site_user
from ckanext.pm25.common.times import THAI_TZ

SOURCE_NAME = "air4thai-demo"
ORG_NAME = "pcd"
ORG_TITLE = "กรมควบคุมมลพิษ (Pollution Control Department)"


def current_thai_hour() -> datetime:
    """The current hour in Thai time, naive (the imitation server's convention)."""
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


@contextmanager
def _loopback_allowed(url: str) -> Iterator[None]:
    key = "ckanext.pm25.harvest.allowed_hosts"
    before = tk.config.get(key)
    hosts = tk.aslist(before)
    if url not in hosts:
        tk.config[key] = [*hosts, url]
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
                         "maintainer_email": "air4thai-demo@example.org"})
    data = {"name": SOURCE_NAME, "title": "Air4Thai (local imitation, demo)", "url": url,
            "source_type": "pm25_air4thai", "owner_org": org_id, "frequency": "MANUAL",
            "config": config, "active": True,
            "notes": "A local imitation of PCD's Air4Thai used by `ckan pm25 demo harvest`."}
    try:
        existing = site_user.call("harvest_source_show", {"id": SOURCE_NAME})
    except tk.ObjectNotFound:
        return site_user.call("harvest_source_create", data)["id"]
    site_user.call("harvest_source_update", {**data, "id": existing["id"]})
    return existing["id"]


def harvest_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the demo harvest; returns the finished job (``harvest_job_show``)."""
    server = Air4ThaiServer(now_local=current_thai_hour(), hours=hours).start()
    try:
        echo(f"Imitation Air4Thai serving {len(server.stations)} stations × {hours} hours at "
             f"{server.url}")
        with _loopback_allowed(server.url):
            source_id = _ensure_source(server.url, _ensure_org(), hours)
            job = runner.run_inline(source_id)
    finally:
        server.stop()
    harvest_firms_demo(_loopback_allowed, echo)
    return job


DUSTBOY_SOURCE_NAME = "dustboy-demo"
DUSTBOY_ORG_NAME = "ccdc-cmu"
DUSTBOY_ORG_TITLE = "CCDC, Chiang Mai University (DustBoy)"


@contextmanager
def _demo_key(source_name: str, key: str) -> Iterator[None]:
    """The imitation's own key as the demo source's key for this run, unless the site set one:
    keys live in the CKAN config (api_keys.py), never in the published source config."""
    option = f"ckanext.pm25.dustboy.api_key.{source_name}"
    before = tk.config.get(option)
    if not before:
        tk.config[option] = key
    try:
        yield
    finally:
        tk.config[option] = before


def harvest_dustboy_demo(hours: int = 72, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Harvest a local imitation of DustBoy (low-cost sensors around Chiang Mai, in Lamphun and
    Chiang Rai) as ``harvest_demo`` does Air4Thai; returns the finished job."""
    server = DustBoyServer(now_local=current_thai_hour(), hours=hours).start()
    try:
        echo(f"Imitation DustBoy serving {len(server.sensors)} sensors × {hours} hours at {server.url}")
        group = model.Group.get(DUSTBOY_ORG_NAME)
        org_id = group.id if group is not None and group.state == "active" else site_user.call(
            "organization_create", {"name": DUSTBOY_ORG_NAME, "title": DUSTBOY_ORG_TITLE})["id"]
        data = {"name": DUSTBOY_SOURCE_NAME, "title": "DustBoy (local imitation, demo)", "url": server.url,
                "source_type": "pm25_dustboy", "owner_org": org_id, "frequency": "MANUAL", "active": True,
                "config": json.dumps({"interval_minutes": 60, "backfill_hours": hours,
                                      "maintainer_email": "dustboy-demo@example.org"}),
                "notes": "A local imitation of CCDC CMU's DustBoy used by `ckan pm25 demo harvest`."}
        with _loopback_allowed(server.url), _demo_key(DUSTBOY_SOURCE_NAME, server.key):
            try:
                source_id = site_user.call("harvest_source_show", {"id": DUSTBOY_SOURCE_NAME})["id"]
                site_user.call("harvest_source_update", {**data, "id": source_id})
            except tk.ObjectNotFound:
                source_id = site_user.call("harvest_source_create", data)["id"]
            job = runner.run_inline(source_id)
    finally:
        server.stop()
    return job


GISTDA_SOURCE_NAME = "gistda-demo"
GISTDA_ORG_NAME = "gistda"
GISTDA_ORG_TITLE = "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (GISTDA)"


def _ensure_gistda_source(url: str) -> str:
    group = model.Group.get(GISTDA_ORG_NAME)
    org_id = group.id if group is not None and group.state == "active" else site_user.call(
        "organization_create", {"name": GISTDA_ORG_NAME, "title": GISTDA_ORG_TITLE})["id"]
    data = {"name": GISTDA_SOURCE_NAME, "title": "GISTDA PM2.5 model (local imitation, demo)",
            "url": url, "source_type": "pm25_gistda", "owner_org": org_id, "frequency": "MANUAL",
            "config": json.dumps({"interval_minutes": 60,
                                  "maintainer_email": "gistda-demo@example.org"}),
            "active": True, "notes": "A local imitation of GISTDA's PM2.5 model service."}
    try:
        existing = site_user.call("harvest_source_show", {"id": GISTDA_SOURCE_NAME})
    except tk.ObjectNotFound:
        return site_user.call("harvest_source_create", data)["id"]
    site_user.call("harvest_source_update", {**data, "id": existing["id"]})
    return existing["id"]


def harvest_gistda_demo(echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """GISTDA's model estimates of all 77 provinces and 928 districts from its imitation, so
    every province on /pm25 has a value; returns the finished job."""
    server = GistdaServer(now_local=current_thai_hour()).start()
    try:
        echo(f"Imitation GISTDA serving 77 provinces and {len(server.districts)} districts at "
             f"{server.url}")
        with _loopback_allowed(server.url):
            job = runner.run_inline(_ensure_gistda_source(server.url))
    finally:
        server.stop()
    return job

"""The dataset of an OpenAQ location and the store's provenance of its readings, built in pure
code on the station fields every hourly network shares (``datasets.py``). No CKAN imports.

An OpenAQ location is another provider's station republished by an aggregator: its provider,
owner and licence travel with it, on its dataset (``openaq_*`` fields, kept as extras by the
schema's unknown-key rule, and in its notes) and on every stored reading (the store's
``source`` and ``licence`` columns)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.harvesters.datasets import (Publisher, StationNetwork, hourly_network_fields,
                                              station_package_id)
from ckanext.pm25.harvesters.openaq_format import Location

TAGS = ("PM2.5", "ฝุ่นละออง", "คุณภาพอากาศ", "air quality", "OpenAQ")
# Ids, names, GUIDs and series ``openaq-<location>``/``openaq:<location>``; each location's
# dataset is built by ``location_dataset`` (its measurement type is the location's own).
OPENAQ = StationNetwork(prefix="openaq", tags=TAGS,
                        series_id_names=("รหัสตำแหน่งของ OpenAQ", "OpenAQ location id"))
GUID_PREFIX = OPENAQ.prefix + ":"


def location_package_id(source_id: str, location_id: str) -> str:
    return station_package_id(source_id, location_id, OPENAQ)


def reading_source(location: Location, data_source: str) -> str:
    """The store's ``source`` of the location's readings: the aggregator and who measured."""
    who = location.provider or "unknown provider"
    if location.owner and location.owner != location.provider:
        who = f"{who}, owner {location.owner}"
    return f"{data_source} ({who})"


def reading_licence(location: Location) -> str | None:
    return ", ".join(location.licences) or None


def monitor_seen(location: Location) -> str:
    """What upstream said of ``isMonitor`` (unverified), as recorded on the dataset."""
    return {True: "true", False: "false"}.get(location.is_monitor, "not given")  # type: ignore[arg-type]


def location_dataset(location: Location, publisher: Publisher, *, data_source: str,
                     spatial: str | None, provinces: Sequence[Province],
                     last_seen: str) -> dict[str, Any]:
    """The metadata of a location's station dataset (without resources, temporal coverage or
    state)."""
    licence = reading_licence(location) or "ไม่ระบุ / not given"
    provider = location.provider or "ไม่ระบุ / not given"
    owner = location.owner or "ไม่ระบุ / not given"
    kind_th, kind_en = (("เซนเซอร์ราคาประหยัด", "low-cost sensor")
                        if location.measurement_type == "low_cost_sensor"
                        else ("สถานีตรวจวัด", "monitoring station"))
    place = f", {location.locality}" if location.locality else ""
    tags = list(TAGS) + [p.name_th for p in provinces]
    quality = "" if location.is_monitor is not None else (
        "- OpenAQ ไม่ระบุว่าเป็นสถานีมาตรฐานหรือเซนเซอร์ราคาประหยัด (isMonitor) จึงถือเป็นสถานีตรวจวัด / "
        "OpenAQ did not say whether this is a reference monitor or a low-cost sensor (isMonitor); "
        "taken as a reference station")
    return {
        "id": location_package_id(publisher.source_id, location.location_id),
        "type": "dataset",
        "title": (f"ฝุ่น PM2.5 รายชั่วโมง {location.name} (OpenAQ {location.location_id}) | "
                  f"Hourly PM2.5, {location.name}{place}"),
        "notes": (
            f"ค่าฝุ่น PM2.5 รายชั่วโมงจาก{kind_th} {location.name}{place} ที่ OpenAQ เผยแพร่ต่อ "
            f"(location {location.location_id}) ผู้ให้ข้อมูล: {provider} เจ้าของ: {owner} "
            f"สัญญาอนุญาต: {licence}\n\n"
            f"Hourly PM2.5 (µg/m³) of the {kind_en} {location.name}{place}, republished by "
            f"OpenAQ (location {location.location_id}). Provider: {provider}; owner: {owner}; "
            f"licence: {licence}. Each stored reading carries the provider and licence in its "
            f"source and licence columns."),
        **hourly_network_fields(publisher, data_source),
        "measurement_type": location.measurement_type,
        "tags": [{"name": tag} for tag in dict.fromkeys(tags)],
        "geo_coverage": "พิกัด",
        "quality_notes": quality,
        "station_id": location.location_id,
        "station_type": "SENSOR" if location.measurement_type == "low_cost_sensor" else "GROUND",
        "station_status": "active",
        "station_last_seen": last_seen,
        "spatial_crs": "4326",
        "spatial": spatial or "",
        "provinces": json.dumps(sorted(p.code for p in provinces)),
        "openaq_location_id": location.location_id,
        "openaq_provider": location.provider,
        "openaq_owner": location.owner,
        "openaq_licence": reading_licence(location) or "",
        "openaq_is_monitor": monitor_seen(location),
    }

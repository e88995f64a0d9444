"""The dashboard's low-cost sensor layer: every public low-cost sensor (``measurement_type``
low_cost_sensor) as GeoJSON for the map, and the sources to attribute beside it. A layer of its
own: its values are never part of a province's figures unless
``ckanext.pm25.dashboard.low_cost_in_province_mean`` says so (``store.station_info``)."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Response

from ckanext.pm25.readings import exports

LOW_COST = "low_cost_sensor"


def _sensors() -> list[dict[str, Any]]:
    action = tk.get_action("pm25_station_list")
    found: list[dict[str, Any]] = []
    while True:
        page = action({}, {"kind": LOW_COST, "offset": len(found)})
        found += page["results"]
        if not page["results"] or len(found) >= page["count"]:
            return found


def pm25_sensor_sources() -> list[str]:
    """The data sources (with the attribution each requires) of the sensors on the map."""
    return sorted({s["source"]["data_source"] for s in _sensors() if s["source"].get("data_source")})


def sensors_geojson() -> Response:
    sensors = _sensors()
    extra = {s["name"]: {"url": tk.h.url_for("dataset.read", id=s["name"], qualified=True),
                         "text": tk.h.pm25_latest_text(s["latest"])} for s in sensors}
    body = json.dumps(exports.stations_geojson(sensors, extra), ensure_ascii=False)
    return Response(body, mimetype="application/geo+json")


def pm25_low_cost_in_mean() -> bool:
    return bool(tk.config.get("ckanext.pm25.dashboard.low_cost_in_province_mean"))


HELPERS = {"pm25_sensor_sources": pm25_sensor_sources, "pm25_low_cost_in_mean": pm25_low_cost_in_mean}

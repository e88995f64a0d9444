"""The ``kind`` and ``source`` filters of ``pm25_station_list``: a station's kind is its
dataset's ``measurement_type`` (of the schema's choices, the kinds a station can be), its
source the harvest source that keeps it (by harvester type, name or id). And a station's kind
in words, as the schema's choice labels say it, for the pages."""
from __future__ import annotations

from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.types import Context

from ckanext.harvest.interfaces import IHarvester

KINDS = ("reference_station", "low_cost_sensor", "satellite_model")
REFERENCE, LOW_COST = "reference_station", "low_cost_sensor"
SENSOR_STATION_TYPE = "SENSOR"


def pm25_station_kind(value: Any, context: Context) -> Any:
    if value not in KINDS:
        raise tk.Invalid(tk._("Must be one of: %(choices)s") % {"choices": ", ".join(KINDS)})
    return value


def _harvester_types() -> list[str]:
    return sorted(harvester.info()["name"] for harvester in plugins.PluginImplementations(IHarvester))


def pm25_station_source(value: Any, context: Context) -> Any:
    """A harvester type of this site (``pm25_dustboy``), or a harvest source's name or id."""
    text = str(value).strip()
    if text in _harvester_types():
        return text
    found = model.Session.execute(sa.text(
        "SELECT 1 FROM harvest_source AS hs JOIN package AS p ON p.id = hs.id "
        "WHERE hs.id = :source OR p.name = :source LIMIT 1"), {"source": text}).first()
    if found is None:
        raise tk.Invalid(tk._("Not a harvest source or a harvester type of this site (types: "
                              "%(types)s)") % {"types": ", ".join(_harvester_types())})
    return text


def station_kind(station: dict[str, Any]) -> str:
    """A station record's kind: its ``measurement_type``; one stored without it is a low-cost
    sensor when its ``station_type`` says SENSOR, else a reference station (the schema's default)."""
    kind = station.get("measurement_type")
    if kind in KINDS:
        return str(kind)
    return LOW_COST if station.get("station_type") == SENSOR_STATION_TYPE else REFERENCE


def pm25_station_kind_label(station: dict[str, Any]) -> str:
    """The station's kind in the page's language, from the schema's ``measurement_type`` labels."""
    from ckanext.scheming.helpers import (scheming_choices_label, scheming_field_by_name,
                                          scheming_get_dataset_schema)
    schema = scheming_get_dataset_schema("dataset") or {}
    field = scheming_field_by_name(schema.get("dataset_fields", []), "measurement_type") or {}
    return str(scheming_choices_label(field.get("choices", []), station_kind(station)))


HELPERS = {"pm25_station_kind": station_kind, "pm25_station_kind_label": pm25_station_kind_label}

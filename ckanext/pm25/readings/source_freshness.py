"""How far the data of the dashboard's other layers reaches ("Data up to …" on /pm25): DustBoy's
low-cost sensors (their newest hour in the summary) and NASA FIRMS's hotspots (their newest
acquisition in the hotspot stores), beside the model sources' line (helpers.py).

A layer is told of only where the site harvests it (an active, public harvest source of its
type); such a source that has brought nothing yet is said to have no data, rather than left out
or dated by another source's data. Each is one indexed query (plus the sources' look-up)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy.exc import ProgrammingError

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.readings import hotspots

DUSTBOY = "pm25_dustboy"
LOW_COST = "low_cost_sensor"

# Whether the site harvests a type: an active source whose dataset is public.
_HARVESTED = sa.text("""
    SELECT EXISTS (SELECT 1 FROM harvest_source AS hs JOIN package AS sp ON sp.id = hs.id
                    WHERE hs.type = :type AND hs.active AND sp.state = 'active' AND NOT sp.private)""")

# The newest hour of the public low-cost sensors a source of the type keeps.
_SENSORS_UNTIL = sa.text("""
    SELECT max(s.latest_hour) FROM pm25_station_latest AS s
      JOIN package AS p ON p.id = s.package_id AND p.state = 'active' AND NOT p.private
     WHERE s.measurement_type = :kind AND EXISTS (
           SELECT 1 FROM harvest_object AS ho JOIN harvest_source AS hs ON hs.id = ho.harvest_source_id
            WHERE ho.package_id = s.package_id AND ho.current AND hs.type = :type AND hs.active)""")


@dataclass(frozen=True)
class SourceUntil:
    """A layer's name as the page says it, and its newest time (None: no data yet)."""

    kind: str
    label: str
    until: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": tk._(self.label),
                "until_utc": iso_utc(self.until) if self.until else None}


def _harvested(source_type: str) -> bool:
    try:
        return bool(model.Session.execute(_HARVESTED, {"type": source_type}).scalar())
    except ProgrammingError:  # a site without ckanext-harvest's tables harvests nothing
        model.Session.rollback()
        return False


def sensors_until() -> SourceUntil | None:
    if not _harvested(DUSTBOY):
        return None
    newest = model.Session.execute(_SENSORS_UNTIL, {"kind": LOW_COST, "type": DUSTBOY}).scalar()
    return SourceUntil("low_cost_sensor", N_("Low-cost sensors (DustBoy)"), newest)


def hotspots_until() -> SourceUntil | None:
    if not _harvested(hotspots.SOURCE_TYPE):
        return None
    return SourceUntil("hotspot_detection", N_("Fire hotspots (NASA FIRMS)"), hotspots.newest_acquisition())


def pm25_data_until_of_layers() -> list[dict[str, Any]]:
    """{``kind``, ``label``, ``until_utc``} of each harvested layer, for the dashboard."""
    return [layer.as_dict() for layer in (sensors_until(), hotspots_until()) if layer is not None]


HELPERS: dict[str, Callable[..., Any]] = {"pm25_data_until_of_layers": pm25_data_until_of_layers}

"""Dataset dicts the harvesters hand to package_create/package_update, built in pure code.

They go through the same scheming schema and validators as a form or an API call: these
functions only choose the field values. No CKAN imports.

Choices for Air4Thai station datasets (GD-Catalog fields):

- ``data_type`` ข้อมูลระเบียน (record data: one row per station and hour);
  ``update_frequency_unit`` ชั่วโมง, interval 1; ``geo_coverage`` พิกัด (a point);
  ``data_category`` ข้อมูลสาธารณะ; ``objective`` เพื่อการให้บริการประชาชน;
  ``data_format`` JSON and CSV (the DataStore serves both).
- ``license_id`` "Open Data Common" unless the source says otherwise: it is the licence Thai
  agencies publish government data under on the national catalogue (attribution required), and
  the upstream agency has not released the data under Creative Commons, so claiming CC-BY for it
  would be ours to claim, not theirs.
- ``maintainer``: the source's organisation unless the source config names a contact.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ckanext.pm25.geo.provinces import Province
from ckanext.pm25.harvesters.normalise import Station
from ckanext.pm25.measurements.hotspots import HOTSPOT_STORE_NAME, hotspot_store_id

NAMESPACE = uuid.UUID("5d0c7c8e-0c1b-4e55-9a63-6c1f3f0b2a25")
HOURLY_RESOURCE_NAME = "Hourly measurements"
STORE_RESOURCE_NAME = "Hourly measurements, every station"
DEFAULT_LICENSE = "Open Data Common"
NAME_MAX = 100

STATION_TAGS = ("PM2.5", "ฝุ่นละออง", "คุณภาพอากาศ", "air quality", "Air4Thai")
STATION_TYPES = ("GROUND", "BKK", "MOBILE")


@dataclass(frozen=True)
class StationNetwork:
    """What sets one upstream's station datasets apart from another's: the prefix of their
    ids, names, GUIDs and series (``air4thai``: ``air4thai:L1``), their tags, the kind of
    measurement and the station types the schema allows, and an attribution the upstream
    requires on every copy of its data (shown in the notes and the data source), and what the
    id after the prefix is (Thai, English), as the network dataset's notes say it."""

    prefix: str
    tags: tuple[str, ...]
    measurement_type: str = "reference_station"
    station_types: tuple[str, ...] = STATION_TYPES
    attribution: str = ""
    default_station_type: str = ""
    series_id_names: tuple[str, str] = ("รหัสสถานี", "station id")


AIR4THAI = StationNetwork(prefix="air4thai", tags=STATION_TAGS)

# Station flags (normalise.Station.flags) explained on the dataset, Thai then English.
_FLAG_NOTES = {
    "coords_swapped": "พิกัดจากต้นทางสลับละติจูดกับลองจิจูด ระบบแก้ไขให้แล้ว / "
                      "upstream swapped latitude and longitude; corrected here",
    "coords_zero": "ต้นทางให้พิกัด 0,0 / upstream gave the coordinates 0,0",
    "coords_outside_thailand": "พิกัดจากต้นทางอยู่นอกประเทศไทย / "
                               "upstream coordinates lie outside Thailand",
    "coords_missing": "ต้นทางไม่มีพิกัด / upstream gave no coordinates",
    "coords_non_numeric": "พิกัดจากต้นทางไม่ใช่ตัวเลข / upstream coordinates are not numbers",
    "unknown_station_type": "ประเภทสถานีจากต้นทางไม่รู้จัก / unknown station type upstream",
    "duplicate_id": "รหัสสถานีซ้ำในข้อมูลต้นทาง / the station id appears twice upstream",
}


@dataclass(frozen=True)
class Publisher:
    """Who publishes harvested datasets: the harvest source and its organisation."""

    source_id: str
    source_name: str
    owner_org: str
    org_title: str
    maintainer: str | None = None
    maintainer_email: str | None = None
    license_id: str | None = None


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def slug(text: str) -> str:
    """A CKAN name fragment: lower-case a-z, 0-9, ``-`` and ``_``."""
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", cleaned) or "x"


def bounded_name(*parts: str) -> str:
    """Join name fragments; past 100 characters the first part is cut and a short hash keeps
    the result unique."""
    name = "-".join(slug(part) for part in parts)
    if len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    tail = "-".join(slug(part) for part in parts[1:])
    room = NAME_MAX - len(tail) - len(digest) - 2
    return f"{slug(parts[0])[:max(room, 1)]}-{digest}-{tail}"[:NAME_MAX]


def fingerprint(data: Mapping[str, Any]) -> str:
    """A digest of a dataset dict, to tell whether anything changed since the last import."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- Air4Thai stations -----------------------------------------------------------------------


def station_package_id(source_id: str, station_id: str, network: StationNetwork = AIR4THAI) -> str:
    return stable_id(network.prefix, source_id, station_id)


def hourly_resource_id(package_id: str) -> str:
    return stable_id("hourly-measurements", package_id)


def station_name(station_id: str, network: StationNetwork = AIR4THAI) -> str:
    return bounded_name(network.prefix, station_id)


def _station_label(station: Station, language: str) -> str:
    name = station.name_th if language == "th" else station.name_en
    area = station.area_th if language == "th" else station.area_en
    return name or station.name_th or station.name_en or area or station.station_id


def station_title(station: Station) -> str:
    return (f"ฝุ่น PM2.5 รายชั่วโมง สถานี {_station_label(station, 'th')} ({station.station_id})"
            f" | Hourly PM2.5, {_station_label(station, 'en')}")


def station_notes(station: Station, data_source: str, network: StationNetwork = AIR4THAI) -> str:
    area_th = f" ({station.area_th})" if station.area_th else ""
    area_en = f", {station.area_en}" if station.area_en else ""
    if network.measurement_type == "low_cost_sensor":
        return (
            f"ค่าความเข้มข้นของฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน (PM2.5) รายชั่วโมง จากเซนเซอร์ราคาประหยัด "
            f"{_station_label(station, 'th')}{area_th} รหัส {station.station_id} แหล่งที่มา: "
            f"{data_source} ค่าจากเซนเซอร์ราคาประหยัดไม่ใช่ค่าจากสถานีตรวจวัดมาตรฐาน "
            f"เวลาเก็บเป็น UTC และเวลาประเทศไทย\n\n"
            f"Hourly PM2.5 concentrations (µg/m³) from the low-cost sensor "
            f"{_station_label(station, 'en')}{area_en} (sensor {station.station_id}), source: "
            f"{data_source}. Low-cost sensor values are not reference-station measurements. "
            f"Times are stored in UTC with Thai local time beside them."
            + (f"\n\nที่มาของข้อมูล / Data: {network.attribution}" if network.attribution else ""))
    return (
        f"ค่าความเข้มข้นของฝุ่นละอองขนาดไม่เกิน 2.5 ไมครอน (PM2.5) รายชั่วโมง จากสถานีตรวจวัด"
        f"คุณภาพอากาศ {_station_label(station, 'th')}{area_th} รหัสสถานี {station.station_id} "
        f"แหล่งที่มา: {data_source} พร้อมค่าเฉลี่ย 24 ชั่วโมง ดัชนีคุณภาพอากาศของไทย (AQI) "
        f"และของ US EPA เวลาเก็บเป็น UTC และเวลาประเทศไทย\n\n"
        f"Hourly PM2.5 concentrations (µg/m³) from the air-quality monitoring station "
        f"{_station_label(station, 'en')}{area_en} (station {station.station_id}), source: "
        f"{data_source}; with 24-hour means, the Thai AQI and the US EPA AQI. Times are stored "
        f"in UTC with Thai local time beside them."
    )


def station_quality_notes(flags: Iterable[str]) -> str:
    notes = [_FLAG_NOTES[flag] for flag in flags if flag in _FLAG_NOTES]
    return "\n".join(f"- {note}" for note in notes)


def hourly_network_fields(publisher: Publisher, data_source: str,
                           network: StationNetwork = AIR4THAI) -> dict[str, Any]:
    """The GD-Catalog and PM2.5 fields a station dataset and its network's store dataset share:
    hourly PM2.5 of the network's kind published by the source's organisation."""
    return {
        "owner_org": publisher.owner_org,
        "data_type": "ข้อมูลระเบียน",
        "maintainer": publisher.maintainer or publisher.org_title,
        "maintainer_email": publisher.maintainer_email,
        "objective": ["เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": "ชั่วโมง",
        "update_frequency_interval": "1",
        "data_source": data_source,
        "data_format": ["CSV", "JSON"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": publisher.license_id or DEFAULT_LICENSE,
        "data_language": ["ไทย", "อังกฤษ"],
        "allow_harvest": "True",
        "data_support": "หน่วยงานของรัฐ",
        "pollutants": ["PM2.5", "AQI"],
        "measurement_type": network.measurement_type,
        "averaging_period": "1h",
        "unit": "µg/m³",
        "aqi_standard": "thai_pcd",
        "quality_level": "raw",
    }


def station_dataset(
    station: Station,
    publisher: Publisher,
    *,
    data_source: str,
    spatial: str | None,
    provinces: Sequence[Province],
    last_seen: str,
    status: str = "active",
    network: StationNetwork = AIR4THAI,
) -> dict[str, Any]:
    """The metadata of a station dataset (without resources, temporal coverage or state)."""
    tags = list(network.tags) + [p.name_th for p in provinces]
    station_type = station.station_type if station.station_type in network.station_types \
        else network.default_station_type
    dataset: dict[str, Any] = {
        "id": station_package_id(publisher.source_id, station.station_id, network),
        "type": "dataset",
        "title": station_title(station),
        "notes": station_notes(station, data_source, network),
        **hourly_network_fields(publisher, data_source, network),
        "tags": [{"name": tag} for tag in dict.fromkeys(tags)],
        "geo_coverage": "พิกัด",
        "quality_notes": station_quality_notes(station.flags),
        "station_id": station.station_id,
        "station_type": station_type,
        "station_status": status,
        "station_last_seen": last_seen,
        "spatial_crs": "4326",
        "spatial": spatial or "",
        "provinces": json.dumps(sorted(p.code for p in provinces)),
    }
    return dataset


def hourly_resource(package_id: str, download_url: str) -> dict[str, Any]:
    """The station's readings: a link to its series in the network's measurement store (a
    CSV read from the store itself, see ``measurements/links.py``)."""
    return {
        "id": hourly_resource_id(package_id),
        "name": HOURLY_RESOURCE_NAME,
        "description": (
            "ค่า PM2.5 รายชั่วโมง ค่าเฉลี่ย 24 ชั่วโมง และดัชนีคุณภาพอากาศของสถานีนี้ หนึ่งแถวต่อชั่วโมง "
            "อ่านจากคลังค่าตรวจวัดของเครือข่าย / Hourly PM2.5, 24-hour mean and AQIs of this "
            "station, one row per hour, read from the network's measurement store. "
            "quality_flag: ok, or why a value is missing (sentinel, non_numeric, negative, "
            "out_of_range)."),
        "format": "CSV",
        "url": download_url,
        "resource_unit_of_measure": "ไมโครกรัมต่อลูกบาศก์เมตร (µg/m³)",
    }


def series_id(station_id: str, network: StationNetwork = AIR4THAI) -> str:
    """The station's series in the measurement store."""
    return f"{network.prefix}:{station_id}"


# --- the network's measurement store --------------------------------------------------------


# A source has two stores: its public stations' and its private stations' (a private dataset,
# so CKAN's DataStore authorisation keeps those readings to the organisation).


def network_package_id(source_id: str, private: bool = False) -> str:
    return stable_id("air4thai-network", source_id, *(["private"] if private else []))


def store_resource_id(source_id: str, private: bool = False) -> str:
    return stable_id("measurement-store", source_id, *(["private"] if private else []))


def network_name(source_name: str, private: bool = False) -> str:
    return bounded_name(source_name, "private-measurements" if private else "measurements")


def network_dataset(publisher: Publisher, *, data_source: str, private: bool = False,
                    network: StationNetwork = AIR4THAI) -> dict[str, Any]:
    """The dataset of a source's measurement store: every (public, or private) station's hourly
    readings in one DataStore table (without resources or state)."""
    which_th, which_en = ("สถานีที่ไม่เผยแพร่", "unpublished stations") if private else ("ทุกสถานี", "every station")
    return {
        "id": network_package_id(publisher.source_id, private),
        "type": "dataset",
        "private": private,
        "title": f"ฝุ่น PM2.5 รายชั่วโมง {which_th} ({publisher.org_title}) | Hourly PM2.5, "
                 f"{which_en}",
        "notes": (
            f"ค่าตรวจวัดรายชั่วโมงของทุกสถานีจาก {data_source} ในตารางเดียว หนึ่งแถวต่อชุดข้อมูล "
            f"(series_id เช่น {network.prefix}:<{network.series_id_names[0]}>) สาร และชั่วโมง (UTC) "
            f"พร้อมค่าเฉลี่ย 24 ชั่วโมง "
            f"ดัชนีคุณภาพอากาศของไทยและของ US EPA ค้นด้วย datastore_search (filters series_id) "
            f"หรือ datastore_search_sql\n\n"
            f"Hourly measurements of every station from {data_source} in one table: one row per "
            f"series (series_id such as {network.prefix}:<{network.series_id_names[1]}>), parameter and "
            f"hour (UTC), with "
            f"the 24-hour mean, the Thai AQI and the US EPA AQI. Query it with datastore_search "
            f"(filters series_id) or datastore_search_sql."
            + (f"\n\nที่มาของข้อมูล / Data: {network.attribution}" if network.attribution else "")),
        **hourly_network_fields(publisher, data_source, network),
        "tags": [{"name": tag} for tag in network.tags],
        "geo_coverage": "ประเทศ",
    }


def store_resource(source_id: str, private: bool = False) -> dict[str, Any]:
    return {
        "id": store_resource_id(source_id, private),
        "name": STORE_RESOURCE_NAME,
        "description": (
            "คลังค่าตรวจวัด: ค่า PM2.5 รายชั่วโมงของทุกสถานี (series_id, parameter, hour_utc) / "
            "The measurement store: hourly PM2.5 of every station (series_id, parameter, "
            "hour_utc). quality_flag: ok, or why a value is missing."),
        "format": "CSV",
        "url": "_datastore_only_resource",
        "url_type": "datastore",
        "resource_unit_of_measure": "ไมโครกรัมต่อลูกบาศก์เมตร (µg/m³)",
    }


# --- a hotspot source's store (NASA FIRMS) -------------------------------------------------

HOTSPOT_TAGS = ("ไฟป่า", "จุดความร้อน", "hotspots", "active fires", "NASA FIRMS", "PM2.5")
FIRMS_CITATION = ("NASA FIRMS: MODIS Collection 61 NRT Hotspot/Active Fire Detections MCD14DL and "
                  "VIIRS 375 m NRT Active Fire products (VNP14IMGTDL_NRT, VJ114IMGTDL_NRT, "
                  "VJ214IMGTDL_NRT), https://firms.modaps.eosdis.nasa.gov")


def hotspot_package_id(source_id: str) -> str:
    return stable_id("hotspot-network", source_id)


def hotspot_network_name(source_name: str) -> str:
    return bounded_name(source_name, "hotspots")


def hotspot_network_dataset(publisher: Publisher, *, data_source: str) -> dict[str, Any]:
    """The dataset of a hotspot source's store: every satellite fire detection over Thailand
    in one DataStore table (without resources or state). Events, not hourly values."""
    return {
        "id": hotspot_package_id(publisher.source_id),
        "type": "dataset",
        "private": False,
        "title": f"จุดความร้อนจากดาวเทียม ({publisher.org_title}) | Satellite fire hotspots, "
                 f"Thailand",
        "notes": (
            f"จุดความร้อน (ไฟที่ดาวเทียมตรวจพบ) ในประเทศไทยจาก {data_source} หนึ่งแถวต่อการตรวจพบ: "
            f"ตำแหน่ง เวลา (UTC) วันตามเวลาประเทศไทย จังหวัด ความเชื่อมั่น กำลังการแผ่รังสีของไฟ "
            f"(FRP) ดาวเทียมและเครื่องวัด ค้นด้วย datastore_search หรือ datastore_search_sql\n\n"
            f"Satellite fire detections (hotspots) over Thailand from {data_source}, one row per "
            f"detection: point, time (UTC), Thai day, province, confidence, fire radiative "
            f"power (FRP), satellite and instrument. Query it with datastore_search or "
            f"datastore_search_sql.\n\n{FIRMS_CITATION}"),
        "owner_org": publisher.owner_org,
        "data_type": "ข้อมูลระเบียน",
        "maintainer": publisher.maintainer or publisher.org_title,
        "maintainer_email": publisher.maintainer_email,
        "objective": ["เพื่อการให้บริการประชาชน"],
        "update_frequency_unit": "ชั่วโมง",
        "update_frequency_interval": "3",
        "data_source": data_source,
        "data_format": ["CSV", "JSON"],
        "data_category": "ข้อมูลสาธารณะ",
        "license_id": publisher.license_id or DEFAULT_LICENSE,
        "data_language": ["ไทย", "อังกฤษ"],
        "allow_harvest": "True",
        "data_support": "หน่วยงานของรัฐ",
        "measurement_type": "hotspot_detection",
        "quality_level": "raw",
        "tags": [{"name": tag} for tag in HOTSPOT_TAGS],
        "geo_coverage": "ประเทศ",
    }


def hotspot_store_resource(source_id: str) -> dict[str, Any]:
    return {
        "id": hotspot_store_id(source_id),
        "name": HOTSPOT_STORE_NAME,
        "description": (
            "จุดความร้อนทุกจุดที่ตรวจพบในประเทศไทย หนึ่งแถวต่อการตรวจพบ (satellite, instrument, "
            "acquired_utc, latitude, longitude) / Every hotspot detected over Thailand, one row "
            "per detection (satellite, instrument, acquired_utc, latitude, longitude)."),
        "format": "CSV",
        "url": "_datastore_only_resource",
        "url_type": "datastore",
    }


# --- agency CKAN catalogues ------------------------------------------------------------------


def agency_package_id(source_id: str, upstream_id: str) -> str:
    return stable_id("agency-ckan", source_id, upstream_id)


def agency_guid(source_id: str, upstream_id: str) -> str:
    return f"{source_id}:{upstream_id}"


def agency_name(upstream_name: str, source_name: str) -> str:
    return bounded_name(upstream_name, source_name)


def upstream_extras(upstream: Mapping[str, Any]) -> dict[str, Any]:
    extras = upstream.get("extras")
    if not isinstance(extras, list):
        return {}
    return {item["key"]: item.get("value") for item in extras
            if isinstance(item, Mapping) and isinstance(item.get("key"), str)}


def _number(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def bbox_polygon(upstream: Mapping[str, Any]) -> str | None:
    """A GeoJSON polygon from GD-Catalog's bounding fields (``north_bound_longitude`` and
    ``south_bound_longitude`` hold latitudes despite their names), when all four are numbers
    and describe a box."""
    west = _number(upstream.get("west_bound_longitude"))
    east = _number(upstream.get("east_bound_longitude"))
    north = _number(upstream.get("north_bound_longitude"))
    south = _number(upstream.get("south_bound_longitude"))
    if None in (west, east, north, south):
        return None
    assert west is not None and east is not None and north is not None and south is not None
    if not (west < east and south < north):
        return None
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def upstream_spatial(upstream: Mapping[str, Any]) -> Any:
    """The upstream ``spatial`` value, top-level (scheming sites) or in ``extras``."""
    value = upstream.get("spatial")
    if value in (None, ""):
        value = upstream_extras(upstream).get("spatial")
    return value if value not in (None, "") else None


def tag_names(upstream: Mapping[str, Any]) -> list[str]:
    tags = upstream.get("tags") or []
    names = []
    for tag in tags:
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


_SKIPPED_FIELDS = frozenset({
    "id", "name", "owner_org", "type", "state", "private", "tags", "tag_string", "resources",
    "spatial", "spatial_crs", "provinces", "extras",
})


def agency_dataset(
    upstream: Mapping[str, Any],
    publisher: Publisher,
    *,
    dataset_fields: Iterable[str],
    resource_fields: Iterable[str],
    upstream_page: str,
) -> dict[str, Any]:
    """Our copy of an agency dataset: every field our schema knows kept as upstream has it,
    organisation and identity ours (so two sources carrying it do not collide), resources
    linked (same URLs, ids of our own). ``spatial``/``provinces`` are set by the caller."""
    upstream_id = str(upstream.get("id") or upstream.get("name"))
    package_id = agency_package_id(publisher.source_id, upstream_id)
    extras = upstream_extras(upstream)
    dataset: dict[str, Any] = {
        "id": package_id,
        "type": "dataset",
        "name": agency_name(str(upstream.get("name") or upstream_id), publisher.source_name),
        "owner_org": publisher.owner_org,
        "private": False,
        "state": "active",
        "tags": [{"name": name} for name in dict.fromkeys(tag_names(upstream))],
    }
    for field_name in dataset_fields:
        if field_name in _SKIPPED_FIELDS:
            continue
        value = upstream.get(field_name, extras.get(field_name))
        if value is not None and value != "":
            dataset[field_name] = value
    if not dataset.get("url"):
        dataset["url"] = upstream_page
    allowed_resource_fields = set(resource_fields) - {"id"}
    resources = []
    for position, resource in enumerate(upstream.get("resources") or []):
        if not isinstance(resource, Mapping):
            continue
        upstream_resource_id = str(resource.get("id") or position)
        copy = {key: resource[key] for key in allowed_resource_fields
                if resource.get(key) not in (None, "")}
        copy["id"] = stable_id("agency-ckan-resource", package_id, upstream_resource_id)
        copy.setdefault("url", "")
        resources.append(copy)
    dataset["resources"] = resources
    return dataset

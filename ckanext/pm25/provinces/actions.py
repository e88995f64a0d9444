"""Province actions: which provinces a point or a geometry lies in."""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict, ErrorDict, Schema

from ckanext.pm25.provinces import gazetteer
from ckanext.pm25.geo import geometry
from ckanext.pm25.geo.errors import GeoError


def _message(error: GeoError) -> str:
    return tk._(error.message) % error.params


def province_lookup_schema() -> Schema:
    ignore_missing = tk.get_validator("ignore_missing")
    return {
        "lat": [ignore_missing],
        "lon": [ignore_missing],
        "geometry": [ignore_missing],
        "__extras": [tk.get_validator("ignore")],
    }


_NOT_A_NUMBER = {
    "lat": "The latitude is not a number: %(value)s.",
    "lon": "The longitude is not a number: %(value)s.",
}


def _coordinate(value: Any, key: str) -> float:
    number = math.nan
    if not isinstance(value, bool):
        with contextlib.suppress(TypeError, ValueError):
            number = float(value.strip() if isinstance(value, str) else value)
    if not math.isfinite(number):
        raise tk.ValidationError({key: [tk._(_NOT_A_NUMBER[key]) % {"value": repr(value)[:40]}]})
    return number


def _given(data_dict: DataDict, key: str) -> bool:
    return data_dict.get(key) not in (None, "", [], {})


@tk.side_effect_free
def pm25_province_lookup(context: Context, data_dict: DataDict) -> list[dict[str, str]]:
    """The provinces a location lies in: ``[{code, name_th, name_en, region}]``.

    :param lat: latitude (WGS 84), with ``lon``
    :param lon: longitude (WGS 84), with ``lat``
    :param geometry: or a GeoJSON geometry (object or text; WGS 84 unless it declares a ``crs``
        the catalogue accepts), in place of ``lat``/``lon``

    A point gives the province containing it (two on a shared border); a line or an area every
    province holding a real share of it, the largest share first (slivers along a border are not
    counted, as for datasets). A point in Thailand's waters gives an empty list; a location
    outside Thailand is refused.
    """
    tk.check_access("pm25_province_lookup", context, data_dict)
    data, errors = tk.navl_validate(data_dict, province_lookup_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    has_point = _given(data, "lat") or _given(data, "lon")
    has_geometry = _given(data, "geometry")
    if has_point and has_geometry:
        raise tk.ValidationError({"geometry": [tk._("Give either lat and lon, or geometry, not both.")]})
    if not has_point and not has_geometry:
        raise tk.ValidationError({"lat": [tk._("Missing value")], "lon": [tk._("Missing value")],
                                  "geometry": [tk._("Give lat and lon, or a GeoJSON geometry.")]})
    places = gazetteer.gazetteer()
    if has_geometry:
        try:
            shape = geometry.parse_geometry(data["geometry"], **gazetteer.lookup_limits())
        except GeoError as error:
            raise tk.ValidationError({"geometry": [_message(error)]}) from error
    else:
        missing: ErrorDict = {key: [tk._("Missing value")] for key in ("lat", "lon") if not _given(data, key)}
        if missing:
            raise tk.ValidationError(missing)
        latitude = _coordinate(data["lat"], "lat")
        longitude = _coordinate(data["lon"], "lon")
        try:
            shape = geometry.point(latitude, longitude)
        except GeoError as error:
            message = _message(error) if error.code == "swapped_coordinates" else tk._(
                "The point lat %(lat)s, lon %(lon)s lies outside Thailand.") % {"lat": latitude, "lon": longitude}
            raise tk.ValidationError({"lat": [message]}) from error
    return [province.to_dict() for province in places.provinces_for(shape, gazetteer.min_share())]


@tk.auth_allow_anonymous_access
def pm25_province_lookup_auth(context: Context, data_dict: DataDict | None) -> AuthResult:
    return {"success": True}


ACTIONS: dict[str, Callable[..., Any]] = {"pm25_province_lookup": pm25_province_lookup}
AUTH: dict[str, Callable[..., Any]] = {"pm25_province_lookup": pm25_province_lookup_auth}

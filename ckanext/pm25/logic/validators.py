"""Validators of the PM2.5 schema: the same for forms, the action API and harvesters.

Messages come from the pure modules as English msgids and are translated here, so a user reads
them in their language (Thai by default)."""
from __future__ import annotations

import json
import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.pm25 import dates, gazetteer
from ckanext.pm25.geo import geometry, provinces
from ckanext.pm25.geo.errors import GeoError

OTHER = "อื่นๆ"
# GD-Catalog convention: Thai letters (ก-๙, which includes the vowel and tone marks) plus word
# characters, space, hyphen and dot.
_TAG_NAME = re.compile(r"^[\wก-๙ \-.]*$", re.UNICODE)


def _message(error: GeoError | dates.DateError) -> str:
    return tk._(error.message) % error.params


def _is_missing(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def tag_name_validator(value: Any, context: Context) -> Any:
    """CKAN's tag rule, widened to Thai tags (replaces the core validator of the same name)."""
    if not _TAG_NAME.match(value):
        raise tk.Invalid(tk._('Tag "%s" can only contain letters (Thai or Latin), digits, spaces, '
                              'hyphens ("-"), underscores ("_") or dots (".")') % value)
    return value


DEFAULT_LICENSE = "Creative Commons Attributions"


def pm25_default_license(value: Any, context: Context) -> Any:
    return DEFAULT_LICENSE if _is_missing(value) else value


def pm25_license_known(value: Any, context: Context) -> Any:
    known = {item["id"] for item in tk.get_action("license_list")({"ignore_auth": True}, {})}
    if value not in known:
        raise tk.Invalid(tk._("Unknown licence: %(value)s.") % {"value": value})
    return value


def pm25_tag_string_convert(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """CKAN's tag_string_convert with the Thai-aware tag rule (the core one calls the core rule).

    At least one tag is required, given as `tag_string` (forms) or as a `tags` list (the API and
    package_show output sent back by package_update)."""
    value = data.get(key)
    if _is_missing(value):
        if not any(k[0] == "tags" for k in data if len(k) == 3 and k[2] == "name"):
            errors[key].append(tk._("Missing value"))
        return
    if isinstance(value, str):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    else:
        tags = list(value or [])
    for number, tag in enumerate(tags):
        data[("tags", number, "name")] = tag
    for tag in tags:
        try:
            tk.get_validator("tag_length_validator")(tag, context)
            tag_name_validator(tag, context)
        except tk.Invalid as invalid:
            errors[key].append(invalid.error)


def pm25_date(value: Any, context: Context) -> Any:
    if _is_missing(value):
        return value
    try:
        return dates.parse_date(value).isoformat()
    except dates.DateError as error:
        raise tk.Invalid(_message(error))


def pm25_year(value: Any, context: Context) -> Any:
    if _is_missing(value):
        return value
    try:
        return str(dates.parse_year(value))
    except dates.DateError as error:
        raise tk.Invalid(_message(error))


def _bounded_number(low: float, high: float, message: str) -> Callable[[Any, Context], Any]:
    def validator(value: Any, context: Context) -> Any:
        if _is_missing(value):
            return value
        try:
            number = float(str(value).strip())
        except ValueError:
            raise tk.Invalid(tk._("Enter a number, e.g. 18.29."))
        if not low <= number <= high:
            raise tk.Invalid(tk._(message) % {"value": number})
        return str(number)
    return validator


pm25_latitude = _bounded_number(-90, 90, "Latitude %(value)s is outside −90 to 90.")
pm25_longitude = _bounded_number(-180, 180, "Longitude %(value)s is outside −180 to 180.")


def pm25_other_required(choice_field: str) -> Callable[..., None]:
    """The `<field>_other` text is required when `<field>` is (or includes) อื่นๆ."""
    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        chosen = data.get(key[:-1] + (choice_field,))
        if isinstance(chosen, str) and chosen.startswith("["):
            try:
                chosen = json.loads(chosen)
            except ValueError:
                pass
        picked_other = chosen == OTHER or (isinstance(chosen, list) and OTHER in chosen)
        if picked_other and _is_missing(data.get(key)):
            errors[key].append(tk._("Say what the other value is."))
    return validator


def pm25_aqi_standard_matches_unit(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                                   context: Context) -> None:
    if data.get(key[:-1] + ("unit",)) == "AQI" and data.get(key) in (None, "", "none", tk.missing):
        errors[key].append(tk._("AQI values must say which AQI standard they follow."))


def pm25_spatial(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """Valid GeoJSON inside Thailand, reprojected to WGS 84 from `spatial_crs` when given."""
    value = data.get(key)
    if _is_missing(value):
        return
    crs_key = key[:-1] + ("spatial_crs",)
    crs = data.get(crs_key)
    try:
        shape = geometry.parse_geometry(
            value, None if _is_missing(crs) else crs,
            max_bytes=tk.config.get("ckanext.pm25.geometry.max_bytes"),
            max_vertices=tk.config.get("ckanext.pm25.geometry.max_vertices"))
    except GeoError as error:
        errors[key].append(_message(error))
        return
    data[key] = geometry.to_geojson(shape)
    data[crs_key] = "4326"  # the stored geometry is WGS 84 from now on


def _codes_from(value: Any) -> list[str]:
    if _is_missing(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise tk.Invalid(tk._("Provinces must be a list of province codes, e.g. [\"TH-52\"]."))
        else:
            value = [part for part in re.split(r"[,\s]+", text) if part]
    if not isinstance(value, list):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def pm25_provinces(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """ISO 3166-2:TH codes: derived from `spatial` when empty, checked against it when given."""
    try:
        given = _codes_from(data.get(key))
    except tk.Invalid as invalid:
        errors[key].append(invalid.error)
        return
    codes: list[str] = []
    unknown = []
    for item in given:
        province = provinces.find_province(item)
        if province is None:
            unknown.append(item)
        elif province.code not in codes:
            codes.append(province.code)
    if unknown:
        errors[key].append(tk._("Unknown province code: %(codes)s. Use ISO 3166-2:TH codes such as "
                                "TH-52 (Lampang).") % {"codes": ", ".join(unknown[:5])})
        return
    spatial_key = key[:-1] + ("spatial",)
    spatial = data.get(spatial_key)
    if errors.get(spatial_key) or _is_missing(spatial):
        data[key] = json.dumps(sorted(codes))
        return
    shape = geometry.parse_geometry(spatial, max_bytes=tk.config.get("ckanext.pm25.geometry.max_bytes"),
                                    max_vertices=tk.config.get("ckanext.pm25.geometry.max_vertices"))
    located = [p.code for p in gazetteer.gazetteer().provinces_for(shape, gazetteer.min_share())]
    if not codes:
        codes = located
    elif located and not set(codes) & set(located):
        names = ", ".join(f"{p.code} ({p.name_th})" for p in map(provinces.by_code, located) if p)
        errors[key].append(tk._("The provinces contradict the location, which lies in %(names)s.")
                           % {"names": names})
        return
    data[key] = json.dumps(sorted(codes))


def pm25_temporal_range(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                        context: Context) -> None:
    start, end = data.get(("temporal_start",)), data.get(("temporal_end",))
    if _is_missing(start) or _is_missing(end) or errors.get(("temporal_start",)) or errors.get(("temporal_end",)):
        return
    if str(end) < str(start):
        errors.setdefault(("temporal_end",), []).append(
            tk._("The end of the temporal coverage is before its start."))


def get_validators() -> dict[str, Callable[..., Any]]:
    return {
        "tag_name_validator": tag_name_validator,
        "pm25_default_license": pm25_default_license,
        "pm25_license_known": pm25_license_known,
        "pm25_tag_string_convert": pm25_tag_string_convert,
        "pm25_date": pm25_date,
        "pm25_year": pm25_year,
        "pm25_latitude": pm25_latitude,
        "pm25_longitude": pm25_longitude,
        "pm25_other_required": pm25_other_required,
        "pm25_aqi_standard_matches_unit": pm25_aqi_standard_matches_unit,
        "pm25_spatial": pm25_spatial,
        "pm25_provinces": pm25_provinces,
        "pm25_temporal_range": pm25_temporal_range,
    }

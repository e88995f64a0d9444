"""Parameter schemas of the readings API (CKAN validators plus a few of ours). Every bound is
read from configuration when a request is validated, and a value over it is refused with the
bound in the message."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context, ContextValidator, Schema

from ckanext.pm25.common.text import has_unwritable
from ckanext.pm25.common.times import PeriodError, parse_instant, read_instant
from ckanext.pm25.dataset import dates
from ckanext.pm25.geo import provinces
from ckanext.pm25.provinces.query import SearchParameterError, parse_bbox
from ckanext.pm25.readings.coarse_point import coarse
from ckanext.pm25.readings.station_kinds import pm25_station_kind, pm25_station_source

AGGREGATES = ("hour", "day")
_TRUE = ("true", "1", "yes", "t", "y")
_FALSE = ("false", "0", "no", "f", "n")
# Beyond any count of rows the summary holds, and within PostgreSQL's bigint.
MAX_OFFSET = 2_147_483_647


def max_period_days() -> int:
    return tk.config.get("ckanext.pm25.api.max_period_days")


def max_page_size() -> int:
    return tk.config.get("ckanext.pm25.api.max_page_size")


def default_page_size() -> int:
    return min(tk.config.get("ckanext.pm25.api.default_page_size"), max_page_size())


def max_stations() -> int:
    return tk.config.get("ckanext.pm25.api.max_stations")


def pm25_province_code(value: Any, context: Context) -> Any:
    province = provinces.find_province(value) if isinstance(value, (str, int)) else None
    if province is None:
        raise tk.Invalid(tk._("Unknown province: %(value)s (use an ISO 3166-2:TH code such as TH-52, or a name)")
                         % {"value": str(value)[:60]})
    return province.code


def pm25_instant(value: Any, context: Context) -> Any:
    """An ISO 8601 period bound; its year as typed is checked as the dataset schema checks years
    (a Buddhist-era year is refused with its Christian-era year, and none outside 1900–2200)."""
    try:
        typed = read_instant(value)
        dates.check_year(typed.year)
        return parse_instant(typed)
    except PeriodError as error:
        raise tk.Invalid(tk._(error.message) % error.values) from None
    except dates.DateError as error:
        raise tk.Invalid(tk._(error.message) % error.params) from None


def pm25_plain_text(value: Any, context: Context) -> Any:
    """Text PostgreSQL can hold and a page can write back: no NUL character, no unpaired
    surrogate (in a string, or in any item of a list)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(item, str) and has_unwritable(item) for item in items):
        raise tk.Invalid(tk._("Must not contain NUL characters or unpaired surrogates (invalid Unicode)"))
    return value


def pm25_strict_boolean(value: Any, context: Context) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise tk.Invalid(tk._("Must be true or false"))


def pm25_bbox(value: Any, context: Context) -> Any:
    """``min_lon,min_lat,max_lon,max_lat`` (WGS 84), as a string or a list of four numbers."""
    try:
        return parse_bbox(value, "bbox")
    except SearchParameterError as error:
        if error.code == "bbox_inverted":
            message = tk._("The minimum longitude and latitude must not exceed the maximum ones")
        else:
            message = tk._("Must be four numbers min_lon,min_lat,max_lon,max_lat in WGS 84 (e.g. 98.5,17.5,100.5,19.5)")
        raise tk.Invalid(message) from None


def pm25_page_size(value: Any, context: Context) -> Any:
    limit = cast(ContextValidator, tk.get_validator("int_validator"))(value, context)
    if limit is None or limit < 1:
        raise tk.Invalid(tk._("Must be a positive integer"))
    if limit > max_page_size():
        raise tk.Invalid(tk._("Must be at most %(max)s (the largest page this server returns)")
                         % {"max": max_page_size()})
    return limit


def pm25_offset(value: Any, context: Context) -> Any:
    offset = cast(ContextValidator, tk.get_validator("int_validator"))(value, context)
    if offset is None or offset < 0:
        raise tk.Invalid(tk._("Must be a natural number"))
    if offset > MAX_OFFSET:
        raise tk.Invalid(tk._("Must be at most %(max)s") % {"max": MAX_OFFSET})
    return offset


def pm25_station_names(value: Any, context: Context) -> Any:
    """One or more station datasets (ids or names) or upstream station ids: a list, or a string
    separated by commas."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise tk.Invalid(tk._("Must be a list of stations, or station names separated by commas"))
    names = list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    if not names:
        raise tk.Invalid(tk._("Give at least one station"))
    if len(names) > max_stations():
        raise tk.Invalid(tk._("At most %(max)s stations per request (%(count)s were given)")
                         % {"max": max_stations(), "count": len(names)})
    return names


def _v(name: str) -> Callable[..., Any]:
    return tk.get_validator(name)


def _period_fields() -> Schema:
    return {"start": [_v("ignore_missing"), pm25_plain_text, pm25_instant],
            "end": [_v("ignore_missing"), pm25_plain_text, pm25_instant]}


def pm25_aggregate(value: Any, context: Context) -> Any:
    if value not in AGGREGATES:
        raise tk.Invalid(tk._("Must be one of: %(choices)s") % {"choices": ", ".join(AGGREGATES)})
    return value


def _aggregate() -> list[Callable[..., Any]]:
    return [_v("default")("hour"), pm25_plain_text, _v("unicode_safe"), pm25_aggregate]


def province_list_schema() -> Schema:
    return {}


def province_show_schema() -> Schema:
    return {"id": [_v("not_empty"), pm25_plain_text, pm25_province_code], "aggregate": _aggregate(), **_period_fields()}


def station_list_schema() -> Schema:
    return {
        "province": [_v("ignore_missing"), pm25_plain_text, pm25_province_code],
        "bbox": [_v("ignore_missing"), pm25_plain_text, pm25_bbox],
        "organization": [_v("ignore_missing"), pm25_plain_text, _v("unicode_safe")],
        "active": [_v("ignore_missing"), pm25_plain_text, pm25_strict_boolean],
        "kind": [_v("ignore_missing"), pm25_plain_text, _v("unicode_safe"), pm25_station_kind],
        "source": [_v("ignore_missing"), pm25_plain_text, _v("unicode_safe"), pm25_station_source],
        "limit": [_v("default")(max_page_size()), pm25_page_size],
        "offset": [_v("default")(0), pm25_offset],
    }


def measurements_schema() -> Schema:
    return {
        "stations": [_v("not_empty"), pm25_plain_text, pm25_station_names],
        "aggregate": _aggregate(),
        **_period_fields(),
        "limit": [_v("default")(default_page_size()), pm25_page_size],
        "offset": [_v("default")(0), pm25_offset],
    }


MAX_NEARBY_STATIONS = 20


def _coordinate(low: float, high: float) -> Callable[[Any, Context], Any]:
    def pm25_coordinate(value: Any, context: Context) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if isinstance(value, bool) or not low <= number <= high:  # NaN fails both comparisons
            raise tk.Invalid(tk._("Must be a number of degrees from %(low)s to %(high)s")
                             % {"low": int(low), "high": int(high)})
        return coarse(number)  # a person's location is used (and logged) only coarse
    return pm25_coordinate


def pm25_nearby_limit(value: Any, context: Context) -> Any:
    limit = cast(ContextValidator, tk.get_validator("int_validator"))(value, context)
    if limit is None or not 1 <= limit <= MAX_NEARBY_STATIONS:
        raise tk.Invalid(tk._("Must be a whole number from 1 to %(max)s") % {"max": MAX_NEARBY_STATIONS})
    return limit


MAX_PLACE_LENGTH = 200


def pm25_place_name(value: Any, context: Context) -> Any:
    if len(value) > MAX_PLACE_LENGTH:
        raise tk.Invalid(tk._("Must be at most %(max)s characters") % {"max": MAX_PLACE_LENGTH})
    return value


def my_area_schema() -> Schema:
    return {
        "lat": [_v("ignore_missing"), pm25_plain_text, _coordinate(-90.0, 90.0)],
        "lon": [_v("ignore_missing"), pm25_plain_text, _coordinate(-180.0, 180.0)],
        "place": [_v("ignore_missing"), pm25_plain_text, _v("unicode_safe"), _v("strip_value"),
                  _v("ignore_empty"), pm25_place_name],
        "limit": [_v("default")(5), pm25_nearby_limit],
    }


MAX_TREND_YEARS = 10


def pm25_trend_years(value: Any, context: Context) -> Any:
    years = cast(ContextValidator, tk.get_validator("int_validator"))(value, context)
    if years is None or not 1 <= years <= MAX_TREND_YEARS:
        raise tk.Invalid(tk._("Must be a whole number from 1 to %(max)s") % {"max": MAX_TREND_YEARS})
    return years


def trends_schema() -> Schema:
    return {
        "province": [_v("ignore_missing"), pm25_plain_text, pm25_province_code],
        "station": [_v("ignore_missing"), pm25_plain_text, _v("unicode_safe")],
        "years": [_v("default")(5), pm25_trend_years],
    }

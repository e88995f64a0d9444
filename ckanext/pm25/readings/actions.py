"""The public, read-only readings API: provinces and stations with their latest values, series
and measurements. Each action: check_access → validate → read the summary."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import ckan.plugins.toolkit as tk
# raised by tk.navl_validate, which the toolkit does not export
from ckan.lib.navl.dictization_functions import DataError
from ckan.types import AuthResult, Context, DataDict
from sqlalchemy.engine import Connection, Row

from ckanext.pm25.geo import provinces
from ckanext.pm25.provinces.labels import current_language
from ckanext.pm25.readings import schemas
from ckanext.pm25.provinces.districts import district_index
from ckanext.pm25.provinces.gazetteer import gazetteer
from ckanext.pm25.readings import hooks, my_area, queries, read_engine, service, trends
from ckanext.pm25.readings.queries import StationFilter
from ckanext.pm25.aqi import THAI_24H_STANDARD
from ckanext.pm25.common.times import PeriodError, floor_hour, thai_day, thai_day_start
from ckanext.pm25.readings.series import Period, period_between


def _validated(data_dict: DataDict, schema: dict[str, Any], context: Context) -> dict[str, Any]:
    try:
        data, errors = tk.navl_validate(dict(data_dict), schema, context)
    except DataError:
        # a list mixing objects and other values: CKAN's own answer (400) echoes the data back and
        # fails (500) when it holds a number JSON cannot write, such as Infinity
        raise tk.ValidationError({"__junk": [tk._("These parameters cannot take data of this shape "
                                                  "(a list mixing objects and other values)")]}) from None
    if errors:
        raise tk.ValidationError(errors)
    return data


def _period(data: dict[str, Any]) -> Period:
    try:
        return period_between(data.get("start"), data.get("end"), hooks.now(), schemas.max_period_days())
    except PeriodError as error:
        raise tk.ValidationError({error.field or "end": [tk._(error.message) % error.values]}) from None


@tk.side_effect_free
def pm25_province_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Every province (by code) with its latest hourly PM2.5 (the mean of its stations in the
    last hour with data), its 24-hour mean (every station value of the 24 hours ending with that
    hour, when at least 18 of them have one), the Thai and US AQI and the health advice of that
    24-hour mean, active station count and the time of that hour.

    :returns: a list of province records (``code``, ``name_th``, ``name_en``, ``region``,
        ``station_count``, ``latest``: {``pm25`` (hourly), ``pm25_24h``, ``hour_utc``,
        ``hour_local``, ``status`` (current, stale, no_data), ``aqi_th``, ``aqi_us`` (of
        ``pm25_24h``; null without it), ``advice`` ({``key``: the Thai band, ``general_public``,
        ``sensitive_groups``: texts in the request's language}, or null),
        ``stations_reporting``}, ``model``: the latest model estimate of the province (GISTDA)
        as the same block with ``kind`` (model_estimate), ``source``, ``licence``,
        ``series_id`` and ``resource_id`` (its measurement store), or null, and
        ``value_source``: ``stations`` when the stations' value is current, else ``model``
        when the model's is, else whichever has a value, or null)
    """
    tk.check_access("pm25_province_list", context, data_dict)
    _validated(data_dict, schemas.province_list_schema(), context)
    with read_engine.replica_reading() as conn:
        return service.province_records(conn, hooks.freshness(), current_language())


@tk.side_effect_free
def pm25_province_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One province: its record, its stations, its series over a period and the days whose
    mean was over the Thai 24-hour standard.

    :param id: the province: ISO 3166-2:TH code (``TH-52``), DOPA number or name
    :param start: ISO 8601 date-time (default: ``end`` less 24 hours)
    :param end: ISO 8601 date-time, exclusive (default: the end of the current hour)
    :param aggregate: ``hour`` (hourly means and daily means, the default) or ``day`` (daily
        means only)
    :returns: the province record (as in ``pm25_province_list``) with ``period``, ``aggregate``,
        ``standard_pm25_24h``, ``days_over_standard``, ``stations`` (station records, as in
        ``pm25_station_list``), ``daily`` ({``date``, ``pm25``, ``hours``, ``values``,
        ``over_standard``} per Thai day) and, for ``aggregate=hour``, ``hourly`` ({``hour_utc``,
        ``hour_local``, ``pm25``, ``stations_reporting``} per hour with data); ``districts``:
        each modelled district ({``code``, ``name_th``, ``name_en``, ``latest`` (as ``model``),
        ``forecast``: [{``date`` (Thai day), ``pm25``}] from today on})
    """
    tk.check_access("pm25_province_show", context, data_dict)
    data = _validated(data_dict, schemas.province_show_schema(), context)
    period = _period(data)
    province = provinces.by_code(data["id"])
    assert province is not None
    with read_engine.replica_reading() as conn:
        return service.province_show(conn, province, period, data["aggregate"], hooks.freshness(),
                                     current_language())


@tk.side_effect_free
def pm25_station_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Station datasets with their place and latest reading (``latest`` as in
    ``pm25_province_list``: the hourly value, the station's 24-hour mean, and the AQIs and advice
    of that mean).

    :param province: only this province (code or name)
    :param bbox: only inside ``min_lon,min_lat,max_lon,max_lat``
    :param organization: only from this organisation (name or id)
    :param active: ``true`` or ``false``: only stations still (or no longer) reported upstream
    :param kind: only this kind (the dataset's ``measurement_type``): ``reference_station``,
        ``low_cost_sensor`` or ``satellite_model``
    :param source: only from this harvest source (its name or id) or harvester type
        (``pm25_air4thai``, ``pm25_dustboy``, …)
    :param limit: page size (at most ``ckanext.pm25.api.max_page_size``)
    :param offset: stations to skip
    :returns: {``count``, ``limit``, ``offset``, ``results``}; each result says its
        ``measurement_type`` and its ``source`` (harvester ``type``, source ``name``,
        ``data_source`` with any attribution upstream requires, ``license_id``)
    """
    tk.check_access("pm25_station_list", context, data_dict)
    data = _validated(data_dict, schemas.station_list_schema(), context)
    filters = StationFilter(province=data.get("province"), bbox=data.get("bbox"),
                            organization=data.get("organization"), active=data.get("active"),
                            kind=data.get("kind"), source=data.get("source"))
    with read_engine.replica_reading() as conn:
        return service.station_list(conn, filters, data["limit"], data["offset"], hooks.freshness(),
                                    current_language())


def _stations(conn: Connection, wanted: list[str], field: str) -> list[Row]:
    """The stations asked for, or a ValidationError on ``field`` naming the unknown and
    ambiguous ones."""
    try:
        return service.resolve_stations(conn, wanted)
    except service.UnknownStations as error:
        messages = []
        if error.unknown:
            messages.append(tk._("No station with this id or name: %(names)s")
                            % {"names": ", ".join(error.unknown)})
        if error.ambiguous:
            messages.append(tk._("More than one station has this id; use the dataset name: %(names)s")
                            % {"names": ", ".join(error.ambiguous)})
        raise tk.ValidationError({field: messages}) from None


def _measurements(context: Context, data_dict: DataDict, paginated: bool) -> dict[str, Any]:
    data = _validated(data_dict, schemas.measurements_schema(), context)
    period = _period(data)
    with read_engine.replica_reading() as conn:
        stations = _stations(conn, data["stations"], "stations")
        return service.measurements(conn, stations, period, data["aggregate"],
                                    data["limit"] if paginated else None, data["offset"] if paginated else 0,
                                    hooks.freshness(), current_language())


@tk.side_effect_free
def pm25_measurements(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Readings of one or more stations over a period, page by page; the same as CSV at
    ``/pm25/measurements.csv`` with the same parameters (the whole period at once).

    :param stations: station dataset names or ids, or upstream station ids (a list, or
        separated by commas; at most ``ckanext.pm25.api.max_stations``)
    :param start: ISO 8601 date-time (default: ``end`` less 24 hours)
    :param end: ISO 8601 date-time, exclusive (default: the end of the current hour); the period
        may span at most ``ckanext.pm25.api.max_period_days`` days
    :param aggregate: ``hour`` (the hourly readings as stored, the default) or ``day`` (daily
        means per station, Thai days)
    :param limit: page size (at most ``ckanext.pm25.api.max_page_size``)
    :param offset: results to skip
    :returns: {``stations``, ``period``, ``aggregate``, ``count``, ``limit``, ``offset``, ``results``};
        ``stations`` are the station records asked for, in that order, as ``pm25_station_list``
        gives them (``name``, ``title``, ``station_id``, ``province``, ``organization``,
        ``active``, ``lon``, ``lat``, ``latest``, ...), so one call gives a station's latest
        reading and its series
    """
    tk.check_access("pm25_measurements", context, data_dict)
    return _measurements(context, data_dict, paginated=True)


def measurements_download(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """pm25_measurements for a download: the same checks and bounds, every result at once."""
    tk.check_access("pm25_measurements", context, data_dict)
    return _measurements(context, data_dict, paginated=False)


@tk.side_effect_free
def pm25_trends(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Days over the Thai 24-hour standard (37.5 µg/m³) per month and per year, and each burning
    season (January to April) beside the earlier ones, for a province or a station.

    :param province: a province (code or name); or
    :param station: a station (dataset name or id, or upstream station id)
    :param years: calendar years ending with this one (1 to 10, default 5)
    :returns: {``province`` or ``station`` (the one asked), ``standard_pm25_24h``,
        ``first_year``, ``last_year``, ``months`` ({``year``, ``month``, ``days_with_data``,
        ``days_over_standard``, ``mean_pm25``, ``max_daily_pm25``}, up to this month),
        ``years`` (the same per ``year``), ``seasons`` (the same per season with ``start``,
        ``end``, ``in_progress`` and, while this season is under way, ``to_date``: an earlier
        season's tally up to the same day, for a fair comparison)}; a day counts when it has a
        daily mean (Thai days), over the standard when that mean exceeds it
    """
    tk.check_access("pm25_trends", context, data_dict)
    data = _validated(data_dict, schemas.trends_schema(), context)
    if ("province" in data) == ("station" in data):
        raise tk.ValidationError({"province": [tk._("Give either a province or a station")]})
    now = hooks.now()
    today = thai_day(now)
    period = Period(thai_day_start(trends.first_day(today, data["years"])), floor_hour(now) + timedelta(hours=1))
    with read_engine.replica_reading() as conn:
        if "province" in data:
            province = provinces.find_province(data["province"])
            assert province is not None  # validated
            hours = queries.province_hours(conn, province.code, period)
            subject: dict[str, Any] = {"province": province.code}
        else:
            (station,) = _stations(conn, [data["station"]], "station")
            hours = queries.station_hours(conn, station.station_key, period)
            subject = {"station": station.name}
    return {**subject, "standard_pm25_24h": THAI_24H_STANDARD,
            **trends.trends_record(trends.trends(hours, today, data["years"]))}


@tk.side_effect_free
def pm25_my_area(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """"My area": the air where a person is, from a point (the browser's location) or a typed
    province or district name.

    :param lat: latitude (WGS 84), with ``lon``
    :param lon: longitude (WGS 84), with ``lat``
    :param place: instead of a point: a province (code, Thai or English name) or a district
        modelled by GISTDA (``Mae Mo`` or ``อำเภอแม่เมาะ``; ``Mae Mo, Lampang`` when several
        provinces have a district of that name)
    :param limit: how many stations (1 to 20, default 5)
    :returns: {``province``: the province's record as in ``pm25_province_list`` (its value, band
        and health advice, and its model estimate), ``district``: the named district's model
        estimate ({``code``, ``name_th``, ``name_en``, ``latest``}) or null; for a point, the district
        it lies in when the site has loaded district boundaries (``ckan pm25 boundaries districts``),
        ``no_district`` saying why there is none (``no_district_boundaries``, ``outside_districts``;
        null otherwise), ``location``:
        {``lon``, ``lat``} or null, ``stations``: station records as in ``pm25_station_list``,
        the nearest active ones to the point with ``distance_km``, or the province's active ones
        (``distance_km`` null) for a place}
    """
    tk.check_access("pm25_my_area", context, data_dict)
    data = _validated(data_dict, schemas.my_area_schema(), context)
    has_point = "lat" in data or "lon" in data
    if has_point and ("lat" not in data or "lon" not in data):
        missing = "lon" if "lat" in data else "lat"
        raise tk.ValidationError({missing: [tk._("Give both lat and lon")]})
    if not has_point and "place" not in data:
        raise tk.ValidationError({"place": [tk._("Give a place name, or a location as lat and lon")]})
    with read_engine.replica_reading() as conn:
        try:
            area = (my_area.area_at(conn, gazetteer(), district_index(), data["lon"], data["lat"]) if has_point
                    else my_area.area_named(conn, data["place"]))
        except my_area.AreaError as error:
            raise tk.ValidationError({error.field: [tk._(error.message) % error.values]}) from None
        return my_area.my_area_record(conn, area, data["limit"], hooks.freshness(), current_language())


@tk.auth_allow_anonymous_access
def _public(context: Context, data_dict: DataDict | None = None) -> AuthResult:
    """Published readings are open data: anyone may read them."""
    return {"success": True}


ACTIONS: dict[str, Callable[..., Any]] = {
    "pm25_province_list": pm25_province_list,
    "pm25_province_show": pm25_province_show,
    "pm25_station_list": pm25_station_list,
    "pm25_measurements": pm25_measurements,
    "pm25_my_area": pm25_my_area,
    "pm25_trends": pm25_trends,
}
AUTH: dict[str, Callable[..., Any]] = {name: _public for name in ACTIONS}

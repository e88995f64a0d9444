"""The public hotspot API: satellite fire detections (NASA FIRMS) over a period, and a
province's hotspots per day beside its daily mean PM2.5. Each action: check_access → validate
→ read the hotspot stores (``hotspots.py``)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context, ContextValidator, DataDict, Schema

from ckanext.pm25.common.times import PeriodError, iso_utc, thai_day_start
from ckanext.pm25.readings import hooks, hotspots, schemas
from ckanext.pm25.readings.actions import _public, _validated
from ckanext.pm25.readings.series import Period, period_between

DEFAULT_COUNT_DAYS = 30


def pm25_day_count(value: Any, context: Context) -> Any:
    days = cast(ContextValidator, tk.get_validator("int_validator"))(value, context)
    if days is None or not 1 <= days <= schemas.max_period_days():
        raise tk.Invalid(tk._("Must be a whole number of days from 1 to %(max)s")
                         % {"max": schemas.max_period_days()})
    return days


def v(name: str) -> Callable[..., Any]:
    return tk.get_validator(name)


def hotspot_list_schema() -> Schema:
    return {
        "province": [v("ignore_missing"), schemas.pm25_plain_text, schemas.pm25_province_code],
        "start": [v("ignore_missing"), schemas.pm25_plain_text, schemas.pm25_instant],
        "end": [v("ignore_missing"), schemas.pm25_plain_text, schemas.pm25_instant],
        "limit": [v("default")(schemas.default_page_size()), schemas.pm25_page_size],
        "offset": [v("default")(0), schemas.pm25_offset],
    }


def hotspot_counts_schema() -> Schema:
    return {"id": [v("not_empty"), schemas.pm25_plain_text, schemas.pm25_province_code],
            "days": [v("default")(DEFAULT_COUNT_DAYS), schemas.pm25_plain_text, pm25_day_count]}


def _period(data: dict[str, Any]) -> Period:
    try:
        return period_between(data.get("start"), data.get("end"), hooks.now(),
                              schemas.max_period_days(), default_span=timedelta(hours=24))
    except PeriodError as error:
        raise tk.ValidationError({error.field or "end": [tk._(error.message) % error.values]}) from None


def hotspot_rows(context: Context, data_dict: DataDict, paginated: bool = True) -> dict[str, Any]:
    data = _validated(data_dict, hotspot_list_schema(), context)
    period = _period(data)
    wanted = hotspots.HotspotFilter(since=period.start, until=period.end,
                                    province=data.get("province"))
    page = hotspots.hotspot_page(wanted, data["limit"] if paginated else None,
                                 data["offset"] if paginated else 0)
    return {"province": data.get("province"), "start": iso_utc(period.start),
            "end": iso_utc(period.end), "limit": data["limit"], "offset": data["offset"],
            "attribution": "NASA FIRMS", **page}


@tk.side_effect_free
def pm25_hotspot_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Satellite fire detections (hotspots, NASA FIRMS) acquired in a period, newest first.

    :param province: only this province (ISO 3166-2:TH code, DOPA number or name)
    :param start: ISO 8601 date-time (default: ``end`` less 24 hours)
    :param end: ISO 8601 date-time, exclusive (default: the end of the current hour); the
        period may span at most ``ckanext.pm25.api.max_period_days`` days
    :param limit: page size (at most ``ckanext.pm25.api.max_page_size``)
    :param offset: hotspots to skip
    :returns: {``province``, ``start``, ``end``, ``count``, ``limit``, ``offset``,
        ``attribution``, ``results``: [{``latitude``, ``longitude``, ``acquired_utc``,
        ``acquired_local``, ``province``, ``satellite``, ``instrument``, ``confidence`` (low,
        nominal, high), ``confidence_pct`` (MODIS 0–100), ``frp`` (MW), ``daynight``}]}
    """
    tk.check_access("pm25_hotspot_list", context, data_dict)
    return hotspot_rows(context, data_dict)


@tk.side_effect_free
def pm25_hotspot_counts(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A province's hotspots per Thai calendar day, beside the daily mean PM2.5 of its stations
    (the view of the burning season).

    :param id: the province (ISO 3166-2:TH code, DOPA number or name)
    :param days: how many days, ending today in Thai time (default 30, at most
        ``ckanext.pm25.api.max_period_days``)
    :returns: {``province``, ``first_day``, ``last_day``, ``total``, ``attribution``,
        ``days``: [{``date``, ``hotspots``, ``pm25`` (the day's mean, µg/m³, or null)}]}
    """
    tk.check_access("pm25_hotspot_counts", context, data_dict)
    data = _validated(data_dict, hotspot_counts_schema(), context)
    first, last = hotspots.thai_days_ending(hooks.now(), data["days"])
    counts = hotspots.daily_counts(data["id"], first, last)
    shown = tk.get_action("pm25_province_show")(context, {
        "id": data["id"], "aggregate": "day",
        "start": iso_utc(thai_day_start(first)),
        "end": iso_utc(thai_day_start(last) + timedelta(days=1))})
    means = {day["date"]: day["pm25"] for day in shown["daily"]}
    return {"province": data["id"], "first_day": first.isoformat(), "last_day": last.isoformat(),
            "total": sum(day["hotspots"] for day in counts), "attribution": "NASA FIRMS",
            "days": [{**day, "pm25": means.get(day["date"])} for day in counts]}


ACTIONS: dict[str, Callable[..., Any]] = {
    "pm25_hotspot_list": pm25_hotspot_list,
    "pm25_hotspot_counts": pm25_hotspot_counts,
}
AUTH: dict[str, Callable[..., Any]] = {name: _public for name in ACTIONS}

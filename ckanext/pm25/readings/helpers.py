"""Template helpers of the dashboard, the readings part of province pages and station pages."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import ProgrammingError

from ckanext.pm25.advice import advice_for
from ckanext.pm25.aqi import THAI_24H_STANDARD, thai_bands
from ckanext.pm25.geo.provinces import Province, find_province
from ckanext.pm25.readings import deferred_scripts, hooks, sensor_layer, source_freshness, station_kinds
from ckanext.pm25.measurements.links import series_download_url
from ckanext.pm25.readings.chart import ChartLabels, render_chart
from ckanext.pm25.readings.records import MODEL, shown_value
from ckanext.pm25.common.times import THAI_TZ, iso_utc, parse_instant
from ckanext.pm25.readings.series import (DEFAULT_RANGE, RANGES, DailyMean, HourlyValue, daily_means,
                                         days_over_standard, last_period)

STALE_COLOUR = "#9CA3AF"
NO_DATA_COLOUR = "#F3F4F6"
INCOMPLETE_COLOUR = "#FFFFFF"
"""Current, but fewer than 18 of the 24 hours have a value: no 24-hour mean, so no band colour."""


def _english() -> bool:
    return tk.h.lang() == "en"


def pm25_aqi_bands() -> list[dict[str, Any]]:
    """The Thai AQI bands for a legend: name in the page language, PM2.5 and AQI ranges, colour,
    and PCD's health advice for the general public and for sensitive groups."""
    language = "en" if _english() else "th"
    bands = []
    for band in thai_bands():
        advice = advice_for(band.key)
        if band.conc_high is None:
            conc = f"≥ {band.conc_low:g}"
            aqi = f"> {band.aqi_low - 1}"
        else:
            conc = f"{band.conc_low:g}–{band.conc_high:g}"
            aqi = f"{band.aqi_low}–{band.aqi_high}"
        bands.append({"key": band.key, "name": band.name_en if _english() else band.name_th, "pm25": conc,
                      "aqi": aqi, "colour": band.colour_hex,
                      "general_public": advice.general(language) if advice else "",
                      "sensitive_groups": advice.sensitive(language) if advice else ""})
    return bands


def pm25_band_name(aqi: dict[str, Any] | None) -> str:
    if not aqi:
        return ""
    return aqi["name_en"] if _english() else aqi["name_th"]


def pm25_local_time(value: str | datetime | None) -> str:
    """Thai local time as people read it: 07/05/2024 20:00."""
    if not value:
        return ""
    instant = parse_instant(value)
    return instant.astimezone(THAI_TZ).strftime("%d/%m/%Y %H:%M")


def pm25_fill(latest: dict[str, Any]) -> str:
    """The colour a latest value is drawn with: the Thai AQI band of its 24-hour mean when
    current, white when current without a 24-hour mean, grey when stale."""
    if latest.get("status") == "current":
        return latest["aqi_th"]["colour"] if latest.get("aqi_th") else INCOMPLETE_COLOUR
    return STALE_COLOUR if latest.get("status") == "stale" else NO_DATA_COLOUR


def _relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of ``#RRGGBB``."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def pm25_text_colour(background: str) -> str:
    """Black or white, whichever has the higher WCAG contrast ratio on ``background`` (#RRGGBB):
    white on the orange band (#F26522) is 3.2:1, under the 4.5:1 text needs; black is 6.5:1."""
    luminance = _relative_luminance(background)
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return "#000000" if on_black >= on_white else "#FFFFFF"


def pm25_latest_text(latest: dict[str, Any]) -> str:
    """A latest value in words, for tooltips: the 24-hour mean with its AQI and band (or that
    there is none), then the hourly value; or why there is no current value."""
    if latest.get("status") == "current":
        aqi = latest.get("aqi_th")
        hourly = tk._("hourly value") + f" {latest['pm25']:.1f} µg/m³"
        if latest.get("pm25_24h") is None or not aqi:
            return f"{pm25_incomplete_text()} · {hourly}"
        mean = tk._("24-hour mean") + f" {latest['pm25_24h']:.1f} µg/m³"
        return f"{mean} · AQI {aqi['value']} · {pm25_band_name(aqi)} · {hourly}"
    if latest.get("status") == "stale":
        return tk._("No current data") + " — " + tk._("last reading {value} µg/m³ at {time}").format(
            value=f"{latest['pm25']:.1f}", time=pm25_local_time(latest["hour_utc"]))
    return tk._("No readings")


def pm25_incomplete_text() -> str:
    """What is said instead of a band when fewer than 18 of the 24 hours have a value."""
    return tk._("Fewer than 18 of 24 hours: no 24-hour mean")


def pm25_worst(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first record (of a worst-first list) with current data and a band's advice."""
    return next((record for record in records
                 if record["latest"]["status"] == "current" and record["latest"].get("advice")), None)


def pm25_map_provinces(records: list[dict[str, Any]]) -> str:
    """What the dashboard map needs per province, as JSON for a data attribute: the fill colour
    and the words that go with it (translated here: the map's script has no catalogue)."""
    english = _english()
    data = {}
    for record in records:
        latest = shown_value(record)
        model = tk._("Model estimate ({source})").format(source=latest["source"]) + ": " \
            if record.get("value_source") == MODEL else ""
        data[record["code"]] = {
            "name": record["name_en"] if english else record["name_th"],
            "fill": pm25_fill(latest),
            "status": latest["status"],
            "text": model + pm25_latest_text(latest),
        }
    return json.dumps(data, ensure_ascii=False)


def _range_key() -> str:
    key = request.args.get("range", DEFAULT_RANGE)
    return key if key in RANGES else DEFAULT_RANGE


def _range_links(anchor: str) -> list[dict[str, Any]]:
    labels = {"24h": tk._("Last 24 hours"), "7d": tk._("Last 7 days"), "30d": tk._("Last 30 days")}
    current = _range_key()
    return [{"key": key, "label": labels[key], "current": key == current,
             "url": tk.h.add_url_param(new_params={"range": key}) + anchor} for key in RANGES]


def _chart_labels(title: str) -> ChartLabels:
    return ChartLabels(
        title=title,
        standard=tk._("Thai 24-hour standard {value} µg/m³").format(value=THAI_24H_STANDARD),
        hourly=tk._("hourly value"),
        daily=tk._("daily mean"),
        english=_english(),
    )


@dataclass(frozen=True)
class _Series:
    """A chart's series as the readings snippets read it."""

    hours: list[HourlyValue]
    days: list[DailyMean]
    days_over_standard: int


def _context() -> Context:
    return {"user": current_user.name if current_user else "", "auth_user_obj": current_user}


def _days(items: list[dict[str, Any]]) -> list[DailyMean]:
    return [DailyMean(date.fromisoformat(item["date"]), item["pm25"], item["hours"], item["values"])
            for item in items]


def _province_hours(items: list[dict[str, Any]]) -> list[HourlyValue]:
    """The hourly means of pm25_province_show as chart values (their mean is the rounded pm25)."""
    return [HourlyValue(parse_instant(item["hour_utc"]), item["pm25"] * item["stations_reporting"],
                        item["stations_reporting"]) for item in items]


def pm25_province_readings(wanted: Province | str) -> dict[str, Any] | None:
    """Everything the readings part of a province page shows, for the period chosen with
    ``?range=24h|7d|30d``, from pm25_province_show; None for an unknown province."""
    province = wanted if isinstance(wanted, Province) else find_province(wanted)
    if province is None:
        return None
    period = last_period(_range_key(), hooks.now())
    period_args = {"start": iso_utc(period.start), "end": iso_utc(period.end)}
    shown = tk.get_action("pm25_province_show")(_context(), {"id": province.code, **period_args})
    days = _days(shown["daily"])
    series = _Series(_province_hours(shown["hourly"]), days, shown["days_over_standard"])
    name = province.name_en if _english() else province.name_th
    return {
        "province": province,
        "name": name,
        "record": shown,
        "stations": shown["stations"],
        "period": period,
        "series": series,
        "ranges": _range_links("#pm25-readings"),
        "chart": Markup(render_chart(period, series.hours, series.days, _chart_labels(
            tk._("PM2.5 in {province}: hourly values and daily means").format(province=name)),
            chart_id="pm25-province-chart")),
        "csv_hourly": tk.h.url_for("pm25_dashboard.province_csv", code=province.code, **period_args),
        "csv_daily": tk.h.url_for("pm25_dashboard.province_csv", code=province.code, aggregate="day", **period_args),
        "stations_geojson": tk.h.url_for("pm25_dashboard.province_stations", code=province.code),
        "outlines": tk.h.url_for("pm25_province.outlines"),
        "standard": shown["standard_pm25_24h"],
    }


def _station_measurements(package_id: str, period_args: dict[str, str]) -> dict[str, Any] | None:
    """Every hourly reading of the station dataset in the period, from pm25_measurements page by
    page; None when the dataset is not a public station in the summary."""
    action = tk.get_action("pm25_measurements")
    limit = tk.config.get("ckanext.pm25.api.max_page_size")
    asked = {"stations": [package_id], **period_args, "limit": limit}
    try:
        page = action(_context(), {**asked, "offset": 0})
    except tk.ValidationError:
        return None
    except ProgrammingError as error:  # every dataset page asks: without the tables, show nothing
        if hooks.is_unmigrated(error):
            return None
        raise
    results = list(page["results"])
    while len(results) < page["count"] and page["results"]:
        page = action(_context(), {**asked, "offset": len(results)})
        results.extend(page["results"])
    return {**page, "results": results}


def pm25_station_readings(package: dict[str, Any]) -> dict[str, Any] | None:
    """The latest value and chart of a station dataset page, from pm25_measurements; None when
    the dataset is not a station with readings in the summary."""
    if not package.get("id"):
        return None
    period = last_period(_range_key(), hooks.now())
    period_args = {"start": iso_utc(period.start), "end": iso_utc(period.end)}
    measured = _station_measurements(package["id"], period_args)
    if measured is None:
        return None
    hours = [HourlyValue(parse_instant(item["datetime_utc"]), item["pm25"], 1)
             for item in measured["results"] if item["pm25"] is not None]
    days = daily_means(hours)
    series = _Series(hours, days, days_over_standard(days))
    return {
        "record": measured["stations"][0],
        "period": period,
        "series": series,
        "ranges": _range_links("#pm25-readings"),
        "chart": Markup(render_chart(period, series.hours, series.days, _chart_labels(
            tk._("PM2.5 at {station}: hourly values and daily means").format(
                station=package.get("title") or package["name"])),
            chart_id="pm25-station-chart")),
        "csv_hourly": tk.h.url_for("pm25_dashboard.measurements_csv", stations=package["name"], **period_args),
        "csv_daily": tk.h.url_for("pm25_dashboard.measurements_csv", stations=package["name"], aggregate="day",
                                  **period_args),
        "standard": THAI_24H_STANDARD,
    }


def pm25_series_csv_url(resource_id: str, series_id: str) -> str:
    """The CSV of one series of a measurement store (CKAN's DataStore dump, filtered)."""
    return series_download_url(tk.config.get("ckan.site_url"), resource_id, series_id)


def pm25_data_until_by_source(records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The newest hour of each model source behind the province records ({source, hour_utc})."""
    newest: dict[str, str] = {}
    for record in records:
        model = record.get("model") or {}
        if model.get("hour_utc") and model.get("source"):
            newest[model["source"]] = max(newest.get(model["source"], ""), model["hour_utc"])
    return [{"source": source, "hour_utc": hour} for source, hour in sorted(newest.items())]


def pm25_trends(province: str | None = None, station: str | None = None) -> dict[str, Any] | None:
    """What the trends part of a province or station page shows (pm25_trends over the default
    years), with its CSV link and the month names; None when no day of those years has data."""
    subject = {"province": province} if province else {"station": station}
    try:
        found = tk.get_action("pm25_trends")(_context(), subject)
    except tk.ValidationError:
        return None
    if not any(year["days_with_data"] for year in found["years"]):
        return None
    months: dict[int, dict[int, dict[str, Any]]] = {}
    for item in found["months"]:
        months.setdefault(item["year"], {})[item["month"]] = item
    return {
        "trends": found,
        "seasons": list(reversed(found["seasons"])),
        "years": [{**year, "months": months.get(year["year"], {})} for year in reversed(found["years"])],
        "month_names": [tk._("Jan"), tk._("Feb"), tk._("Mar"), tk._("Apr"), tk._("May"), tk._("Jun"),
                        tk._("Jul"), tk._("Aug"), tk._("Sep"), tk._("Oct"), tk._("Nov"), tk._("Dec")],
        "most_days_over": max([season["days_over_standard"] for season in found["seasons"]] + [1]),
        "csv": tk.h.url_for("pm25_dashboard.trends_csv", **subject),
    }


HELPERS: dict[str, Callable[..., Any]] = {
    **sensor_layer.HELPERS,
    **source_freshness.HELPERS,
    **station_kinds.HELPERS,
    "pm25_series_csv_url": pm25_series_csv_url,
    "pm25_data_until_by_source": pm25_data_until_by_source,
    "pm25_aqi_bands": pm25_aqi_bands,
    "pm25_band_name": pm25_band_name,
    "pm25_local_time": pm25_local_time,
    "pm25_fill": pm25_fill,
    "pm25_incomplete_text": pm25_incomplete_text,
    "pm25_worst": pm25_worst,
    "pm25_text_colour": pm25_text_colour,
    "pm25_map_provinces": pm25_map_provinces,
    "pm25_latest_text": pm25_latest_text,
    "pm25_province_readings": pm25_province_readings,
    "pm25_station_readings": pm25_station_readings,
    "pm25_trends": pm25_trends,
    "render_assets": deferred_scripts.render_assets,
}

"""The hotspots' public face: the dashboard map's layer (``/pm25/hotspots.geojson``, the last 24
hours), a province's hotspots and its 30-day chart of daily counts beside daily mean PM2.5
(template helpers for ``pm25/snippets/province_hotspots.html``), and their CSV downloads."""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint, Response, request
from flask_login import current_user
from markupsafe import Markup

from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.geo.provinces import Province, find_province
from ckanext.pm25.provinces.lookups import province_or_404
from ckanext.pm25.readings import exports, hooks, hotspots
from ckanext.pm25.readings.hotspot_actions import DEFAULT_COUNT_DAYS, hotspot_rows
from ckanext.pm25.readings.hotspot_chart import HotspotChartLabels, HotspotDay, render_hotspot_chart

blueprint = Blueprint("pm25_hotspots", __name__)

COUNT_COLUMNS = ("province", "date", "hotspots", "pm25")
HOTSPOT_COLUMNS = ("province", "acquired_utc", "acquired_local", "latitude", "longitude",
                   "satellite", "instrument", "confidence", "confidence_pct", "frp", "daynight")
RECENT_SHOWN = 50


def _context() -> Context:
    return {"user": current_user.name if current_user else "", "auth_user_obj": current_user}


def _english() -> bool:
    return tk.h.lang() == "en"


def _csv(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(error: tk.ValidationError) -> Any:
    text = ". ".join(f"{field}: {'; '.join(str(m) for m in messages) if isinstance(messages, list) else messages}"
                     for field, messages in (error.error_dict or {}).items())
    return tk.abort(400, text or str(error))


def map_geojson() -> Any:
    """Every hotspot of the last 24 hours as GeoJSON points (at most
    ``ckanext.pm25.hotspots.map_limit``, newest first), for the dashboard map."""
    tk.check_access("pm25_hotspot_list", _context(), {})
    now = hooks.now()
    page = hotspots.hotspot_page(hotspots.HotspotFilter(since=now - timedelta(hours=24), until=now),
                                 int(tk.config.get("ckanext.pm25.hotspots.map_limit")))
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [item["longitude"], item["latitude"]]},
                 "properties": {key: value for key, value in item.items()
                                if key not in ("latitude", "longitude")}}
                for item in page["results"]]
    body = json.dumps({"type": "FeatureCollection", "features": features,
                       "count": page["count"], "attribution": "NASA FIRMS"}, ensure_ascii=False)
    return Response(body, mimetype="application/geo+json")


def hotspots_csv() -> Any:
    """pm25_hotspot_list as CSV: the whole period at once, within the same bounds."""
    data_dict = {key: request.args[key] for key in ("province", "start", "end") if key in request.args}
    try:
        tk.check_access("pm25_hotspot_list", _context(), data_dict)
        result = hotspot_rows(_context(), data_dict, paginated=False)
    except tk.ValidationError as error:
        return _refused(error)
    where = result["province"] or "TH"
    return _csv(exports.to_csv(HOTSPOT_COLUMNS, result["results"]),
                f"hotspots-{where}-{result['start'][:10]}.csv")


def province_counts_csv(code: str) -> Any:
    """A province's hotspots per day beside its daily mean PM2.5 (what the chart shows)."""
    province = province_or_404(code)
    data_dict = {"id": province.code, **({"days": request.args["days"]} if "days" in request.args else {})}
    try:
        result = tk.get_action("pm25_hotspot_counts")(_context(), data_dict)
    except tk.ValidationError as error:
        return _refused(error)
    rows = [{"province": province.code, **day} for day in result["days"]]
    return _csv(exports.to_csv(COUNT_COLUMNS, rows),
                f"hotspots-per-day-{province.code}-{result['first_day']}.csv")


blueprint.add_url_rule("/pm25/hotspots.geojson", view_func=map_geojson, endpoint="map")
blueprint.add_url_rule("/pm25/hotspots.csv", view_func=hotspots_csv, endpoint="csv")
blueprint.add_url_rule("/province/<code>/hotspots-per-day.csv", view_func=province_counts_csv,
                       endpoint="province_counts_csv")


# --- template helpers ------------------------------------------------------------------------


def pm25_hotspots_enabled() -> bool:
    """Whether any hotspot source is published (the map layer and the province part show then)."""
    return bool(hotspots.store_ids())


def pm25_province_hotspots(wanted: Province | str) -> dict[str, Any] | None:
    """What the hotspot part of a province page shows: counts of the last 24 hours and 7 days,
    the last 24 hours' detections, the 30-day chart and the downloads; None without a hotspot
    source or for an unknown province."""
    province = wanted if isinstance(wanted, Province) else find_province(wanted)
    if province is None or not pm25_hotspots_enabled():
        return None
    context = _context()
    now = hooks.now()
    last_week = hotspot_rows(context, {"province": province.code, "limit": 1,
                                       "start": iso_utc(now - timedelta(days=7)), "end": iso_utc(now)})
    last_day = hotspot_rows(context, {"province": province.code, "limit": RECENT_SHOWN,
                                      "start": iso_utc(now - timedelta(hours=24)), "end": iso_utc(now)})
    counts = tk.get_action("pm25_hotspot_counts")(context, {"id": province.code,
                                                            "days": DEFAULT_COUNT_DAYS})
    name = province.name_en if _english() else province.name_th
    days = [HotspotDay(date.fromisoformat(day["date"]), day["hotspots"], day["pm25"])
            for day in counts["days"]]
    labels = HotspotChartLabels(
        title=tk._("Hotspots per day and daily mean PM2.5 in {province}, last {days} days").format(
            province=name, days=DEFAULT_COUNT_DAYS),
        hotspots=tk._("hotspots"), pm25=tk._("daily mean PM2.5"),
        standard=tk._("Thai 24-hour standard {value} µg/m³").format(value=37.5))
    return {
        "province": province,
        "last_24h": last_day["count"],
        "last_7d": last_week["count"],
        "recent": last_day["results"],
        "days": counts["days"],
        "total": counts["total"],
        "chart": Markup(render_hotspot_chart(days, labels)),
        "csv_counts": tk.h.url_for("pm25_hotspots.province_counts_csv", code=province.code),
        "csv_week": tk.h.url_for("pm25_hotspots.csv", province=province.code,
                                 start=iso_utc(now - timedelta(days=7)), end=iso_utc(now)),
    }


HELPERS = {"pm25_hotspots_enabled": pm25_hotspots_enabled,
           "pm25_province_hotspots": pm25_province_hotspots}

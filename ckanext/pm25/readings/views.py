"""The national PM2.5 dashboard (/pm25) and the downloads of what the pages show: a province's
series as CSV, its stations as GeoJSON, and station readings as CSV (the download URL of the
pm25_measurements action). The blueprint also installs the app-wide guard against request
bodies too deeply nested for CKAN's action view (api_guard.py)."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from flask import Blueprint, Response, request
from flask_login import current_user

from ckanext.pm25.readings.actions import measurements_download
from ckanext.pm25.readings import api_guard, exports, http_cache, sensor_layer
from ckanext.pm25.readings.records import sort_by_aqi
from ckanext.pm25.provinces.lookups import province_or_404

blueprint = Blueprint("pm25_dashboard", __name__)
blueprint.before_app_request(api_guard.refuse_deep_bodies)
# validators and 304s of the readings' pages, API answers and downloads (http_cache.py)
blueprint.before_app_request(http_cache.answer_unchanged)


def _context() -> Context:
    return {"user": current_user.name if current_user else "", "auth_user_obj": current_user}


def _messages(error: tk.ValidationError) -> dict[str, list[str]]:
    return {field: [str(message) for message in (messages if isinstance(messages, list) else [messages])]
            for field, messages in (error.error_dict or {}).items()}


def _error_message(error: tk.ValidationError) -> str:
    """Every refusal with its field, for API-shaped answers (downloads)."""
    return ". ".join(f"{field}: {'; '.join(texts)}" for field, texts in _messages(error).items()) or str(error)


def index() -> Any:
    records = tk.get_action("pm25_province_list")(_context(), {})
    latest_hours = [record["latest"]["hour_utc"] for record in records if record["latest"]["hour_utc"]]
    return tk.render("pm25/dashboard.html", {
        "provinces": records,
        "ranked": sort_by_aqi(records),
        "data_until": max(latest_hours) if latest_hours else None,
        "stale_after": tk.config.get("ckanext.pm25.dashboard.stale_after_hours"),
    })


def my_area() -> Any:
    """The air where a person is: from the browser's location (asked only when they press the
    button) or a typed province or district name; the form alone until either is given."""
    asked = {key: request.args[key] for key in ("lat", "lon", "place") if request.args.get(key)}
    result, error = None, None
    if asked:
        try:
            result = tk.get_action("pm25_my_area")(_context(), asked)
        except tk.ValidationError as refused:
            error = " ".join(text for texts in _messages(refused).values() for text in texts)
    return tk.render("pm25/my_area.html", {"asked": asked, "result": result, "error": error})


def _csv(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def province_csv(code: str) -> Any:
    """The province's series as the chart shows it: hourly means (default) or daily means."""
    province = province_or_404(code)
    data_dict = {key: request.args[key] for key in ("start", "end", "aggregate") if key in request.args}
    data_dict["id"] = province.code
    try:
        result = tk.get_action("pm25_province_show")(_context(), data_dict)
    except tk.ValidationError as error:
        return tk.abort(400, _error_message(error))
    start = result["period"]["start"][:13].replace("-", "").replace("T", "")
    if result["aggregate"] == "day":
        body = exports.to_csv(exports.PROVINCE_DAILY_COLUMNS,
                              [{"province": province.code, **item} for item in result["daily"]])
    else:
        body = exports.to_csv(exports.PROVINCE_HOURLY_COLUMNS,
                              [{"province": province.code, **item} for item in result["hourly"]])
    return _csv(body, f"pm25-{province.code}-{result['aggregate']}-{start}.csv")


def province_stations(code: str) -> Any:
    province = province_or_404(code)
    result = tk.get_action("pm25_station_list")(_context(), {"province": province.code})
    extra = {station["name"]: {"url": tk.h.url_for("dataset.read", id=station["name"], qualified=True),
                               "text": tk.h.pm25_latest_text(station["latest"])}
             for station in result["results"]}
    body = json.dumps(exports.stations_geojson(result["results"], extra), ensure_ascii=False)
    response = Response(body, mimetype="application/geo+json")
    response.headers["Content-Disposition"] = f'attachment; filename="pm25-stations-{province.code}.geojson"'
    return response


def measurements_csv() -> Any:
    """pm25_measurements as CSV: the whole period at once, within the same bounds."""
    data_dict: dict[str, Any] = {key: request.args[key] for key in ("start", "end", "aggregate") if key in request.args}
    stations = request.args.getlist("stations")
    data_dict["stations"] = ",".join(stations)
    try:
        result = measurements_download(_context(), data_dict)
    except tk.ValidationError as error:
        return tk.abort(400, _error_message(error))
    columns = (exports.DAILY_READING_COLUMNS if result["aggregate"] == "day" else exports.READING_COLUMNS) \
        + exports.SOURCE_COLUMNS
    rows = exports.with_sources(result["results"], result["stations"])
    names = "-".join(station["name"] for station in result["stations"])[:80]
    return _csv(exports.to_csv(columns, rows), f"pm25-{names}-{result['aggregate']}.csv")


def trends_csv() -> Any:
    """pm25_trends per month as CSV: ``?province=`` or ``?station=``, ``&years=``."""
    data_dict = {key: request.args[key] for key in ("province", "station", "years") if key in request.args}
    try:
        result = tk.get_action("pm25_trends")(_context(), data_dict)
    except tk.ValidationError as error:
        return tk.abort(400, _error_message(error))
    subject = result.get("province") or result["station"]
    rows = [{"area": subject, **month} for month in result["months"]]
    return _csv(exports.to_csv(exports.TREND_COLUMNS, rows),
                f"pm25-trends-{subject}-{result['first_year']}-{result['last_year']}.csv")


blueprint.add_url_rule("/pm25", view_func=index, endpoint="index")
blueprint.add_url_rule("/pm25/trends.csv", view_func=trends_csv, endpoint="trends_csv")
blueprint.add_url_rule("/pm25/my-area", view_func=my_area, endpoint="my_area")
blueprint.add_url_rule("/pm25/sensors.geojson", view_func=sensor_layer.sensors_geojson, endpoint="sensors")
blueprint.add_url_rule("/pm25/measurements.csv", view_func=measurements_csv, endpoint="measurements_csv")
blueprint.add_url_rule("/province/<code>/readings.csv", view_func=province_csv, endpoint="province_csv")
blueprint.add_url_rule("/province/<code>/stations.geojson", view_func=province_stations, endpoint="province_stations")
